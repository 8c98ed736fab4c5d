/* Decoding requests: JSON tree to typed structs. */
#include "request.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const STRATEGY_NAMES[S_COUNT] = { "oneshot", "chunks", "page-cross", "inplace", "chained", "zerocopy", "concurrent" };
const char *const ALG_TYPE_NAMES[4] = { "hash", "skcipher", "aead", "rng" };

void *pool_alloc(struct pool *pool, size_t size)
{
	if (pool->n == pool->cap) {
		size_t cap = pool->cap ? pool->cap * 2 : 16;
		void **items = realloc(pool->items, cap * sizeof *items);
		if (!items) return NULL;
		pool->items = items;
		pool->cap = cap;
	}
	void *p = calloc(1, size ? size : 1);
	if (p) pool->items[pool->n++] = p;
	return p;
}

void pool_free(struct pool *pool)
{
	for (size_t i = 0; i < pool->n; i++) free(pool->items[i]);
	free(pool->items);
	memset(pool, 0, sizeof *pool);
}

static int bad(struct decoder *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->error, sizeof d->error, fmt, ap);
	va_end(ap);
	return -1;
}

/* The member `name` of `obj` of type `type`: 1 found, 0 absent (or null), -1 wrong type. */
static int member(struct decoder *d, const struct jnode *obj, const char *where, const char *name, enum jtype type, const struct jnode **out)
{
	const struct jnode *m = json_get(obj, name);
	*out = NULL;
	if (!m || m->type == J_NULL) return 0;
	if (m->type != type) return bad(d, "%s%s: expected %s, got %s", where, name, json_type_name(type), json_type_name(m->type));
	*out = m;
	return 1;
}

static int need(struct decoder *d, const struct jnode *obj, const char *where, const char *name, enum jtype type, const struct jnode **out)
{
	int rc = member(d, obj, where, name, type, out);
	if (rc == 0) return bad(d, "%s%s: missing (%s required)", where, name, json_type_name(type));
	return rc;
}

static int get_string(struct decoder *d, const struct jnode *obj, const char *where, const char *name, int required, const char **out)
{
	const struct jnode *m;
	int rc = required ? need(d, obj, where, name, J_STR, &m) : member(d, obj, where, name, J_STR, &m);
	if (rc > 0) *out = m->str;
	return rc;
}

static int get_uint(struct decoder *d, const struct jnode *obj, const char *where, const char *name, int required, double max, double *out)
{
	const struct jnode *m;
	int rc = required ? need(d, obj, where, name, J_NUM, &m) : member(d, obj, where, name, J_NUM, &m);
	if (rc <= 0) return rc;
	if (m->num < 0 || m->num > max || floor(m->num) != m->num) return bad(d, "%s%s: expected an integer in 0..%.0f, got %g", where, name, max, m->num);
	*out = m->num;
	return 1;
}

static int get_bool(struct decoder *d, const struct jnode *obj, const char *where, const char *name, int *out)
{
	const struct jnode *m;
	int rc = member(d, obj, where, name, J_BOOL, &m);
	*out = rc > 0 ? m->boolean : 0;
	return rc;
}

static int get_bytes(struct decoder *d, const struct jnode *obj, const char *where, const char *name, int required, struct bytes *out)
{
	const struct jnode *m;
	int rc = required ? need(d, obj, where, name, J_STR, &m) : member(d, obj, where, name, J_STR, &m);
	if (rc <= 0) return rc;
	out->p = pool_alloc(d->pool, m->len * 3 / 4 + 3);
	if (!out->p) return bad(d, "%s%s: out of memory", where, name);
	long n = base64_decode(m->str, m->len, out->p);
	if (n < 0) return bad(d, "%s%s: not base64", where, name);
	out->n = (size_t)n;
	return 1;
}

