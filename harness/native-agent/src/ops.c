/* The protocol's operations (harness/agent/main.ts). */
#define _GNU_SOURCE
#include "ops.h"
#include "matrix.h"
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

static void op_matrix(struct decoder *d, const struct jnode *request, struct jwriter *w, double id)
{
	struct matrix_request req;
	struct jwriter result;
	struct hang hang;
	if (decode_matrix(d, request, &req) < 0) {
		char message[320];
		snprintf(message, sizeof message, "matrix: %s", d->error);
		write_error(w, id, message, NULL, NULL);
		return;
	}
	jw_init(&result);
	if (matrix_run(&req, &result, &hang) == 1) {
		char message[512];
		hang_message(&hang, message, sizeof message);
		write_error(w, id, message, "hang", &hang);
	} else {
		begin_result(w, id);
		jw_raw(w, result.buf, result.len);
		w->first[w->depth] = 0;
		jw_end(w);
	}
	jw_free(&result);
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
	int bye = strcmp(op->str, "bye") == 0, known = 0;
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
		op_matrix(&d, request, reply, id->num);
	} else if (strcmp(op->str, "bench") == 0 || strcmp(op->str, "modprobe") == 0 || strcmp(op->str, "insmod") == 0) {
		char message[96];
		snprintf(message, sizeof message, "%s is not implemented by the native agent yet", op->str);
		write_error(reply, id->num, message, "unsupported", NULL);
	} else {
		char message[160];
		snprintf(message, sizeof message, "unknown op \"%.100s\"", op->str);
		write_error(reply, id->num, message, NULL, NULL);
	}
	pool_free(&pool);
	return bye;
}
