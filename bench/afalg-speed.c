/*
 * afalg-speed: the C reference for the harness's AF_ALG throughput figures.
 *
 * It makes exactly the system calls the Node agent makes (harness/agent/afalg-bench.ts), with no
 * FFI layer in between, so the two sets of figures can be compared:
 *
 *   copy:     sendmsg(payload + control messages), read(output)
 *   zerocopy: sendmsg(control messages only, MSG_MORE), then per chunk of at most 16 pages
 *             vmsplice(pipe) + splice(pipe -> op socket), then read(output)
 *
 * Usage (all positional):
 *   afalg-speed TYPE ALG OP PATH SIZES KEYHEX IVHEX ASSOCLEN AUTHSIZE WARMUP_MS REPETITION_MS REPETITIONS
 *               [MAX_REPETITIONS PRECISION_PPM POINT_BUDGET_MS]
 * With the last three, REPETITIONS is the minimum and each size stops by the rule of
 * harness/protocol/bench-stopping.ts: the 95 % interval of the mean rate within PRECISION_PPM
 * (parts per million of the mean; 0: never), MAX_REPETITIONS reached, or the next repetition would
 * end past POINT_BUDGET_MS (0: no budget) from the start of the size's warm-up.
 *
 * Files: afalg-speed-args.c (the arguments, errors), bench-stopping.c (the rule, shared with the native
 * agent); this one lays out the operation and times it.
 *
 * Output: one line of JSON on stdout, either
 *   {"points":[{"size":16,"repetitions":[{"ops":123,"ns":100012345},...],"stopped":"precise"},...]}   (exit 0)
 *   {"error":"<step>: <errno name or message>"}           (exit 2: bad arguments, 1: syscall failed)
 */
#define _GNU_SOURCE
#include "afalg-speed-args.h"
#include "bench-stopping.h"

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

#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef SOL_ALG
#define SOL_ALG 279
#endif

#define MAX_DIGEST 64
#define PIPE_PAGES 16 /* a default pipe holds 16 pages: one splice moves at most that much */

/* ---- the operation ---- */

/* Everything one operation needs, laid out once per size. */
struct op {
	int fd, pipe_rd, pipe_wr, zerocopy;
	struct msghdr msg;      /* copy: payload + control messages */
	struct msghdr ctl_msg;  /* zerocopy: control messages only (msg_controllen 0 for hash) */
	struct iovec iov;       /* the payload */
	struct iovec chunks[(MAX_SIZE + MAX_ASSOC + MAX_AUTHSIZE) / 4096 / PIPE_PAGES + 2];
	int nchunks;
	unsigned char *out;
	size_t outlen;
	int exact; /* hash reads return the digest size: no exact length */
};

/* cmsg buffer: op + IV + assoclen; aligned for struct cmsghdr */
static union {
	struct cmsghdr align;
	unsigned char bytes[CMSG_SPACE(4) + CMSG_SPACE(4 + MAX_IV) + CMSG_SPACE(4)];
} control;

/* Append one SOL_ALG control message at offset *len of `control`; returns its data. */
static unsigned char *add_cmsg(size_t *len, int type, size_t data_len)
{
	struct cmsghdr *cm = (struct cmsghdr *)(control.bytes + *len);

	cm->cmsg_level = SOL_ALG;
	cm->cmsg_type = type;
	cm->cmsg_len = CMSG_LEN(data_len);
	*len += CMSG_SPACE(data_len);
	return CMSG_DATA(cm);
}

/* Fill `control` with ALG_SET_OP, ALG_SET_IV (if any) and ALG_SET_AEAD_ASSOCLEN (aead); returns its length. */
static size_t build_control(const struct config *c, uint32_t op)
{
	size_t len = 0;
	uint32_t assoclen = (uint32_t)c->assoclen, ivlen = (uint32_t)c->ivlen;
	unsigned char *data;

	memset(control.bytes, 0, sizeof(control.bytes));
	memcpy(add_cmsg(&len, ALG_SET_OP, 4), &op, 4);
	if (c->ivlen >= 0) { /* struct af_alg_iv: ivlen, then the bytes */
		data = add_cmsg(&len, ALG_SET_IV, 4 + (size_t)c->ivlen);
		memcpy(data, &ivlen, 4);
		memcpy(data + 4, c->iv, (size_t)c->ivlen);
	}
	if (c->type == T_AEAD)
		memcpy(add_cmsg(&len, ALG_SET_AEAD_ASSOCLEN, 4), &assoclen, 4);
	return len;
}