static int get_strategies(struct decoder *d, const struct jnode *obj, const char *where, int required, enum strategy *out, size_t *n)
{
	const struct jnode *list;
	int rc = required ? need(d, obj, where, "strategies", J_ARR, &list) : member(d, obj, where, "strategies", J_ARR, &list);
	if (rc <= 0) return rc;
	if (list->len > MAX_STRATEGIES) return bad(d, "%sstrategies: more than %d", where, MAX_STRATEGIES);
	*n = 0;
	for (const struct jnode *s = list->child; s; s = s->next) {
		int index = s->type == J_STR ? strategy_index(s->str) : -1;
		if (index < 0) return bad(d, "%sstrategies[%zu]: expected oneshot, chunks, page-cross, inplace, chained, zerocopy or concurrent", where, *n);
		out[(*n)++] = (enum strategy)index;
	}
	return 1;
}

int strategy_index(const char *name)
{
	for (int i = 0; i < S_COUNT; i++)
		if (strcmp(name, STRATEGY_NAMES[i]) == 0) return i;
	return -1;
}

static int get_op(struct decoder *d, const struct jnode *c, const char *where, int *encrypt)
{
	const char *op = "";
	if (get_string(d, c, where, "op", 1, &op) < 0) return -1;
	if (strcmp(op, "encrypt") != 0 && strcmp(op, "decrypt") != 0) return bad(d, "%sop: expected encrypt or decrypt", where);
	*encrypt = strcmp(op, "encrypt") == 0;
	return 0;
}

static int decode_expectations(struct decoder *d, const struct jnode *c, const char *where, struct acase *out, int mismatch_allowed)
{
	if ((out->has_expect = get_bytes(d, c, where, "expect", 0, &out->expect)) < 0) return -1;
	if (get_string(d, c, where, "expectError", 0, &out->expect_error) < 0) return -1;
	double socket = 0;
	if ((out->has_socket = get_uint(d, c, where, "socket", 0, MAX_CASE_SOCKETS - 1, &socket)) < 0) return -1;
	out->socket = (int)socket;
	if (mismatch_allowed && get_bool(d, c, where, "expectMismatch", &out->expect_mismatch) < 0) return -1;
	return 0;
}

static int decode_mct(struct decoder *d, const struct jnode *c, const char *where, struct acase *out)
{
	const char *variant = "";
	const struct jnode *list;
	if (get_string(d, c, where, "variant", 1, &variant) < 0) return -1;
	if (strcmp(variant, "sha2") != 0 && strcmp(variant, "sha3") != 0) return bad(d, "%svariant: expected sha2 or sha3", where);
	out->sha3 = variant[3] == '3';
	if (get_bytes(d, c, where, "seed", 1, &out->seed) < 0 || need(d, c, where, "expect", J_ARR, &list) < 0) return -1;
	out->checkpoints = pool_alloc(d->pool, (list->len + 1) * sizeof *out->checkpoints);
	if (!out->checkpoints) return bad(d, "%sexpect: out of memory", where);
	for (const struct jnode *e = list->child; e; e = e->next, out->ncheckpoints++) {
		struct bytes *b = &out->checkpoints[out->ncheckpoints];
		if (e->type != J_STR) return bad(d, "%sexpect[%zu]: expected string", where, out->ncheckpoints);
		b->p = pool_alloc(d->pool, e->len * 3 / 4 + 3);
		long n = b->p ? base64_decode(e->str, e->len, b->p) : -1;
		if (n < 0) return bad(d, "%sexpect[%zu]: not base64", where, out->ncheckpoints);
		b->n = (size_t)n;
	}
	return 0;
}

