/*
 * The in-kernel executor's client (harness/agent/kernel-executor-device.ts in C): frames for
 * /dev/afalg_kexec (their layout: harness/protocol/kernel-executor.ts, qemu/executor/kexec.h), one
 * write and one read per request on the session's own open file, and matrix cases run through it
 * with the outcomes the AF_ALG path gives (a failed step is named kernel-<step>).
 */
#ifndef NA_KEXEC_CLIENT_H
#define NA_KEXEC_CLIENT_H
#include <stddef.h>
#include "session.h"

#define KEXEC_DEVICE "/dev/afalg_kexec"
/* the module's bounds (qemu/executor/kexec.h; test/unit/protocol/kernel-executor.test.ts checks they agree) */
#define KEXEC_REQUEST_MAGIC 0x32584b41u /* "AKX2" */
#define KEXEC_REPLY_MAGIC 0x52584b41u   /* "AKXR" */
#define KEXEC_HEADER_BYTES 32
#define KEXEC_REPLY_HEADER_BYTES 16
#define KEXEC_MAX_DRIVER 127
#define KEXEC_MAX_KEY 512
#define KEXEC_MAX_IV 64
#define KEXEC_MAX_AUTHSIZE 64
#define KEXEC_MAX_DATA (1u << 20)
#define KEXEC_MAX_TIMEOUT_MS 600000u
#define KEXEC_MAX_SOCKET 63
#define KEXEC_MAX_REPLY (KEXEC_REPLY_HEADER_BYTES + KEXEC_MAX_DATA + KEXEC_MAX_AUTHSIZE)
#define KEXEC_FRAME_MAX (KEXEC_HEADER_BYTES + KEXEC_MAX_DRIVER + KEXEC_MAX_KEY + KEXEC_MAX_IV + KEXEC_MAX_DATA)

enum kexec_op { KX_SKCIPHER_ENCRYPT = 1, KX_SKCIPHER_DECRYPT, KX_AEAD_ENCRYPT, KX_AEAD_DECRYPT, KX_HASH, KX_HASH_KEYED, KX_RNG, KX_RNG_SEEDED };

struct kexec_request {
	enum kexec_op op;
	enum strategy shape;
	int socket;
	unsigned timeout_ms;
	const char *driver;
	struct bytes key, iv, assoc, data;
	int authsize;
	size_t rng_length; /* rng: the bytes asked for (the frame carries no data) */
};

struct kexec_reply {
	int status;          /* 0 or -errno */
	const char *step;    /* "kernel-<step>" */
	const unsigned char *data;
	size_t n;
};

/* The wait limit of one operation for a matrix request's hang limit (kernelWaitMs in afalg-session.ts). */
unsigned kexec_wait_ms(double hang_sec);
/* The frame of `r` into `buf`; its length, or 0 when a field exceeds the module's bounds. */
size_t kexec_encode(const struct kexec_request *r, unsigned char *buf, size_t size);
/* Open the device for this session (once); -1 with `error` naming the device when it cannot be. */
int kexec_open(struct session *s, char *error, size_t size);
/* One frame written and the reply read on the session's file; -1 with `error` on an I/O or framing failure. */
int kexec_exchange(struct session *s, const unsigned char *frame, size_t len, struct kexec_reply *reply, char *error, size_t size);
/* One matrix case through the executor, judged as the AF_ALG path judges it. */
void kexec_execute(struct session *s, const struct acase *c, const struct bytes *expect, const char *alg, enum strategy strategy,
		   unsigned timeout_ms, struct raw_outcome *out);
#endif