static void read_all(int fd, unsigned char *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);
		if (n < 0)
			die_errno("read");
		if (n == 0)
			die(1, "read", "short read %zu/%zu", got, len);
		got += (size_t)n;
	}
}

static void run_op(struct op *o)
{
	if (!o->zerocopy) {
		if (sendmsg(o->fd, &o->msg, 0) < 0)
			die_errno("send");
	} else {
		if (o->ctl_msg.msg_controllen > 0 && sendmsg(o->fd, &o->ctl_msg, MSG_MORE) < 0)
			die_errno("send");
		for (int i = 0; i < o->nchunks; i++) {
			size_t len = o->chunks[i].iov_len;
			ssize_t n = vmsplice(o->pipe_wr, &o->chunks[i], 1, 0);
			if (n < 0)
				die_errno("vmsplice");
			if ((size_t)n != len)
				die(1, "vmsplice", "short %zd/%zu", n, len);
			n = splice(o->pipe_rd, NULL, o->fd, NULL, len, i < o->nchunks - 1 ? SPLICE_F_MORE : 0);
			if (n < 0)
				die_errno("splice");
			if ((size_t)n != len)
				die(1, "splice", "short %zd/%zu", n, len);
		}
	}
	if (o->exact) {
		read_all(o->fd, o->out, o->outlen);
	} else if (read(o->fd, o->out, o->outlen) < 0) {
		die_errno("read");
	}
}

static unsigned long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

/* Run operations for `ms` milliseconds, reading the clock after each (at least one operation). */
static struct bench_repetition time_slice(struct op *o, unsigned long ms)
{
	unsigned long long start = now_ns(), deadline = start + ms * 1000000ull, t;
	struct bench_repetition r = { 0, 0 };
	do {
		run_op(o);
		r.ops++;
		t = now_ns();
	} while (t < deadline);
	r.ns = t - start;
	return r;
}

static void *page_alloc(size_t len, size_t page)
{
	void *p = NULL;
	if (posix_memalign(&p, page, (len + page - 1) / page * page) != 0)
		die(1, "args", "out of memory");
	return p;
}

