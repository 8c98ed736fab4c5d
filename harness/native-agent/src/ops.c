/* The protocol's operations (harness/agent/main.ts). */
#define _GNU_SOURCE
#include "ops.h"
#include "bench.h"
#include "kernel-log.h"
#include "matrix.h"
#include "modules.h"
#include "request.h"
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static struct session main_session;

int ops_init(void)
{
	const char *env = getenv("AFALG_AGENT_WORKERS");
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int workers = env && strcmp(env, "0") == 0 ? 0 : (int)(cpus < 1 ? 1 : cpus > 4 ? 4 : cpus);
	if (session_init(&main_session) < 0) return -1;
	return matrix_init(workers);
}

/* /proc/crypto whole, malloc'd and NUL-terminated. */
static char *read_proc_crypto(size_t *len)
{
	FILE *f = fopen("/proc/crypto", "r");
	if (!f) return NULL;
	size_t cap = 65536, n = 0;
	char *text = malloc(cap);
	for (size_t got; text && (got = fread(text + n, 1, cap - n - 1, f)) > 0;) {
		n += got;
		if (cap - n - 1 == 0) {
			char *bigger = realloc(text, cap * 2);
			if (!bigger) { free(text); text = NULL; break; }
			text = bigger;
			cap *= 2;
		}
	}
	fclose(f);
	if (text) text[n] = '\0';
	*len = n;
	return text;
}

struct crypto_entry {
	char name[128], driver[128], type[32];
	int internal;
	long refcnt;
};

/* The entries of /proc/crypto (only what a refcnt move needs). */
static struct crypto_entry *parse_entries(char *text, size_t *count)
{
	size_t cap = 256;
	struct crypto_entry *entries = calloc(cap, sizeof *entries), *e = NULL;
	*count = 0;
	for (char *line = strtok(text, "\n"); line && entries; line = strtok(NULL, "\n")) {
		char *colon = strstr(line, " : ");
		if (!colon) continue;
		*colon = '\0';
		char *key = line, *value = colon + 3;
		for (char *end = colon; end > key && end[-1] == ' '; end--) end[-1] = '\0';
		if (strcmp(key, "name") == 0) {
			if (*count == cap) {
				struct crypto_entry *bigger = realloc(entries, 2 * cap * sizeof *entries);
				if (!bigger) { free(entries); return NULL; }
				entries = bigger;
				cap *= 2;
			}
			e = &entries[(*count)++];
			memset(e, 0, sizeof *e);
			snprintf(e->name, sizeof e->name, "%s", value);
		} else if (e && strcmp(key, "driver") == 0) snprintf(e->driver, sizeof e->driver, "%s", value);
		else if (e && strcmp(key, "type") == 0) snprintf(e->type, sizeof e->type, "%s", value);
		else if (e && strcmp(key, "internal") == 0) e->internal = strcmp(value, "yes") == 0;
		else if (e && strcmp(key, "refcnt") == 0) e->refcnt = strtol(value, NULL, 10);
	}
	return entries;
}

static struct crypto_entry *snapshot(size_t *count)
{
	size_t len;
	char *text = read_proc_crypto(&len);
	struct crypto_entry *entries = text ? parse_entries(text, count) : NULL;
	free(text);
	return entries;
}

static void write_moves(struct jwriter *w, const struct crypto_entry *before, size_t nb, const struct crypto_entry *after, size_t na)
{
	jw_begin_array(w);
	for (size_t i = 0; i < na; i++) {
		long previous = 0;
		for (size_t j = 0; j < nb; j++)
			if (strcmp(before[j].type, after[i].type) == 0 && strcmp(before[j].driver, after[i].driver) == 0) { previous = before[j].refcnt; break; }
		if (after[i].refcnt == previous) continue;
		jw_begin_object(w);
		jw_key(w, "driver"); jw_cstring(w, after[i].driver);
		jw_key(w, "name"); jw_cstring(w, after[i].name);
		jw_key(w, "internal"); jw_bool(w, after[i].internal);
		jw_key(w, "delta"); jw_int(w, after[i].refcnt - previous);
		jw_end(w);
	}
	jw_end(w);
}

