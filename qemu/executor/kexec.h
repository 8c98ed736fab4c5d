/* SPDX-License-Identifier: GPL-2.0 */
/*
 * afalg-harness in-kernel executor: the frames /dev/afalg_kexec reads and answers (their host side
 * is harness/protocol/kernel-executor.ts), the operations' entry point (kexec_ops.c) and the
 * per-file transform cache (kexec_cache.c).
 */
#ifndef AFALG_KEXEC_H
#define AFALG_KEXEC_H

#include <linux/types.h>
#include <linux/mutex.h>

#define KEXEC_MAGIC 0x32584b41u /* "AKX2" little endian */
#define KEXEC_REPLY_MAGIC 0x52584b41u /* "AKXR" */
#define KEXEC_MAX_DRIVER 128
#define KEXEC_MAX_KEY 512
#define KEXEC_MAX_IV 64
#define KEXEC_MAX_AUTHSIZE 64 /* also the largest digest a reply carries (HASH_MAX_DIGESTSIZE) */
#define KEXEC_MAX_DATA (1u << 20) /* associated data and text together */
#define KEXEC_MAX_TIMEOUT_MS 600000u
#define KEXEC_MAX_SOCKET 63 /* transforms of one driver a file keeps apart (the state cases use 3) */
#define KEXEC_CACHE_SLOTS 16 /* cached transforms per open file */
#define KEXEC_RNG_READ 128 /* bytes per generate call: what algif_rng gives per read() */

enum kexec_op {
	KEXEC_SKCIPHER_ENCRYPT = 1, KEXEC_SKCIPHER_DECRYPT, KEXEC_AEAD_ENCRYPT, KEXEC_AEAD_DECRYPT,
	KEXEC_HASH, /* no key set */
	KEXEC_HASH_KEYED, /* setkey first, even with an empty key (HMAC allows one) */
	KEXEC_RNG, /* data_len bytes from an unseeded rng; the frame carries no data */
	KEXEC_RNG_SEEDED, /* reset with the key as seed (even empty) first */
	KEXEC_OP_LAST = KEXEC_RNG_SEEDED
};
/*
 * chained: consecutive skcipher requests sharing the IV buffer, as AF_ALG's operation socket keeps it
 * (other types: one request); zerocopy: one scatterlist entry (a hash: one update) per page, as
 * splicing user pages into AF_ALG gives a driver
 */
enum kexec_shape {
	KEXEC_ONESHOT = 0, KEXEC_CHUNKS = 1, KEXEC_PAGE_CROSS = 2, KEXEC_INPLACE = 3, KEXEC_CHAINED = 4, KEXEC_ZEROCOPY = 5, KEXEC_CONCURRENT = 6
};

struct kexec_request_header {
	__le32 magic;
	__le32 op;
	__le16 shape;
	__le16 socket; /* which transform of the driver (the agent's AF_ALG socket index) */
	__le32 timeout_ms;
	__le16 driver_len;
	__le16 key_len;
	__le16 iv_len;
	__le16 authsize; /* aead: 0 keeps the driver's default */
	__le32 assoc_len; /* aead only */
	__le32 data_len; /* rng: the bytes asked for (no data follows) */
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
	KEXEC_STEP_TIMEOUT, KEXEC_STEP_AUTHSIZE,
	KEXEC_STEP_DECOY /* status 0: the case succeeded, the concurrent shape's decoy answered otherwise than alone */
};

/* A request, its lengths checked against the frame and the bounds. */
struct kexec_frame {
	u32 op, shape, socket, key_len, iv_len, authsize, assoc_len, data_len;
	unsigned long timeout;
	char driver[KEXEC_MAX_DRIVER];
	const u8 *key, *iv, *assoc, *data;
};

static inline bool kexec_is_aead(u32 op)
{
	return op == KEXEC_AEAD_ENCRYPT || op == KEXEC_AEAD_DECRYPT;
}

static inline bool kexec_is_hash(u32 op)
{
	return op == KEXEC_HASH || op == KEXEC_HASH_KEYED;
}

static inline bool kexec_is_rng(u32 op)
{
	return op == KEXEC_RNG || op == KEXEC_RNG_SEEDED;
}

/* What a cached transform is: an unkeyed hash never shares a transform a key was set on. */
enum kexec_kind { KEXEC_KIND_SKCIPHER, KEXEC_KIND_AEAD, KEXEC_KIND_HASH, KEXEC_KIND_HASH_KEYED, KEXEC_KIND_RNG };

/* A transform and what was set on it. */
struct kexec_tfm {
	u32 kind;
	u16 socket;
	bool keyed; /* key[] holds the key last set, successfully */
	u16 key_len;
	u32 authsize; /* the AEAD tag size last set, successfully (0: none set) */
	u64 last_used;
	union {
		struct crypto_skcipher *skcipher;
		struct crypto_aead *aead;
		struct crypto_ahash *ahash;
		struct crypto_rng *rng;
	};
	char driver[KEXEC_MAX_DRIVER];
	u8 key[KEXEC_MAX_KEY];
};

/* One open file's transforms (kexec_cache.c). */
struct kexec_cache {
	struct mutex lock;
	struct kexec_tfm *slots[KEXEC_CACHE_SLOTS];
	u64 clock;
};

void kexec_cache_init(struct kexec_cache *cache);
void kexec_cache_release(struct kexec_cache *cache);
struct kexec_tfm *kexec_tfm_get(struct kexec_cache *cache, u32 kind, const char *driver, u16 socket);
void kexec_tfm_put(struct kexec_cache *cache, struct kexec_tfm *t);
void kexec_tfm_free(struct kexec_tfm *t);
bool kexec_tfm_has_key(const struct kexec_tfm *t, const u8 *key, u32 key_len);
void kexec_tfm_note_key(struct kexec_tfm *t, const u8 *key, u32 key_len, int err);

/* Run a parsed frame with the file's transforms; out has room for data_len + KEXEC_MAX_AUTHSIZE bytes. */
int kexec_run(struct kexec_cache *cache, const struct kexec_frame *f, u8 *out, u32 *out_len, u32 *step);
int kexec_ops_init(void);
void kexec_ops_exit(void);

#endif