int main(int argc, char **argv)
{
	static struct config c;
	static struct op o;
	struct sockaddr_alg sa = { .salg_family = AF_ALG };
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t region, chunk_max = PIPE_PAGES * page;
	unsigned char *src, *enc;
	struct bench_repetition *results;
	unsigned long *counts;
	const char **stopped;
	int tfm, pipefd[2] = { -1, -1 };

	parse_args(argc, argv, &c);

	/* buffers: allocated once, page-aligned, the input filled with a fixed pattern */
	region = c.assoclen + MAX_SIZE + c.authsize;
	src = page_alloc(region, page);
	enc = page_alloc(region, page);
	o.out = page_alloc(region < MAX_DIGEST ? MAX_DIGEST : region, page);
	results = calloc((size_t)c.nsizes * c.stopping.max_repetitions, sizeof(*results));
	counts = calloc((size_t)c.nsizes, sizeof(*counts));
	stopped = calloc((size_t)c.nsizes, sizeof(*stopped));
	if (!counts || !stopped)
		die(1, "args", "out of memory");
	if (!results)
		die(1, "args", "out of memory");
	for (size_t i = 0; i < region; i++)
		src[i] = (unsigned char)((i * 131 + 7) & 0xff);

	/* transform socket, key, tag length, then the operation socket */
	tfm = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (tfm < 0)
		die_errno("socket");
	strncpy((char *)sa.salg_type, c.type_name, sizeof(sa.salg_type) - 1);
	strncpy((char *)sa.salg_name, c.alg, sizeof(sa.salg_name) - 1);
	if (bind(tfm, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die_errno("bind");
	if (c.keylen >= 0 && setsockopt(tfm, SOL_ALG, ALG_SET_KEY, c.key, (socklen_t)c.keylen) < 0)
		die_errno("setkey");
	if (c.type == T_AEAD && setsockopt(tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, (socklen_t)c.authsize) < 0)
		die_errno("authsize");
	o.fd = accept(tfm, NULL, NULL);
	if (o.fd < 0)
		die_errno("accept");
	o.zerocopy = c.zerocopy;
	if (c.zerocopy) {
		if (pipe2(pipefd, O_CLOEXEC) < 0)
			die_errno("pipe");
		o.pipe_rd = pipefd[0];
		o.pipe_wr = pipefd[1];
	}

	for (int s = 0; s < c.nsizes; s++) {
		size_t size = c.sizes[s], ctl_len = 0, inlen;
		unsigned char *in = src;

		if (c.type == T_HASH) {
			inlen = size;
			o.outlen = MAX_DIGEST;
			o.exact = 0;
		} else {
			inlen = c.assoclen + size + (c.type == T_AEAD && c.decrypt ? c.authsize : 0);
			o.outlen = c.type == T_SKCIPHER ? size : c.decrypt ? c.assoclen + size : c.assoclen + size + c.authsize;
			o.exact = 1;
		}

		if (c.type == T_AEAD && c.decrypt) {
			/* a valid tag to decrypt: encrypt assoc||payload once (copy path), same key, IV, AAD */
			struct iovec iov = { .iov_base = src, .iov_len = c.assoclen + size };
			struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.bytes };
			m.msg_controllen = build_control(&c, ALG_OP_ENCRYPT);
			if (sendmsg(o.fd, &m, 0) < 0)
				die_errno("send");
			read_all(o.fd, enc, inlen);
			in = enc;
		}
		if (c.type != T_HASH)
			ctl_len = build_control(&c, c.decrypt ? ALG_OP_DECRYPT : ALG_OP_ENCRYPT);

		/* message headers, built once per size and resent by every operation (the IV travels each time) */
		o.iov = (struct iovec){ .iov_base = in, .iov_len = inlen };
		o.msg = (struct msghdr){ .msg_iov = &o.iov, .msg_iovlen = 1 };
		o.ctl_msg = (struct msghdr){ 0 };
		if (ctl_len > 0) {
			o.msg.msg_control = o.ctl_msg.msg_control = control.bytes;
			o.msg.msg_controllen = o.ctl_msg.msg_controllen = ctl_len;
		}
		o.nchunks = 0;
		for (size_t off = 0; off < inlen; off += chunk_max) {
			o.chunks[o.nchunks].iov_base = in + off;
			o.chunks[o.nchunks].iov_len = inlen - off < chunk_max ? inlen - off : chunk_max;
			o.nchunks++;
		}

		unsigned long long started = now_ns();
		struct bench_repetition *mine = &results[(size_t)s * c.stopping.max_repetitions];
		time_slice(&o, c.warmup_ms);
		do {
			mine[counts[s]] = time_slice(&o, c.stopping.repetition_ms);
			counts[s]++;
		} while (!(stopped[s] = bench_stop_reason(&c.stopping, mine, counts[s], (now_ns() - started) / 1000000ull)));
	}

	printf("{\"points\":[");
	for (int s = 0; s < c.nsizes; s++) {
		printf("%s{\"size\":%lu,\"repetitions\":[", s ? "," : "", c.sizes[s]);
		for (unsigned long r = 0; r < counts[s]; r++) {
			const struct bench_repetition *p = &results[(size_t)s * c.stopping.max_repetitions + r];
			printf("%s{\"ops\":%llu,\"ns\":%llu}", r ? "," : "", p->ops, p->ns);
		}
		printf("]");
		if (c.adaptive)
			printf(",\"stopped\":\"%s\"", stopped[s]);
		printf("}");
	}
	printf("]}\n");
	fflush(stdout);
	return 0;
}
