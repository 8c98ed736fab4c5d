/*
 * Throughput loops: the system calls of the C reference (bench/afalg-speed.c), per operation
 *   copy:     sendmsg(payload + control messages), read(output)
 *   zerocopy: sendmsg(control messages only, MSG_MORE), vmsplice+splice the payload (16 pages at a time), read
 * and the same clock: read after every operation. An adaptive request (maxRepetitions) stops each size
 * by the rule of bench/bench-stopping.h, like the C reference.
 */
#define _GNU_SOURCE
#include "bench.h"
#include "bench-stopping.h"
#include "errnames.h"
#include "kexec-client.h"
#include "session.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_alg.h>

#ifndef SOL_ALG
#define SOL_ALG 279
#endif
#define MAX_BENCH_SIZE (128 * 1024)
#define MAX_EXTRA 4096 + 256
#define MAX_DIGEST 64
#define MAX_SPLICES (((MAX_BENCH_SIZE + MAX_EXTRA) / 4096) / PIPE_PAGES + 2)

struct bench_op {
	int fd, pipe_rd, pipe_wr, zerocopy, exact;
	struct msghdr msg, ctl_msg;
	struct iovec iov, chunks[MAX_SPLICES + 8];
	int nchunks;
	unsigned char *out;
	size_t outlen;
	char *error;
	size_t error_size;
	/* through the in-kernel executor: its session (the open device and the frame of this size) */
	struct session *kexec;
	size_t frame_len;
};

static int failed(struct bench_op *o, const char *step)
{
	char buf[32];
	snprintf(o->error, o->error_size, "%s: %s", step, errno_name(errno, buf, sizeof buf));
	return -1;
}

static int read_all(struct bench_op *o, unsigned char *buf, size_t len)
{
	struct fault f;
	if (read_fully(o->fd, buf, len, &f) == 0) return 0;
	snprintf(o->error, o->error_size, "%s: %s", f.step, f.why);
	return -1;
}

/* One write and one read of /dev/afalg_kexec (the frame encoded once per size); a failed status is the error. */
static int exchange(struct bench_op *o, struct kexec_reply *reply)
{
	char error[200], name[32];
	if (kexec_exchange(o->kexec, o->kexec->kexec_frame, o->frame_len, reply, error, sizeof error) < 0) {
		snprintf(o->error, o->error_size, "%s", error);
		return -1;
	}
	if (reply->status == 0) return 0;
	snprintf(o->error, o->error_size, "%s: %s", reply->step, errno_name(-reply->status, name, sizeof name));
	return -1;
}

static int run_kexec_op(struct bench_op *o)
{
	struct kexec_reply reply;
	return exchange(o, &reply);
}

static int run_op(struct bench_op *o)
{
	if (o->kexec) return run_kexec_op(o);
	if (!o->zerocopy) {
		if (sendmsg(o->fd, &o->msg, 0) < 0) return failed(o, "send");
	} else {
		if (o->ctl_msg.msg_controllen > 0 && sendmsg(o->fd, &o->ctl_msg, MSG_MORE) < 0) return failed(o, "send");
		for (int i = 0; i < o->nchunks; i++) {
			size_t len = o->chunks[i].iov_len;
			ssize_t n = vmsplice(o->pipe_wr, &o->chunks[i], 1, 0);
			if (n < 0 || (size_t)n != len) return n < 0 ? failed(o, "vmsplice") : (snprintf(o->error, o->error_size, "vmsplice: short"), -1);
			n = splice(o->pipe_rd, NULL, o->fd, NULL, len, i < o->nchunks - 1 ? SPLICE_F_MORE : 0);
			if (n < 0 || (size_t)n != len) return n < 0 ? failed(o, "splice") : (snprintf(o->error, o->error_size, "splice: short"), -1);
		}
	}
	if (o->exact) return read_all(o, o->out, o->outlen);
	return read(o->fd, o->out, o->outlen) < 0 ? failed(o, "read") : 0;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

/* Operations for `ms` milliseconds, the clock read after each (at least one). */
static int time_slice(struct bench_op *o, double ms, unsigned long long *ops, unsigned long long *ns)
{
	unsigned long long start = now_ns(), deadline = start + (unsigned long long)(ms * 1e6), t;
	*ops = 0;
	do {
		if (run_op(o) < 0) return -1;
		(*ops)++;
		t = now_ns();
	} while (t < deadline);
	*ns = t - start;
	return 0;
}

static size_t build_control(unsigned char *buf, size_t size, const struct bench_request *req, uint32_t op)
{
	size_t assoclen = req->assoc_length;
	return control_messages(buf, size, op == ALG_OP_ENCRYPT, req->has_iv ? &req->iv : NULL, req->type == T_AEAD ? &assoclen : NULL);
}

struct buffers {
	unsigned char *src, *enc, *out;
	unsigned char control[256];
};

/* Set up one size's messages; AEAD decryption first encrypts once for a valid tag. */
static int prepare_size(struct bench_op *o, const struct bench_request *req, struct buffers *b, size_t size, size_t page)
{
	int decrypt = req->op == 1, aead = req->type == T_AEAD;
	size_t assoc = req->assoc_length, tag = (size_t)req->authsize, inlen, ctl_len = 0;
	unsigned char *in = b->src;
	inlen = req->type == T_HASH ? size : assoc + size + (aead && decrypt ? tag : 0);
	o->outlen = req->type == T_HASH ? MAX_DIGEST : req->type == T_SKCIPHER ? size : decrypt ? assoc + size : assoc + size + tag;
	o->exact = req->type != T_HASH;
	if (aead && decrypt) {
		struct iovec iov = { b->src, assoc + size };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = b->control };
		m.msg_controllen = build_control(b->control, sizeof b->control, req, ALG_OP_ENCRYPT);
		if (sendmsg(o->fd, &m, 0) < 0) return failed(o, "send");
		if (read_all(o, b->enc, inlen) < 0) return -1;
		in = b->enc;
	}
	if (req->type != T_HASH) ctl_len = build_control(b->control, sizeof b->control, req, decrypt ? ALG_OP_DECRYPT : ALG_OP_ENCRYPT);
	o->iov = (struct iovec){ in, inlen };
	o->msg = (struct msghdr){ .msg_iov = &o->iov, .msg_iovlen = 1 };
	o->ctl_msg = (struct msghdr){ 0 };
	if (ctl_len > 0) {
		o->msg.msg_control = o->ctl_msg.msg_control = b->control;
		o->msg.msg_controllen = o->ctl_msg.msg_controllen = ctl_len;
	}
	o->nchunks = 0;
	for (size_t off = 0, max = PIPE_PAGES * page; off < inlen; off += max, o->nchunks++)
		o->chunks[o->nchunks] = (struct iovec){ in + off, inlen - off < max ? inlen - off : max };
	return 0;
}

