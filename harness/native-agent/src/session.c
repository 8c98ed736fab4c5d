/* AF_ALG case execution: the same system calls, in the same order, as harness/agent/afalg-session.ts. */
#define _GNU_SOURCE
#include "session.h"
#include "concurrent.h"
#include "errnames.h"
#include "wire.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_alg.h>

#ifndef SOL_ALG
#define SOL_ALG 279
#endif
#define KEY_MAX (4096 - 512)

const char *const STATUS_NAMES[3] = { "pass", "fail", "error" };

int session_init(struct session *s)
{
	memset(s, 0, sizeof *s);
	s->kexec_fd = -1;
	s->pipe_rd = s->pipe_wr = -1;
	s->page = sysconf(_SC_PAGESIZE);
	size_t region = MAX_DATA + 2 * (size_t)s->page;
	void *arena = NULL;
	if (posix_memalign(&arena, (size_t)s->page, (size_t)s->page + 2 * region) != 0) return -1;
	memset(arena, 0, (size_t)s->page + 2 * region);
	s->arena = arena;
	s->in = s->arena + s->page;
	s->out = s->in + region;
	return 0;
}

static void close_decoy(struct transform *t)
{
	if (t->decoyfd >= 0) close(t->decoyfd);
	t->decoyfd = -1;
}

static void close_op(struct transform *t)
{
	if (t->opfd >= 0) close(t->opfd);
	t->opfd = -1;
	close_decoy(t);
}


static void close_transform(struct transform *t)
{
	close_op(t);
	close(t->fd);
	free(t->name);
	free(t->key);
	memset(t, 0, sizeof *t);
}

void session_close(struct session *s)
{
	for (int i = 0; i < MAX_OPEN_TRANSFORMS; i++)
		if (s->transforms[i].in_use) close_transform(&s->transforms[i]);
	free(s->arena);
	s->arena = NULL;
	if (s->kexec_fd >= 0) close(s->kexec_fd);
	s->kexec_fd = -1;
	if (s->pipe_rd >= 0) close(s->pipe_rd);
	if (s->pipe_wr >= 0) close(s->pipe_wr);
	s->pipe_rd = s->pipe_wr = -1;
	free(s->kexec_frame);
	free(s->kexec_reply);
	s->kexec_frame = s->kexec_reply = NULL;
	concurrent_close(s);
}

int session_bind(struct session *s, enum alg_type type, const char *name, char *errname, size_t errsize)
{
	(void)s;
	char buf[32];
	int fd = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(errname, errsize, "%s", errno_name(errno, buf, sizeof buf));
		return -1;
	}
	/* struct sockaddr_alg_new: family, type[14], feat, mask, name[] (NUL-terminated) */
	unsigned char addr[128];
	size_t name_len = strlen(name), type_len = strlen(ALG_TYPE_NAMES[type]);
	size_t length = 24 + name_len + 1 > 88 ? 24 + name_len + 1 : 88;
	if (length > sizeof addr || type_len > 13) {
		close(fd);
		snprintf(errname, errsize, "ENAMETOOLONG");
		return -1;
	}
	memset(addr, 0, sizeof addr);
	unsigned short family = AF_ALG;
	memcpy(addr, &family, 2);
	memcpy(addr + 2, ALG_TYPE_NAMES[type], type_len);
	memcpy(addr + 24, name, name_len);
	if (bind(fd, (struct sockaddr *)addr, (socklen_t)length) < 0) {
		snprintf(errname, errsize, "%s", errno_name(errno, buf, sizeof buf));
		close(fd);
		return -1;
	}
	return fd;
}

/* The transform bound to (type, name), binding it (and closing the least recently used) when needed. */
static struct transform *transform_for(struct session *s, enum alg_type type, const char *name, int socket, struct fault *f)
{
	struct transform *free_slot = NULL, *oldest = NULL;
	s->clock++;
	for (int i = 0; i < MAX_OPEN_TRANSFORMS; i++) {
		struct transform *t = &s->transforms[i];
		if (!t->in_use) { if (!free_slot) free_slot = t; continue; }
		if (t->type == type && t->socket == socket && strcmp(t->name, name) == 0) { t->used_at = s->clock; return t; }
		if (!oldest || t->used_at < oldest->used_at) oldest = t;
	}
	if (!free_slot) { close_transform(oldest); free_slot = oldest; }
	int fd = session_bind(s, type, name, f->why, sizeof f->why);
	if (fd < 0) { f->step = "bind"; return NULL; }
	free_slot->in_use = 1;
	free_slot->type = type;
	free_slot->name = strdup(name);
	free_slot->socket = socket;
	free_slot->fd = fd;
	free_slot->opfd = -1;
	free_slot->decoyfd = -1;
	free_slot->used_at = s->clock;
	return free_slot;
}

