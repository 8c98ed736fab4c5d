/* SPDX-License-Identifier: GPL-2.0 */
/*
 * afalg-harness in-kernel executor: the frames /dev/afalg_kexec reads and answers (their host side
 * is harness/protocol/kernel-executor.ts) and the operations' entry point (kexec_ops.c).
 */
#ifndef AFALG_KEXEC_H
#define AFALG_KEXEC_H

#include <linux/types.h>

#define KEXEC_MAGIC 0x32584b41u /* "AKX2" little endian */
#define KEXEC_REPLY_MAGIC 0x52584b41u /* "AKXR" */
#define KEXEC_MAX_DRIVER 128
#define KEXEC_MAX_KEY 512
#define KEXEC_MAX_IV 64
#define KEXEC_MAX_AUTHSIZE 64 /* also the largest digest a reply carries (HASH_MAX_DIGESTSIZE) */
#define KEXEC_MAX_DATA (1u << 20) /* associated data and text together */
#define KEXEC_MAX_TIMEOUT_MS 600000u

enum kexec_op {
	KEXEC_SKCIPHER_ENCRYPT = 1, KEXEC_SKCIPHER_DECRYPT, KEXEC_AEAD_ENCRYPT, KEXEC_AEAD_DECRYPT,
	KEXEC_HASH, /* no key set */
	KEXEC_HASH_KEYED, /* setkey first, even with an empty key (HMAC allows one) */
	KEXEC_OP_LAST = KEXEC_HASH_KEYED
};
enum kexec_shape { KEXEC_ONESHOT = 0, KEXEC_CHUNKS = 1, KEXEC_PAGE_CROSS = 2, KEXEC_INPLACE = 3 };

struct kexec_request_header {
	__le32 magic;
	__le32 op;
	__le32 shape;
	__le32 timeout_ms;
	__le16 driver_len;
	__le16 key_len;
	__le16 iv_len;
	__le16 authsize; /* aead: 0 keeps the driver's default */
	__le32 assoc_len; /* aead only */
	__le32 data_len;
	/* then driver, key, iv, assoc, data */
} __packed;

struct kexec_reply_header {
	__le32 magic;
	__le32 status; /* 0, or a negative errno */
	__le32 data_len;
	__le32 step; /* where it failed: enum kexec_step */
} __packed;

/* The step an error comes from, as the harness reports a failed AF_ALG request's step. */
enum kexec_step {
	KEXEC_STEP_NONE = 0, KEXEC_STEP_FRAME, KEXEC_STEP_ALLOC, KEXEC_STEP_SETKEY, KEXEC_STEP_REQUEST, KEXEC_STEP_CRYPT,
	KEXEC_STEP_TIMEOUT, KEXEC_STEP_AUTHSIZE
};

/* A request, its lengths checked against the frame and the bounds. */
struct kexec_frame {
	u32 op, shape, key_len, iv_len, authsize, assoc_len, data_len;
	unsigned long timeout;
	char driver[KEXEC_MAX_DRIVER];
	const u8 *key, *iv, *assoc, *data;
};

static inline bool kexec_is_aead(u32 op)
{
	return op == KEXEC_AEAD_ENCRYPT || op == KEXEC_AEAD_DECRYPT;
}

/* Run a parsed frame; out has room for data_len + KEXEC_MAX_AUTHSIZE bytes. */
int kexec_run(const struct kexec_frame *f, u8 *out, u32 *out_len, u32 *step);
int kexec_ops_init(void);
void kexec_ops_exit(void);

#endif