/*
 * The executor's frame of one size (harness/agent/kernel-executor-bench.ts): the payload pattern from
 * its first byte for the text and for the associated data; an AEAD decryption carries text and tag
 * made by one encryption first.
 */
static int prepare_kexec_size(struct bench_op *o, const struct bench_request *req, struct buffers *b, size_t size)
{
	static const struct bytes none = { NULL, 0 };
	int decrypt = req->op == 1;
	struct kexec_request r = { KX_HASH, S_ONESHOT, 0, 20000, req->alg, req->has_key ? req->key : none, req->has_iv ? req->iv : none, none, { b->src, size }, 0, 0 };
	if (req->type == T_HASH) r.op = req->has_key ? KX_HASH_KEYED : KX_HASH;
	else if (req->type == T_SKCIPHER) r.op = decrypt ? KX_SKCIPHER_DECRYPT : KX_SKCIPHER_ENCRYPT;
	else {
		r.op = KX_AEAD_ENCRYPT;
		r.assoc = (struct bytes){ b->src, req->assoc_length };
		r.authsize = req->authsize;
	}
	if (req->type == T_AEAD && decrypt) {
		struct kexec_reply sealed;
		o->frame_len = kexec_encode(&r, o->kexec->kexec_frame, KEXEC_FRAME_MAX);
		if (o->frame_len == 0) { snprintf(o->error, o->error_size, "kernel executor: a frame beyond the module's bounds"); return -1; }
		if (exchange(o, &sealed) < 0) return -1;
		memcpy(b->enc, sealed.data, sealed.n);
		r.op = KX_AEAD_DECRYPT;
		r.data = (struct bytes){ b->enc, sealed.n };
	}
	o->frame_len = kexec_encode(&r, o->kexec->kexec_frame, KEXEC_FRAME_MAX);
	if (o->frame_len == 0) { snprintf(o->error, o->error_size, "kernel executor: a frame beyond the module's bounds"); return -1; }
	return 0;
}

static int open_op(const struct bench_request *req, struct bench_op *o, int *tfm)
{
	char err[64];
	*tfm = session_bind(NULL, req->type, req->alg, err, sizeof err);
	if (*tfm < 0) { snprintf(o->error, o->error_size, "bind: %s", err); return -1; }
	if (req->has_key && setsockopt(*tfm, SOL_ALG, ALG_SET_KEY, req->key.p, (socklen_t)req->key.n) < 0) return failed(o, "setkey");
	if (req->type == T_AEAD && setsockopt(*tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, (socklen_t)req->authsize) < 0) return failed(o, "authsize");
	o->fd = accept(*tfm, NULL, NULL);
	if (o->fd < 0) return failed(o, "accept");
	int pipefd[2];
	if (o->zerocopy && pipe2(pipefd, O_CLOEXEC) < 0) return failed(o, "pipe");
	if (o->zerocopy) { o->pipe_rd = pipefd[0]; o->pipe_wr = pipefd[1]; }
	return 0;
}

static void *page_alloc(size_t len, size_t page)
{
	void *p = NULL;
	return posix_memalign(&p, page, (len + page - 1) / page * page) == 0 ? p : NULL;
}