/* An operation socket with this key and authsize; the kernel refuses setsockopt while one is open (EBUSY). */
static int operation(struct session *s, struct transform *t, const struct bytes *key, int authsize, struct fault *f)
{
	(void)s;
	if (key && (!t->has_key || t->keylen != key->n || memcmp(t->key, key->p, key->n) != 0)) {
		close_op(t);
		t->has_key = 0;
		if (key->n > KEY_MAX) return fault_text(f, "setkey", "E2BIG");
		if (setsockopt(t->fd, SOL_ALG, ALG_SET_KEY, key->p, (socklen_t)key->n) < 0) return fault_errno(f, "setkey");
		free(t->key);
		t->key = malloc(key->n ? key->n : 1);
		if (!t->key) return fault_text(f, "setkey", "out of memory");
		memcpy(t->key, key->p, key->n);
		t->keylen = key->n;
		t->has_key = 1;
	}
	if (authsize && t->authsize != authsize) {
		close_op(t);
		t->authsize = 0;
		if (setsockopt(t->fd, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, (socklen_t)authsize) < 0) return fault_errno(f, "authsize");
		t->authsize = authsize;
	}
	if (t->opfd < 0) {
		t->opfd = accept(t->fd, NULL, NULL);
		if (t->opfd < 0) return fault_errno(f, "accept");
	}
	return t->opfd;
}

/* The input, sent the strategy's way (zerocopy: spliced from the page-aligned input buffer). */
static int send_input(struct session *s, int opfd, unsigned char *data, size_t length, void *control, size_t control_len, enum strategy strategy,
		      const size_t *chunks, size_t nchunks, struct fault *f)
{
	if (strategy == S_ZEROCOPY) return splice_data(s->page, opfd, &s->pipe_rd, &s->pipe_wr, data, length, control, control_len, f);
	return send_data(s->page, opfd, data, length, control, control_len, strategy, chunks, nchunks, f);
}

struct placement {
	unsigned char *in, *out;
};

static int place(struct session *s, enum strategy strategy, int any_strategy, size_t length, struct placement *p, struct fault *f)
{
	if (length > MAX_DATA) return fault_text(f, "send", "E2BIG");
	size_t shift = any_strategy && strategy == S_PAGE_CROSS ? (size_t)s->page - PAGE_CROSS_OFFSET : 0;
	p->in = s->in + shift;
	p->out = any_strategy && strategy == S_INPLACE ? p->in : s->out + shift;
	return 0;
}

#define IV_MAX 4096

/* Compare an output with the expectation (see judge() in afalg-session.ts). */
void session_judge(const struct acase *c, const struct bytes *expect, const unsigned char *actual, size_t n, struct raw_outcome *out)
{
	out->output = actual;
	out->outlen = n;
	if (c->expect_error) {
		out->status = ST_FAIL;
		snprintf(out->error, sizeof out->error, "succeeded, expected %s", c->expect_error);
		out->has_output = 1;
		return;
	}
	if (!expect) { out->status = ST_PASS; out->has_output = 1; return; }
	int equal = n == expect->n && memcmp(actual, expect->p, n) == 0;
	if (equal != (c->expect_mismatch != 0)) { out->status = ST_PASS; return; }
	out->status = ST_FAIL;
	out->has_output = 1;
}

/* Runs `body` with the op socket; a failure closes it so that no stale state leaks into the next case. */
#define WITH_OPERATION(t, key, authsize, body)                         \
	do {                                                           \
		int opfd = operation(s, t, key, authsize, f);          \
		if (opfd < 0) return -1;                               \
		if ((body) < 0) { close_op(t); return -1; }            \
	} while (0)

static int run_hash_op(struct session *s, int opfd, const struct acase *c, const struct bytes *expect, enum strategy strategy,
		       const size_t *chunks, size_t nchunks, struct raw_outcome *out, struct fault *f)
{
	struct placement p = { NULL, NULL };
	if (place(s, strategy, 1, c->input.n, &p, f) < 0) return -1;
	memcpy(p.in, c->input.p, c->input.n);
	if (c->input.n > 0 && send_input(s, opfd, p.in, c->input.n, NULL, 0, strategy, chunks, nchunks, f) < 0) return -1;
	ssize_t n = read(opfd, p.out, 256);
	if (n < 0) return fault_errno(f, "read");
	size_t compared = expect && expect->n > 0 && expect->n < (size_t)n ? expect->n : (size_t)n;
	session_judge(c, expect, p.out, compared, out);
	return 0;
}

