/* The protocol's operations (harness/agent/main.ts). */
#define _GNU_SOURCE
#include "ops.h"
#include "bench.h"
#include "kernel-log.h"
#include "kexec-client.h"
#include "matrix.h"
#include "modules.h"
#include "probes.h"
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
	/* two per CPU: an async driver (virtio-crypto) leaves its thread waiting for the device, not computing */
	int workers = env && strcmp(env, "0") == 0 ? 0 : (int)(cpus < 1 ? 2 : 2 * cpus);
	if (session_init(&main_session) < 0) return -1;
	return matrix_init(workers);
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

/* A whole file, malloc'd and NUL-terminated, or NULL. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	if (!f) return NULL;
	size_t cap = 1 << 16, n = 0;
	char *text = malloc(cap);
	for (size_t got; text && (got = fread(text + n, 1, cap - n - 1, f)) > 0;) {
		n += got;
		if (cap - n - 1 == 0) text = realloc(text, cap *= 2);
	}
	fclose(f);
	if (text) text[n] = '\0';
	*len = n;
	return text;
}

/* The running kernel's .config (harness/agent/main.ts kernelConfig): /proc/config.gz through the target's gzip, else /boot/config-RELEASE. */
static void op_kernel_config(struct jwriter *w, double id)
{
	struct utsname u;
	uname(&u);
	char boot[300], error[256] = "";
	snprintf(boot, sizeof boot, "/boot/config-%s", u.release);
	const char *source = NULL;
	char *text = NULL;
	size_t len = 0;
	if (access("/proc/config.gz", R_OK) == 0) {
		static const char *const gunzip[] = { "gzip", "-dc", "/proc/config.gz", NULL };
		int status = -1;
		text = run_program(gunzip, &status, error, sizeof error);
		if (!text || status != 0) {
			char message[400];
			snprintf(message, sizeof message, "kernel-config: gzip -dc /proc/config.gz failed (%s)", text && status != 0 ? "exit status" : error);
			free(text);
			write_error(w, id, message, NULL, NULL);
			return;
		}
		source = "/proc/config.gz";
		len = strlen(text);
	} else if ((text = read_file(boot, &len))) {
		source = boot;
	}
	begin_result(w, id);
	jw_begin_object(w);
	if (source) { jw_key(w, "source"); jw_cstring(w, source); jw_key(w, "text"); jw_string(w, text, len); }
	jw_key(w, "tried"); jw_begin_array(w); jw_cstring(w, "/proc/config.gz"); jw_cstring(w, boot); jw_end(w);
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
	char error[256] = "";
	int rc = matrix_run(&req, &result, &hang, error, sizeof error);
	if (rc == -2) {
		write_error(w, id, error, NULL, NULL);
	} else if (rc < 0) {
		write_error(w, id, "matrix: out of memory", NULL, NULL);
	} else if (rc == 1) {
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

/* kexec: a frame to /dev/afalg_kexec as is, and the module's reply frame (harness/protocol/kernel-executor.ts). */
static void op_kexec(struct decoder *d, const struct jnode *request, struct jwriter *w, double id)
{
	struct bytes frame;
	struct kexec_reply reply;
	char error[320], message[400];
	if (decode_kexec(d, request, &frame) < 0 || kexec_exchange(&main_session, frame.p, frame.n, &reply, error, sizeof error) < 0) {
		snprintf(message, sizeof message, "kexec: %s", d->error[0] ? d->error : error);
		write_error(w, id, message, NULL, NULL);
		return;
	}
	begin_result(w, id);
	jw_begin_object(w);
	jw_key(w, "reply"); jw_base64(w, main_session.kexec_reply, KEXEC_REPLY_HEADER_BYTES + reply.n);
	jw_end(w);
	jw_end(w);
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
		op_probes(&main_session, probes, n, resolve, w);
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
		if (rc == 0) rc = req.program && !req.kernel_executor ? run_c_reference(&req, &result, error, sizeof error) : bench_run(&req, &result, error, sizeof error);
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
	} else if (strcmp(op->str, "kernel-config") == 0) {
		op_kernel_config(reply, id->num);
	} else if (strcmp(op->str, "matrix") == 0) {
		keep = op_matrix(&d, request, reply, id->num);
	} else if (strcmp(op->str, "kexec") == 0) {
		op_kexec(&d, request, reply, id->num);
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