/* The request's rule: adaptive, or exactly `repetitions` (min = max, no precision, no time share). */
static struct bench_stopping stopping_of(const struct bench_request *req)
{
	struct bench_stopping rule = { (unsigned long)req->repetitions, (unsigned long)req->repetitions, 0, 0, (unsigned long)req->repetition_ms };
	if (!req->adaptive) return rule;
	rule.max_repetitions = (unsigned long)req->max_repetitions;
	rule.precision_ppm = (unsigned long)(req->target_precision * 1e6 + 0.5);
	rule.point_budget_ms = (unsigned long)(req->point_budget_ms + 0.5);
	return rule;
}

/* One size: warm-up, then repetitions until the rule says stop; *count of them in `mine`. */
static int measure_size(struct bench_op *o, const struct bench_request *req, const struct bench_stopping *rule, struct bench_repetition *mine, unsigned long *count, const char **stopped)
{
	unsigned long long started = now_ns(), ops, ns;
	if (time_slice(o, req->warmup_ms, &ops, &ns) < 0) return -1;
	*count = 0;
	do {
		if (time_slice(o, req->repetition_ms, &mine[*count].ops, &mine[*count].ns) < 0) return -1;
		(*count)++;
	} while (!(*stopped = bench_stop_reason(rule, mine, *count, (now_ns() - started) / 1000000ull)));
	return 0;
}

static void write_points(struct jwriter *w, const struct bench_request *req, const struct bench_repetition *results, const unsigned long *counts, const char *const *stopped, unsigned long max, const char *engine)
{
	jw_begin_object(w);
	jw_key(w, "points");
	jw_begin_array(w);
	for (size_t s = 0; s < req->nsizes; s++) {
		jw_begin_object(w);
		jw_key(w, "size"); jw_int(w, (long long)req->sizes[s]);
		jw_key(w, "repetitions");
		jw_begin_array(w);
		for (unsigned long r = 0; r < counts[s]; r++) {
			const struct bench_repetition *at = &results[s * max + r];
			jw_begin_object(w);
			jw_key(w, "ops"); jw_int(w, (long long)at->ops);
			jw_key(w, "ns"); jw_int(w, (long long)at->ns);
			jw_end(w);
		}
		jw_end(w);
		if (req->adaptive) { jw_key(w, "stopped"); jw_cstring(w, stopped[s]); }
		jw_end(w);
	}
	jw_end(w);
	jw_key(w, "engine"); jw_cstring(w, engine);
	jw_end(w);
}

int bench_run(const struct bench_request *req, struct jwriter *w, char *error, size_t error_size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), region = req->assoc_length + MAX_BENCH_SIZE + (size_t)req->authsize + MAX_DIGEST;
	struct bench_op o = { .fd = -1, .pipe_rd = -1, .pipe_wr = -1, .zerocopy = req->zerocopy, .error = error, .error_size = error_size };
	struct buffers b = { page_alloc(region, page), page_alloc(region, page), page_alloc(region, page), { 0 } };
	struct bench_stopping rule = stopping_of(req);
	struct bench_repetition *results = calloc(req->nsizes * rule.max_repetitions, sizeof *results);
	unsigned long counts[32] = { 0 };
	const char *stopped[32] = { NULL };
	int tfm = -1, rc = -1;
	if (!b.src || !b.enc || !b.out || !results) { snprintf(error, error_size, "bench: out of memory"); goto done; }
	for (size_t i = 0; i < region; i++) b.src[i] = (unsigned char)((i * 131 + 7) & 0xff);
	o.out = b.out;
	if (req->kernel_executor) {
		/* the module keeps this file's transform across requests (setkey once), as for the Node agent's one open file */
		static struct session executor = { .kexec_fd = -1 };
		if (req->zerocopy) { snprintf(error, error_size, "bench: the in-kernel executor measures the copy path only, not zerocopy"); goto done; }
		if (kexec_open(&executor, error, error_size) < 0) goto done;
		o.kexec = &executor;
	} else if (open_op(req, &o, &tfm) < 0) {
		goto done;
	}
	for (size_t s = 0; s < req->nsizes; s++) {
		if ((o.kexec ? prepare_kexec_size(&o, req, &b, req->sizes[s]) : prepare_size(&o, req, &b, req->sizes[s], page)) < 0) goto done;
		if (measure_size(&o, req, &rule, &results[s * rule.max_repetitions], &counts[s], &stopped[s]) < 0) goto done;
	}
	write_points(w, req, results, counts, stopped, rule.max_repetitions, o.kexec ? "agent via " KEXEC_DEVICE : "agent");
	rc = 0;
done:
	if (o.pipe_rd >= 0) close(o.pipe_rd);
	if (o.pipe_wr >= 0) close(o.pipe_wr);
	if (o.fd >= 0) close(o.fd);
	if (tfm >= 0) close(tfm);
	free(b.src); free(b.enc); free(b.out); free(results);
	return rc;
}