static int run_hash(struct session *s, const struct acase *c, const struct bytes *expect, const char *alg, enum strategy strategy,
		    const size_t *chunks, size_t nchunks, struct raw_outcome *out, struct fault *f)
{
	struct transform *t = transform_for(s, T_HASH, alg, c->socket, f);
	if (!t) return -1;
	WITH_OPERATION(t, c->has_key ? &c->key : NULL, 0, run_hash_op(s, opfd, c, expect, strategy, chunks, nchunks, out, f));
	return 0;
}

static int run_cipher_op(struct session *s, struct transform *t, int opfd, const struct acase *c, const struct bytes *expect, enum strategy strategy,
			 const size_t *chunks, size_t nchunks, struct raw_outcome *out, struct fault *f)
{
	int aead = c->type == C_AEAD;
	size_t assoc = aead ? c->assoc.n : 0, total = assoc + c->input.n;
	size_t outlen = !aead ? c->input.n : c->encrypt ? total + (size_t)c->authsize : total - (size_t)c->authsize;
	struct placement p = { NULL, NULL };
	unsigned char control[CONTROL_MAX];
	if (place(s, strategy, 1, total > outlen ? total : outlen, &p, f) < 0) return -1;
	if (aead) memcpy(p.in, c->assoc.p, assoc);
	memcpy(p.in + assoc, c->input.p, c->input.n);
	if (c->has_iv && c->iv.n > IV_MAX) return fault_text(f, "send", "E2BIG");
	size_t control_len = control_messages(control, sizeof control, c->encrypt, c->has_iv ? &c->iv : NULL, aead ? &assoc : NULL);
	if (strategy == S_CONCURRENT) return concurrent_run(s, t, opfd, c, expect, p.in, p.out, total, outlen, control, control_len, out, f);
	if (strategy == S_CHAINED && !aead) {
		/* one request per piece; the IV only with the first: the others continue from the IV the driver handed back */
		size_t pieces[3], offset = 0, count = chained_pieces(total, c->has_iv ? c->iv.n : 0, pieces);
		for (size_t i = 0; i < count; i++) {
			if (i == 1) control_len = control_messages(control, sizeof control, c->encrypt, NULL, NULL);
			if (send_piece(opfd, p.in + offset, pieces[i], control, control_len, 0, f) < 0) return -1;
			if (read_fully(opfd, p.out + offset, pieces[i], f) < 0) return -1;
			offset += pieces[i];
		}
		session_judge(c, expect, p.out, total, out);
		return 0;
	}
	if (total > 0) {
		if (send_input(s, opfd, p.in, total, control, control_len, strategy, chunks, nchunks, f) < 0) return -1;
	} else if (send_piece(opfd, p.in, 0, control, control_len, 0, f) < 0) {
		return -1;
	}
	if (outlen == 0) {
		/* the kernel runs a request only when the read has room: offer one byte */
		ssize_t n = read(opfd, p.out, 1);
		if (n < 0) return fault_errno(f, "read");
		if (n != 0) return fault_text(f, "read", "%zd bytes where none were due", n);
	} else if (read_fully(opfd, p.out, outlen, f) < 0) {
		return -1;
	}
	session_judge(c, expect, p.out + assoc, outlen - assoc, out);
	return 0;
}

static int run_cipher(struct session *s, const struct acase *c, const struct bytes *expect, const char *alg, enum strategy strategy,
		      const size_t *chunks, size_t nchunks, struct raw_outcome *out, struct fault *f)
{
	int aead = c->type == C_AEAD;
	struct transform *t = transform_for(s, aead ? T_AEAD : T_SKCIPHER, alg, c->socket, f);
	if (!t) return -1;
	if (!aead && c->input.n == 0) return fault_text(f, "send", "EMSGSIZE");
	if (aead) {
		size_t total = c->assoc.n + c->input.n;
		/* decrypting less than a tag: the output length would be negative */
		if (!c->encrypt && total < (size_t)c->authsize) return fault_text(f, "send", "EINVAL");
		size_t outlen = c->encrypt ? total + (size_t)c->authsize : total - (size_t)c->authsize;
		if (outlen < c->assoc.n) return fault_text(f, "send", "EINVAL");
	}
	WITH_OPERATION(t, &c->key, aead ? c->authsize : 0, run_cipher_op(s, t, opfd, c, expect, strategy, chunks, nchunks, out, f));
	return 0;
}