static void write_probe(struct jwriter *w, const struct probe *p)
{
	jw_key(w, "type"); jw_cstring(w, ALG_TYPE_NAMES[p->type]);
	jw_key(w, "name"); jw_cstring(w, p->name);
}

/* bind (resolve == 0) or resolve: hold the socket between two snapshots of /proc/crypto. */
static void op_probes(const struct probe *probes, size_t n, int resolve, struct jwriter *w)
{
	jw_begin_object(w);
	jw_key(w, "results");
	jw_begin_array(w);
	for (size_t i = 0; i < n; i++) {
		char err[64];
		int fd = session_bind(&main_session, probes[i].type, probes[i].name, err, sizeof err);
		jw_begin_object(w);
		write_probe(w, &probes[i]);
		if (!resolve) {
			jw_key(w, "ok"); jw_bool(w, fd >= 0);
			if (fd < 0) { jw_key(w, "error"); jw_cstring(w, err); }
		} else if (fd < 0) {
			jw_key(w, "error"); jw_cstring(w, err);
			jw_key(w, "moved"); jw_begin_array(w); jw_end(w);
		} else {
			/* instantiate first, so that registering a new template instance is not mistaken for a hold */
			close(fd);
			size_t nb = 0, na = 0;
			struct crypto_entry *before = snapshot(&nb);
			int held = session_bind(&main_session, probes[i].type, probes[i].name, err, sizeof err);
			struct crypto_entry *after = snapshot(&na);
			if (held >= 0) close(held);
			jw_key(w, "moved");
			write_moves(w, before ? before : after, before ? nb : 0, after, after ? na : 0);
			free(before);
			free(after);
		}
		if (fd >= 0 && !resolve) close(fd);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
}

static void write_case_outcome(struct jwriter *w, const char *ref, const struct raw_outcome *raw)
{
	jw_begin_object(w);
	jw_key(w, "ref"); jw_cstring(w, ref);
	jw_key(w, "status"); jw_cstring(w, STATUS_NAMES[raw->status]);
	if (raw->error[0]) { jw_key(w, "error"); jw_cstring(w, raw->error); }
	if (raw->step[0]) { jw_key(w, "step"); jw_cstring(w, raw->step); }
	if (raw->has_output) { jw_key(w, "got"); jw_base64(w, raw->output, raw->outlen); }
	jw_end(w);
}

static void op_run(const struct acase *cases, size_t n, struct jwriter *w)
{
	jw_begin_object(w);
	jw_key(w, "outcomes");
	jw_begin_array(w);
	for (size_t i = 0; i < n; i++) {
		struct raw_outcome raw;
		const struct acase *c = &cases[i];
		session_execute(&main_session, c, c->has_expect ? &c->expect : NULL, c->alg, c->strategy, c->chunks, c->nchunks, &raw);
		write_case_outcome(w, c->ref, &raw);
	}
	jw_end(w);
	jw_end(w);
}

static void op_hello(struct jwriter *w)
{
	struct utsname u;
	uname(&u);
	jw_begin_object(w);
	jw_key(w, "agentVersion"); jw_cstring(w, AGENT_VERSION);
	jw_key(w, "protocolVersion"); jw_int(w, PROTOCOL_VERSION);
	jw_key(w, "kernelRelease"); jw_cstring(w, u.release);
	jw_key(w, "arch"); jw_cstring(w, u.machine);
	jw_key(w, "pageSize"); jw_int(w, main_session.page);
	jw_key(w, "node"); jw_cstring(w, NATIVE_RUNTIME);
	jw_end(w);
}

static void write_id(struct jwriter *w, double id)
{
	jw_key(w, "id");
	if (id == (double)(long long)id) jw_int(w, (long long)id);
	else jw_double(w, id);
}

static void write_error(struct jwriter *w, double id, const char *message, const char *code, const struct hang *hang)
{
	jw_begin_object(w);
	write_id(w, id);
	jw_key(w, "ok"); jw_bool(w, 0);
	jw_key(w, "error");
	jw_begin_object(w);
	jw_key(w, "message"); jw_cstring(w, message);
	if (code) { jw_key(w, "code"); jw_cstring(w, code); }
	if (hang) { jw_key(w, "hang"); write_hang(w, hang); }
	jw_end(w);
	jw_end(w);
}

static void begin_result(struct jwriter *w, double id)
{
	jw_begin_object(w);
	write_id(w, id);
	jw_key(w, "ok"); jw_bool(w, 1);
	jw_key(w, "result");
}

static void op_proc_crypto(struct jwriter *w, double id)
{
	size_t len;
	char *text = read_proc_crypto(&len);
	if (!text) { write_error(w, id, "cannot read /proc/crypto", NULL, NULL); return; }
	begin_result(w, id);
	jw_begin_object(w);
	jw_key(w, "text"); jw_string(w, text, len);
	jw_end(w);
	jw_end(w);
	free(text);
}

/* Returns 1 when the request's memory must outlive it: after a hang, workers may still be reading it. */
static int op_matrix(struct decoder *d, const struct jnode *request, struct jwriter *w, double id)
{
	int keep = 0;
	struct matrix_request req;
	struct jwriter result;
	struct hang hang;
	if (decode_matrix(d, request, &req) < 0) {
		char message[320];
		snprintf(message, sizeof message, "matrix: %s", d->error);
		write_error(w, id, message, NULL, NULL);
		return 0;
	}
	jw_init(&result);
	if (matrix_run(&req, &result, &hang) == 1) {
		char message[800];
		hang_message(&hang, message, sizeof message);
		write_error(w, id, message, "hang", &hang);
		keep = 1;
	} else {
		begin_result(w, id);
		jw_raw(w, result.buf, result.len);
		w->first[w->depth] = 0;
		jw_end(w);
	}
	jw_free(&result);
	return keep;
}

/* Ops that decode a body and write a result object; -1 (d->error set) on bad input. */
static int op_with_body(const char *op, struct decoder *d, const struct jnode *request, struct jwriter *w, double id)
{
	struct probe *probes;
	struct acase *cases;
	size_t n;
	int resolve = strcmp(op, "resolve") == 0;
	if (resolve || strcmp(op, "bind") == 0) {
		if (decode_probes(d, request, &probes, &n) < 0) return -1;
		begin_result(w, id);
		op_probes(probes, n, resolve, w);
	} else if (strcmp(op, "run") == 0) {
		if (decode_run(d, request, &cases, &n) < 0) return -1;
		begin_result(w, id);
		op_run(cases, n, w);
	} else {
		begin_result(w, id);
		if (strcmp(op, "hello") == 0) op_hello(w);
		else { jw_begin_object(w); jw_end(w); } /* bye */
	}
	jw_end(w);
	return 0;
}

static void hex(char *out, const struct bytes *b, int present)
{
	if (!present) { strcpy(out, "-"); return; }
	for (size_t i = 0; i < b->n; i++) sprintf(out + 2 * i, "%02x", b->p[i]);
}

/* The C reference loop (bench/afalg-speed.c) for a bench request: its points, engine = its path. */
static int run_c_reference(const struct bench_request *req, struct jwriter *w, char *error, size_t size)
{
	static const char *const ops[] = { "encrypt", "decrypt", "digest" };
	char sizes[32 * 8] = "", key[2 * 4096 + 2], iv[2 * 64 + 2], assoc[16], tag[16], warm[32], rep[32], reps[32];
	for (size_t i = 0; i < req->nsizes; i++) sprintf(sizes + strlen(sizes), "%s%zu", i ? "," : "", req->sizes[i]);
	if (req->has_key && req->key.n > 4096) { snprintf(error, size, "bench: key longer than 4096 bytes"); return -1; }
	hex(key, &req->key, req->has_key);
	hex(iv, &req->iv, req->has_iv);
	snprintf(assoc, sizeof assoc, "%zu", req->assoc_length);
	snprintf(tag, sizeof tag, "%d", req->authsize);
	snprintf(warm, sizeof warm, "%.0f", req->warmup_ms);
	snprintf(rep, sizeof rep, "%.0f", req->repetition_ms);
	snprintf(reps, sizeof reps, "%ld", req->repetitions);
	/* a host path, as the Node agent (chrooted into the host's tree) sees it: here under the 9p share */
	char host[1200];
	snprintf(host, sizeof host, "/host%.1180s", req->program);
	const char *program = access(req->program, X_OK) != 0 && access(host, X_OK) == 0 ? host : req->program;
	const char *argv[] = { program, ALG_TYPE_NAMES[req->type], req->alg, ops[req->op], req->zerocopy ? "zerocopy" : "copy", sizes, key, iv, assoc, tag, warm, rep, reps, NULL };
	int status;
	char *out = run_program(argv, &status, error, size);
	if (!out) return -1;
	struct jdoc doc;
	int rc = -1;
	const struct jnode *points;
	if (json_parse(&doc, out, strlen(out)) < 0) snprintf(error, size, "afalg-speed: output is not JSON (exit status %d): %.80s", status, out);
	else if (json_get(doc.root, "error")) snprintf(error, size, "afalg-speed: %.200s", json_get(doc.root, "error")->type == J_STR ? json_get(doc.root, "error")->str : "failed");
	else if (!(points = json_get(doc.root, "points")) || points->type != J_ARR) snprintf(error, size, "afalg-speed: unexpected output: no points");
	else {
		jw_begin_object(w);
		jw_key(w, "points"); jw_node(w, points);
		jw_key(w, "engine"); jw_cstring(w, req->program);
		jw_end(w);
		rc = 0;
	}
	json_free(&doc);
	free(out);
	return rc;
}

/* bench, modprobe, insmod and kernel-log: a result, or an error naming what went wrong. */
static void op_measure_or_load(const char *op, struct decoder *d, const struct jnode *request, struct jwriter *w, double id)
{
	char error[512] = "";
	struct jwriter result;
	int rc;
	jw_init(&result);
	if (strcmp(op, "bench") == 0) {
		struct bench_request req;
		rc = decode_bench(d, request, &req);
		if (rc == 0) rc = req.program ? run_c_reference(&req, &result, error, sizeof error) : bench_run(&req, &result, error, sizeof error);
	} else if (strcmp(op, "kernel-log") == 0) {
		rc = kernel_log_request(request, &result, error, sizeof error);
	} else {
		struct module_request req;
		int insmod = strcmp(op, "insmod") == 0;
		rc = decode_module(d, request, insmod ? "path" : "module", &req);
		if (rc == 0) rc = module_load(&req, insmod, &result, error, sizeof error);
	}
	if (rc < 0) {
		char message[800];
		snprintf(message, sizeof message, "%s: %s", op, error[0] ? error : d->error);
		write_error(w, id, error[0] ? error : message, NULL, NULL);
	} else {
		begin_result(w, id);
		jw_raw(w, result.buf, result.len);
		w->first[w->depth] = 0;
		jw_end(w);
	}
	jw_free(&result);
}

int handle_request(const struct jnode *request, struct jwriter *reply)
{
	static const char *const simple[] = { "hello", "bind", "resolve", "run", "bye" };
	const struct jnode *id = json_get(request, "id"), *op = json_get(request, "op");
	if (!id || id->type != J_NUM || !op || op->type != J_STR) {
		write_error(reply, -1, "malformed request: needs numeric id and string op", NULL, NULL);
		return 0;
	}
	struct pool pool = { 0 };
	struct decoder d = { &pool, "" };
	int bye = strcmp(op->str, "bye") == 0, known = 0, keep = 0;
	for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
		if (strcmp(op->str, simple[i]) == 0) known = 1;
	if (known) {
		if (op_with_body(op->str, &d, request, reply, id->num) < 0) {
			char message[320];
			snprintf(message, sizeof message, "%s: %s", op->str, d.error);
			write_error(reply, id->num, message, NULL, NULL);
		}
	} else if (strcmp(op->str, "proc-crypto") == 0) {
		op_proc_crypto(reply, id->num);
	} else if (strcmp(op->str, "matrix") == 0) {
		keep = op_matrix(&d, request, reply, id->num);
	} else if (strcmp(op->str, "bench") == 0 || strcmp(op->str, "modprobe") == 0 || strcmp(op->str, "insmod") == 0 || strcmp(op->str, "kernel-log") == 0) {
		op_measure_or_load(op->str, &d, request, reply, id->num);
	} else {
		char message[160];
		snprintf(message, sizeof message, "unknown op \"%.100s\"", op->str);
		write_error(reply, id->num, message, NULL, NULL);
	}
	if (!keep) pool_free(&pool);
	return bye;
}