/* The body of a case (what a matrix case and a run case share). */
static int decode_body(struct decoder *d, const struct jnode *c, const char *where, struct acase *out)
{
	static const char *const types[] = { "hash", "skcipher", "aead", "rng", "hash-mct" };
	double number = 0;
	if (c->type != J_OBJ) return bad(d, "%s: expected object, got %s", where, json_type_name(c->type));
	if (get_string(d, c, where, "type", 1, &out->type_name) < 0) return -1;
	out->type = C_UNKNOWN;
	for (int i = 0; i < 5; i++)
		if (strcmp(out->type_name, types[i]) == 0) out->type = (enum case_type)i;
	switch (out->type) {
	case C_HASH:
		if ((out->has_key = get_bytes(d, c, where, "key", 0, &out->key)) < 0) return -1;
		if (get_bytes(d, c, where, "msg", 1, &out->input) < 0) return -1;
		return decode_expectations(d, c, where, out, 1);
	case C_SKCIPHER:
		out->has_key = 1;
		if (get_bytes(d, c, where, "key", 1, &out->key) < 0 || (out->has_iv = get_bytes(d, c, where, "iv", 0, &out->iv)) < 0) return -1;
		if (get_op(d, c, where, &out->encrypt) < 0 || get_bytes(d, c, where, "input", 1, &out->input) < 0) return -1;
		return decode_expectations(d, c, where, out, 0);
	case C_AEAD:
		out->has_key = out->has_iv = 1;
		if (get_bytes(d, c, where, "key", 1, &out->key) < 0 || get_bytes(d, c, where, "iv", 1, &out->iv) < 0) return -1;
		if (get_bytes(d, c, where, "assoc", 1, &out->assoc) < 0 || get_op(d, c, where, &out->encrypt) < 0) return -1;
		if (get_uint(d, c, where, "authsize", 1, 255, &number) < 0 || get_bytes(d, c, where, "input", 1, &out->input) < 0) return -1;
		out->authsize = (int)number;
		return decode_expectations(d, c, where, out, 0);
	case C_RNG:
		if ((out->has_key = get_bytes(d, c, where, "seed", 0, &out->key)) < 0) return -1;
		if (get_uint(d, c, where, "length", 1, 1 << 30, &number) < 0) return -1;
		out->length = (size_t)number;
		return 0;
	case C_MCT:
		return decode_mct(d, c, where, out);
	default:
		return 0;
	}
}

static int decode_chunks(struct decoder *d, const struct jnode *c, const char *where, struct acase *out)
{
	const struct jnode *list;
	int rc = member(d, c, where, "chunks", J_ARR, &list);
	if (rc <= 0) return rc;
	if (list->len > MAX_CHUNK_SIZES) return bad(d, "%schunks: more than %d sizes", where, MAX_CHUNK_SIZES);
	for (const struct jnode *s = list->child; s; s = s->next) {
		if (s->type != J_NUM || s->num < 1 || s->num > 1 << 30 || floor(s->num) != s->num)
			return bad(d, "%schunks[%zu]: expected a positive integer", where, out->nchunks);
		out->chunks[out->nchunks++] = (size_t)s->num;
	}
	return 1;
}

/* An array member `name` of the request, its elements in a fresh array of `size` each. */
static int array_of(struct decoder *d, const struct jnode *req, const char *name, size_t size, void **items, size_t *n)
{
	const struct jnode *list;
	if (need(d, req, "", name, J_ARR, &list) < 0) return -1;
	*n = list->len;
	*items = pool_alloc(d->pool, (list->len + 1) * size);
	return *items ? 0 : bad(d, "%s: out of memory", name);
}

int decode_run(struct decoder *d, const struct jnode *req, struct acase **cases, size_t *ncases)
{
	if (array_of(d, req, "cases", sizeof **cases, (void **)cases, ncases) < 0) return -1;
	size_t i = 0;
	for (const struct jnode *c = json_get(req, "cases")->child; c; c = c->next, i++) {
		char where[32];
		const char *strategy = NULL;
		struct acase *out = &(*cases)[i];
		snprintf(where, sizeof where, "cases[%zu].", i);
		if (decode_body(d, c, where, out) < 0 || get_string(d, c, where, "ref", 1, &out->ref) < 0) return -1;
		if (get_string(d, c, where, "alg", 1, &out->alg) < 0 || get_string(d, c, where, "strategy", 0, &strategy) < 0) return -1;
		if (strategy && strategy_index(strategy) < 0) return bad(d, "%sstrategy: unknown %s", where, strategy);
		out->strategy = strategy ? (enum strategy)strategy_index(strategy) : S_ONESHOT;
		if (decode_chunks(d, c, where, out) < 0) return -1;
	}
	return 0;
}