static int run_rng(struct session *s, const struct acase *c, const char *alg, struct raw_outcome *out, struct fault *f)
{
	struct transform *t = transform_for(s, T_RNG, alg, c->socket, f);
	if (!t) return -1;
	if (c->length > MAX_DATA) return fault_text(f, "read", "E2BIG");
	struct placement p = { NULL, NULL };
	WITH_OPERATION(t, c->has_key ? &c->key : NULL, 0,
		       place(s, S_ONESHOT, 0, c->length, &p, f) < 0 || read_fully(opfd, p.out, c->length, f) < 0 ? -1 : 0);
	session_judge(c, NULL, p.out, c->length, out);
	return 0;
}

static int run_mct_op(struct session *s, int opfd, const struct acase *c, struct raw_outcome *out, struct fault *f)
{
	size_t size = c->seed.n, window = c->sha3 ? 1 : 3;
	struct placement p = { NULL, NULL };
	if (place(s, S_ONESHOT, 0, 3 * size, &p, f) < 0) return -1;
	const unsigned char *seed = c->seed.p;
	unsigned char previous[MAX_DATA / 3 + 1];
	for (size_t checkpoint = 0; checkpoint < c->ncheckpoints; checkpoint++) {
		for (size_t k = 0; k < window; k++) memcpy(p.in + k * size, seed, size);
		if (s->beacon) atomic_fetch_add(&s->beacon->sequence, 1);
		for (int i = 0; i < 1000; i++) {
			if (send_piece(opfd, p.in, window * size, NULL, 0, 0, f) < 0) return -1;
			ssize_t n = read(opfd, p.out, size);
			if (n < 0) return fault_errno(f, "read");
			if ((size_t)n != size) return fault_text(f, "read", "short digest %zd/%zu", n, size);
			if (window == 3) memmove(p.in, p.in + size, 2 * size);
			memcpy(p.in + (window - 1) * size, p.out, size);
		}
		const struct bytes *expected = &c->checkpoints[checkpoint];
		if (expected->n != size || memcmp(p.out, expected->p, size) != 0) {
			out->status = ST_FAIL;
			snprintf(out->step, sizeof out->step, "checkpoint %zu", checkpoint);
			out->output = p.out;
			out->outlen = size;
			out->has_output = 1;
			return 0;
		}
		memcpy(previous, p.out, size);
		seed = previous;
	}
	out->status = ST_PASS;
	return 0;
}

static int run_mct(struct session *s, const struct acase *c, const char *alg, struct raw_outcome *out, struct fault *f)
{
	struct transform *t = transform_for(s, T_HASH, alg, c->socket, f);
	if (!t) return -1;
	WITH_OPERATION(t, NULL, 0, run_mct_op(s, opfd, c, out, f));
	return 0;
}

void session_execute(struct session *s, const struct acase *c, const struct bytes *expect, const char *alg, enum strategy strategy,
		     const size_t *chunks, size_t nchunks, struct raw_outcome *out)
{
	struct fault f = { "", "" };
	int rc = -1;
	memset(out, 0, sizeof *out);
	switch (c->type) {
	case C_HASH: rc = run_hash(s, c, expect, alg, strategy, chunks, nchunks, out, &f); break;
	case C_SKCIPHER: case C_AEAD: rc = run_cipher(s, c, expect, alg, strategy, chunks, nchunks, out, &f); break;
	case C_RNG: rc = run_rng(s, c, alg, out, &f); break;
	case C_MCT: rc = run_mct(s, c, alg, out, &f); break;
	default: fault_text(&f, "", "unknown case type %s", c->type_name);
	}
	session_settle(c, rc, &f, out);
}

void session_settle(const struct acase *c, int rc, const struct fault *f, struct raw_outcome *out)
{
	if (rc == 0) return;
	memset(out, 0, sizeof *out);
	snprintf(out->step, sizeof out->step, "%s", f->step);
	if (!c->expect_error) {
		out->status = ST_ERROR;
		snprintf(out->error, sizeof out->error, "%s", f->why);
	} else if (strcmp(f->why, c->expect_error) == 0) {
		out->status = ST_PASS;
		snprintf(out->error, sizeof out->error, "%s", f->why);
	} else {
		out->status = ST_FAIL;
		snprintf(out->error, sizeof out->error, "%s, expected %s", f->why, c->expect_error);
	}
}
