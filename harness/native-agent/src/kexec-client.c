/* The in-kernel executor's client: see kexec-client.h. */
#define _GNU_SOURCE
#include "kexec-client.h"
#include "errnames.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* the module's enum kexec_step, as the failed step of an outcome */
static const char *const STEPS[] = { "kernel-none", "kernel-frame", "kernel-alloc", "kernel-setkey", "kernel-request", "kernel-crypt", "kernel-timeout", "kernel-authsize",
				     "kernel-decoy" };

unsigned kexec_wait_ms(double hang_sec)
{
	double ms = hang_sec * 1000 * 1.5 + 1000;
	return ms > KEXEC_MAX_TIMEOUT_MS ? KEXEC_MAX_TIMEOUT_MS : (unsigned)(ms + 0.5);
}

static void put16(unsigned char *at, unsigned v) { at[0] = (unsigned char)v; at[1] = (unsigned char)(v >> 8); }
static void put32(unsigned char *at, uint32_t v) { put16(at, v & 0xffff); put16(at + 2, v >> 16); }
static uint32_t get32(const unsigned char *at) { return (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16 | (uint32_t)at[3] << 24; }

size_t kexec_encode(const struct kexec_request *r, unsigned char *buf, size_t size)
{
	size_t driver = strlen(r->driver), rng = r->op == KX_RNG || r->op == KX_RNG_SEEDED;
	size_t data = rng ? r->rng_length : r->data.n, total = KEXEC_HEADER_BYTES + driver + r->key.n + r->iv.n + r->assoc.n + (rng ? 0 : data);
	if (driver == 0 || driver > KEXEC_MAX_DRIVER || r->key.n > KEXEC_MAX_KEY || r->iv.n > KEXEC_MAX_IV || r->authsize < 0 ||
	    r->authsize > KEXEC_MAX_AUTHSIZE || r->assoc.n + data > KEXEC_MAX_DATA || r->socket < 0 || r->socket > KEXEC_MAX_SOCKET || total > size)
		return 0;
	put32(buf, KEXEC_REQUEST_MAGIC);
	put32(buf + 4, (uint32_t)r->op);
	put16(buf + 8, (unsigned)r->shape);
	put16(buf + 10, (unsigned)r->socket);
	put32(buf + 12, r->timeout_ms);
	put16(buf + 16, (unsigned)driver);
	put16(buf + 18, (unsigned)r->key.n);
	put16(buf + 20, (unsigned)r->iv.n);
	put16(buf + 22, (unsigned)r->authsize);
	put32(buf + 24, (uint32_t)r->assoc.n);
	put32(buf + 28, (uint32_t)data);
	unsigned char *at = buf + KEXEC_HEADER_BYTES;
	memcpy(at, r->driver, driver), at += driver;
	if (r->key.n) memcpy(at, r->key.p, r->key.n), at += r->key.n;
	if (r->iv.n) memcpy(at, r->iv.p, r->iv.n), at += r->iv.n;
	if (r->assoc.n) memcpy(at, r->assoc.p, r->assoc.n), at += r->assoc.n;
	if (!rng && data) memcpy(at, r->data.p, data);
	return total;
}

int kexec_open(struct session *s, char *error, size_t size)
{
	if (s->kexec_fd >= 0) return 0;
	if (!s->kexec_frame) s->kexec_frame = malloc(KEXEC_FRAME_MAX);
	if (!s->kexec_reply) s->kexec_reply = malloc(KEXEC_MAX_REPLY);
	if (!s->kexec_frame || !s->kexec_reply) { snprintf(error, size, "%s: out of memory", KEXEC_DEVICE); return -1; }
	s->kexec_fd = open(KEXEC_DEVICE, O_RDWR | O_CLOEXEC);
	if (s->kexec_fd >= 0) return 0;
	snprintf(error, size, "%s: %s (is the afalg_kexec module loaded?)", KEXEC_DEVICE, strerror(errno));
	return -1;
}

int kexec_exchange(struct session *s, const unsigned char *frame, size_t len, struct kexec_reply *reply, char *error, size_t size)
{
	if (kexec_open(s, error, size) < 0) return -1;
	ssize_t n = write(s->kexec_fd, frame, len);
	if (n != (ssize_t)len) { snprintf(error, size, "%s: write: %s", KEXEC_DEVICE, n < 0 ? strerror(errno) : "short"); return -1; }
	n = read(s->kexec_fd, s->kexec_reply, KEXEC_MAX_REPLY);
	if (n < 0) { snprintf(error, size, "%s: read: %s", KEXEC_DEVICE, strerror(errno)); return -1; }
	const unsigned char *r = s->kexec_reply;
	if (n < KEXEC_REPLY_HEADER_BYTES || get32(r) != KEXEC_REPLY_MAGIC || get32(r + 8) != (uint32_t)n - KEXEC_REPLY_HEADER_BYTES ||
	    get32(r + 12) >= sizeof STEPS / sizeof STEPS[0]) {
		snprintf(error, size, "%s: a malformed reply of %zd bytes", KEXEC_DEVICE, n);
		return -1;
	}
	reply->status = (int)(int32_t)get32(r + 4);
	reply->step = STEPS[get32(r + 12)];
	reply->data = r + KEXEC_REPLY_HEADER_BYTES;
	reply->n = (size_t)n - KEXEC_REPLY_HEADER_BYTES;
	return 0;
}

/* One request through the module: 0 with its reply, or -1 with the fault (kernel-<step> and the errno's name). */
static int in_kernel(struct session *s, const struct kexec_request *r, struct kexec_reply *reply, struct fault *f)
{
	char error[160], name[32];
	if (kexec_open(s, error, sizeof error) < 0) return fault_text(f, "kernel-open", "%.60s", error);
	size_t len = kexec_encode(r, s->kexec_frame, KEXEC_FRAME_MAX);
	if (len == 0) return fault_text(f, "kernel-frame", "E2BIG");
	if (kexec_exchange(s, s->kexec_frame, len, reply, error, sizeof error) < 0) return fault_text(f, "kernel-io", "%.60s", error);
	if (reply->status == 0) return 0;
	return fault_text(f, reply->step, "%s", errno_name(-reply->status, name, sizeof name));
}

static const struct bytes NONE = { NULL, 0 };

/* CAVP Monte-Carlo as the AF_ALG path runs it: 1,000 chained digests per checkpoint, one request each. */
static int mct(struct session *s, const struct acase *c, struct kexec_request *r, struct raw_outcome *out, struct fault *f)
{
	size_t size = c->seed.n, window = c->sha3 ? 1 : 3;
	struct kexec_reply reply;
	if (window * size > MAX_DATA) return fault_text(f, "send", "E2BIG");
	unsigned char *messages = s->in, *digest = s->out;
	memcpy(digest, c->seed.p, size);
	for (size_t checkpoint = 0; checkpoint < c->ncheckpoints; checkpoint++) {
		for (size_t k = 0; k < window; k++) memcpy(messages + k * size, digest, size);
		if (s->beacon) atomic_fetch_add(&s->beacon->sequence, 1);
		for (int i = 0; i < 1000; i++) {
			r->data = (struct bytes){ messages, window * size };
			if (in_kernel(s, r, &reply, f) < 0) return -1;
			if (reply.n != size) return fault_text(f, "kernel-crypt", "short digest %zu/%zu", reply.n, size);
			if (window == 3) memmove(messages, messages + size, 2 * size);
			memcpy(messages + (window - 1) * size, reply.data, size);
		}
		memcpy(digest, reply.data, size);
		const struct bytes *expected = &c->checkpoints[checkpoint];
		if (expected->n != size || memcmp(digest, expected->p, size) != 0) {
			out->status = ST_FAIL;
			snprintf(out->step, sizeof out->step, "checkpoint %zu", checkpoint);
			out->output = digest;
			out->outlen = size;
			out->has_output = 1;
			return 0;
		}
	}
	out->status = ST_PASS;
	return 0;
}

static int run(struct session *s, const struct acase *c, const struct bytes *expect, struct kexec_request *r, struct raw_outcome *out, struct fault *f)
{
	struct kexec_reply reply;
	switch (c->type) {
	case C_SKCIPHER:
		if (c->input.n == 0) return fault_text(f, "send", "EMSGSIZE");
		*r = (struct kexec_request){ c->encrypt ? KX_SKCIPHER_ENCRYPT : KX_SKCIPHER_DECRYPT, r->shape, r->socket, r->timeout_ms, r->driver,
					     c->key, c->has_iv ? c->iv : NONE, NONE, c->input, 0, 0 };
		break;
	case C_AEAD:
		if (!c->encrypt && c->input.n < (size_t)c->authsize) return fault_text(f, "send", "EINVAL");
		*r = (struct kexec_request){ c->encrypt ? KX_AEAD_ENCRYPT : KX_AEAD_DECRYPT, r->shape, r->socket, r->timeout_ms, r->driver,
					     c->key, c->has_iv ? c->iv : NONE, c->assoc, c->input, c->authsize, 0 };
		break;
	case C_HASH:
		*r = (struct kexec_request){ c->has_key ? KX_HASH_KEYED : KX_HASH, r->shape, r->socket, r->timeout_ms, r->driver,
					     c->has_key ? c->key : NONE, NONE, NONE, c->input, 0, 0 };
		if (in_kernel(s, r, &reply, f) < 0) return -1;
		/* a truncated expectation (HMAC-SHA-256-128) is compared over its length, as AF_ALG's is */
		session_judge(c, expect, reply.data, expect && expect->n > 0 && expect->n < reply.n ? expect->n : reply.n, out);
		return 0;
	case C_MCT:
		*r = (struct kexec_request){ KX_HASH, r->shape, r->socket, r->timeout_ms, r->driver, NONE, NONE, NONE, NONE, 0, 0 };
		return mct(s, c, r, out, f);
	case C_RNG:
		if (c->length > MAX_DATA) return fault_text(f, "read", "E2BIG");
		*r = (struct kexec_request){ c->has_key ? KX_RNG_SEEDED : KX_RNG, r->shape, r->socket, r->timeout_ms, r->driver,
					     c->has_key ? c->key : NONE, NONE, NONE, NONE, 0, c->length };
		if (in_kernel(s, r, &reply, f) < 0) return -1;
		session_judge(c, NULL, reply.data, reply.n, out);
		return 0;
	default:
		return fault_text(f, "", "unknown case type %s", c->type_name);
	}
	if (in_kernel(s, r, &reply, f) < 0) return -1;
	session_judge(c, expect, reply.data, reply.n, out);
	/* the concurrent shape: the case passed, the decoy in flight with it answered otherwise than alone */
	if (strcmp(reply.step, "kernel-decoy") == 0 && out->status == ST_PASS) {
		out->status = ST_FAIL;
		snprintf(out->error, sizeof out->error, "the decoy in flight with it got another answer than alone");
	}
	return 0;
}

void kexec_execute(struct session *s, const struct acase *c, const struct bytes *expect, const char *alg, enum strategy strategy,
		   unsigned timeout_ms, struct raw_outcome *out)
{
	struct fault f = { "", "" };
	struct kexec_request r = { KX_HASH, strategy, c->has_socket ? c->socket : 0, timeout_ms, alg, NONE, NONE, NONE, NONE, 0, 0 };
	memset(out, 0, sizeof *out);
	session_settle(c, run(s, c, expect, &r, out, &f), &f, out);
}