int decode_matrix(struct decoder *d, const struct jnode *req, struct matrix_request *out)
{
	memset(out, 0, sizeof *out);
	if (array_of(d, req, "algs", sizeof *out->algs, (void **)&out->algs, &out->nalgs) < 0) return -1;
	size_t i = 0;
	for (const struct jnode *a = json_get(req, "algs")->child; a; a = a->next, i++) {
		if (a->type != J_STR) return bad(d, "algs[%zu]: expected string, got %s", i, json_type_name(a->type));
		out->algs[i] = a->str;
	}
	if (get_strategies(d, req, "", 1, out->strategies, &out->nstrategies) < 0) return -1;
	if (get_bool(d, req, "", "differential", &out->differential) < 0) return -1;
	out->hang_sec = 20;
	if (get_uint(d, req, "", "hangSec", 0, 1e6, &out->hang_sec) < 0) return -1;
	const struct jnode *kernel;
	int has_kernel = member(d, req, "", "kernelAlgs", J_ARR, &kernel);
	if (has_kernel < 0) return -1;
	if (has_kernel > 0) {
		out->kernel_algs = pool_alloc(d->pool, (kernel->len + 1) * sizeof *out->kernel_algs);
		if (!out->kernel_algs) return bad(d, "kernelAlgs: out of memory");
		for (const struct jnode *a = kernel->child; a; a = a->next, out->nkernel_algs++) {
			if (a->type != J_STR) return bad(d, "kernelAlgs[%zu]: expected string, got %s", out->nkernel_algs, json_type_name(a->type));
			out->kernel_algs[out->nkernel_algs] = a->str;
		}
	}
	if (array_of(d, req, "cases", sizeof *out->cases, (void **)&out->cases, &out->ncases) < 0) return -1;
	i = 0;
	for (const struct jnode *c = json_get(req, "cases")->child; c; c = c->next, i++) {
		char where[32];
		struct acase *one = &out->cases[i];
		snprintf(where, sizeof where, "cases[%zu].", i);
		if (decode_body(d, c, where, one) < 0 || get_bool(d, c, where, "report", &one->report) < 0) return -1;
		if (get_strategies(d, c, where, 0, one->strategies, &one->nstrategies) < 0) return -1;
	}
	return 0;
}

static int alg_type_index(const char *name, int with_rng)
{
	for (int i = 0; i < (with_rng ? 4 : 3); i++)
		if (strcmp(name, ALG_TYPE_NAMES[i]) == 0) return i;
	return -1;
}

int decode_probes(struct decoder *d, const struct jnode *req, struct probe **probes, size_t *nprobes)
{
	if (array_of(d, req, "probes", sizeof **probes, (void **)probes, nprobes) < 0) return -1;
	size_t i = 0;
	for (const struct jnode *p = json_get(req, "probes")->child; p; p = p->next, i++) {
		char where[32];
		const char *type = "";
		snprintf(where, sizeof where, "probes[%zu].", i);
		if (p->type != J_OBJ) return bad(d, "probes[%zu]: expected object, got %s", i, json_type_name(p->type));
		if (get_string(d, p, where, "type", 1, &type) < 0 || get_string(d, p, where, "name", 1, &(*probes)[i].name) < 0) return -1;
		int index = alg_type_index(type, 1);
		if (index < 0) return bad(d, "%stype: expected hash, skcipher, aead or rng", where);
		(*probes)[i].type = (enum alg_type)index;
	}
	return 0;
}

/* A number ≥ 0 when present (0 and 1 as get_uint), for the fractions of the stopping rule. */
static int get_fraction(struct decoder *d, const struct jnode *obj, const char *name, double max, double *out)
{
	const struct jnode *m;
	int rc = member(d, obj, "", name, J_NUM, &m);
	if (rc <= 0) return rc;
	if (!(m->num >= 0 && m->num <= max)) return bad(d, "%s: expected a number in 0..%g, got %g", name, max, m->num);
	*out = m->num;
	return 1;
}

/* maxRepetitions (adaptive when present), targetPrecision, pointBudgetMs (protocol/bench-stopping.ts). */
static int decode_stopping_rule(struct decoder *d, const struct jnode *req, struct bench_request *out)
{
	double max = 0;
	int rc = get_uint(d, req, "", "maxRepetitions", 0, 10000, &max);
	if (rc < 0) return -1;
	out->adaptive = rc > 0;
	out->max_repetitions = out->adaptive && (long)max > out->repetitions ? (long)max : out->repetitions;
	if (get_fraction(d, req, "targetPrecision", 1, &out->target_precision) < 0) return -1;
	return get_fraction(d, req, "pointBudgetMs", 3.6e6, &out->point_budget_ms) < 0 ? -1 : 0;
}

int decode_bench(struct decoder *d, const struct jnode *req, struct bench_request *out)
{
	static const char *const ops[] = { "encrypt", "decrypt", "digest" };
	const char *type = "", *operation = "", *path = "";
	const struct jnode *sizes;
	double number = 0;
	memset(out, 0, sizeof *out);
	if (get_string(d, req, "", "type", 1, &type) < 0 || get_string(d, req, "", "alg", 1, &out->alg) < 0) return -1;
	int index = alg_type_index(type, 0);
	if (index < 0) return bad(d, "type: expected hash, skcipher or aead");
	out->type = (enum alg_type)index;
	if (get_string(d, req, "", "operation", 1, &operation) < 0 || get_string(d, req, "", "path", 1, &path) < 0) return -1;
	out->op = -1;
	for (int i = 0; i < 3; i++)
		if (strcmp(operation, ops[i]) == 0) out->op = i;
	if (out->op < 0) return bad(d, "operation: expected encrypt, decrypt or digest");
	if (strcmp(path, "copy") != 0 && strcmp(path, "zerocopy") != 0) return bad(d, "path: expected copy or zerocopy");
	out->zerocopy = path[0] == 'z';
	if (need(d, req, "", "sizes", J_ARR, &sizes) < 0) return -1;
	if (sizes->len < 1 || sizes->len > 32) return bad(d, "sizes: 1 to 32 sizes");
	for (const struct jnode *s = sizes->child; s; s = s->next) {
		if (s->type != J_NUM || s->num < 1 || s->num > 128 * 1024 || floor(s->num) != s->num)
			return bad(d, "bench: size %g outside 1..131072", s->type == J_NUM ? s->num : -1.0);
		out->sizes[out->nsizes++] = (size_t)s->num;
	}
	if ((out->has_key = get_bytes(d, req, "", "key", 0, &out->key)) < 0 || (out->has_iv = get_bytes(d, req, "", "iv", 0, &out->iv)) < 0) return -1;
	if (out->has_iv && out->iv.n > 64) return bad(d, "iv: longer than 64 bytes");
	if (get_uint(d, req, "", "assocLength", 0, 4096, &number) < 0) return -1;
	out->assoc_length = out->type == T_AEAD ? (size_t)number : 0;
	number = 16;
	if (get_uint(d, req, "", "authsize", 0, 255, &number) < 0) return -1;
	out->authsize = out->type == T_AEAD ? (int)number : 0;
	if (get_uint(d, req, "", "warmupMs", 1, 3.6e6, &out->warmup_ms) < 0 || get_uint(d, req, "", "repetitionMs", 1, 3.6e6, &out->repetition_ms) < 0) return -1;
	if (get_uint(d, req, "", "repetitions", 1, 10000, &number) < 0) return -1;
	out->repetitions = (long)number;
	if (decode_stopping_rule(d, req, out) < 0) return -1;
	const char *executor = NULL;
	if (get_string(d, req, "", "executor", 0, &executor) < 0) return -1;
	if (executor && strcmp(executor, "kernel") != 0) return bad(d, "executor: expected \"kernel\", got \"%.40s\"", executor);
	out->kernel_executor = executor != NULL;
	return get_string(d, req, "", "program", 0, &out->program) < 0 ? -1 : 0;
}

int decode_module(struct decoder *d, const struct jnode *req, const char *name_field, struct module_request *out)
{
	if (get_string(d, req, "", name_field, 1, &out->module) < 0) return -1;
	if (array_of(d, req, "params", sizeof *out->params, (void **)&out->params, &out->nparams) < 0) return -1;
	size_t i = 0;
	for (const struct jnode *p = json_get(req, "params")->child; p; p = p->next, i++) {
		if (p->type != J_STR) return bad(d, "params[%zu]: expected string, got %s", i, json_type_name(p->type));
		out->params[i] = p->str;
	}
	return 0;
}

int decode_kexec(struct decoder *d, const struct jnode *req, struct bytes *frame)
{
	return get_bytes(d, req, "", "frame", 1, frame) < 0 ? -1 : 0;
}
