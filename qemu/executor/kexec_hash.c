// SPDX-License-Identifier: GPL-2.0
/*
 * afalg-harness in-kernel executor: hash and rng requests. A hash runs as algif_hash runs it
 * (digest() one-shot; init, one update per piece, final for the other shapes; setkey for HMAC);
 * an rng as algif_rng does (reset with the seed when one is given, then at most KEXEC_RNG_READ
 * bytes per generate call, as per read()).
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <crypto/hash.h>
#include <crypto/rng.h>
#include "kexec_job.h"

/* One step of a hash (init, update or final), waited for like any operation. */
static int kexec_hash_step(struct kexec_job *job, const struct kexec_frame *f, int (*step_fn)(struct ahash_request *), struct scatterlist *sg, unsigned int len, u32 *step)
{
	ahash_request_set_crypt(job->ahash_req, sg, job->digest, len);
	kexec_arm(job);
	return kexec_wait(job, step_fn(job->ahash_req), f, step);
}

/*
 * The message's updates by shape: one-shot is a single digest(); chunks are init, one update per
 * odd-sized piece (as AF_ALG's sends with MSG_MORE), final; page-cross is init, one update whose
 * entry crosses a page, final; zerocopy is init, one update per page (as AF_ALG's hash gets each
 * spliced page), final.
 */
static int kexec_hash_message(struct kexec_job *job, const struct kexec_frame *f, u8 *msg, u32 *step)
{
	unsigned int at = 0, n = 0;
	int err;

	if (f->shape == KEXEC_ONESHOT) {
		sg_init_one(&job->src[0], msg, f->data_len);
		return kexec_hash_step(job, f, crypto_ahash_digest, &job->src[0], f->data_len, step);
	}
	err = kexec_hash_step(job, f, crypto_ahash_init, NULL, 0, step);
	while (!err && at < f->data_len) {
		unsigned int size = f->data_len - at;

		if (f->shape == KEXEC_CHUNKS && n < ARRAY_SIZE(kexec_chunk_sizes))
			size = min(size, kexec_chunk_sizes[n]);
		else if (f->shape == KEXEC_ZEROCOPY && n < KEXEC_MAX_SG - 1)
			size = min(size, (unsigned int)(PAGE_SIZE - offset_in_page(msg + at)));
		sg_init_one(&job->src[n], msg + at, size);
		err = kexec_hash_step(job, f, crypto_ahash_update, &job->src[n], size, step);
		at += size;
		n++;
	}
	return err ? err : kexec_hash_step(job, f, crypto_ahash_final, NULL, 0, step);
}

int kexec_hash(struct kexec_job *job, struct kexec_cache *cache, const struct kexec_frame *f, u8 *out, u32 *out_len, u32 *step)
{
	struct crypto_ahash *tfm;
	unsigned int digest_size;
	u8 *msg;
	int err;

	*step = KEXEC_STEP_ALLOC;
	err = kexec_job_tfm(job, cache, f, f->op == KEXEC_HASH_KEYED ? KEXEC_KIND_HASH_KEYED : KEXEC_KIND_HASH);
	if (err)
		return err;
	tfm = job->tfm->ahash;
	digest_size = crypto_ahash_digestsize(tfm);
	if (digest_size > KEXEC_MAX_AUTHSIZE)
		return -EMSGSIZE;
	*step = KEXEC_STEP_SETKEY;
	if (f->op == KEXEC_HASH_KEYED && !kexec_tfm_has_key(job->tfm, f->key, f->key_len)) {
		err = crypto_ahash_setkey(tfm, f->key, f->key_len);
		kexec_tfm_note_key(job->tfm, f->key, f->key_len, err);
		if (err)
			return err;
	}
	*step = KEXEC_STEP_REQUEST;
	job->ahash_req = ahash_request_alloc(tfm, GFP_KERNEL);
	msg = job->ahash_req ? kexec_data_buffer(f->data_len, f->shape, &job->src_buf) : NULL;
	if (!msg)
		return -ENOMEM;
	memcpy(msg, f->data, f->data_len);
	ahash_request_set_callback(job->ahash_req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP, kexec_callback(), job);
	*step = KEXEC_STEP_CRYPT;
	err = kexec_hash_message(job, f, msg, step);
	if (!err) {
		memcpy(out, job->digest, digest_size);
		*out_len = digest_size;
	}
	return err;
}

/* data_len random bytes (the rng API is synchronous: nothing to wait for). */
int kexec_rng(struct kexec_job *job, struct kexec_cache *cache, const struct kexec_frame *f, u8 *out, u32 *out_len, u32 *step)
{
	struct crypto_rng *tfm;
	unsigned int at;
	int err;

	*step = KEXEC_STEP_ALLOC;
	err = kexec_job_tfm(job, cache, f, KEXEC_KIND_RNG);
	if (err)
		return err;
	tfm = job->tfm->rng;
	*step = KEXEC_STEP_SETKEY;
	if (f->op == KEXEC_RNG_SEEDED && !kexec_tfm_has_key(job->tfm, f->key, f->key_len)) {
		err = crypto_rng_reset(tfm, f->key, f->key_len);
		kexec_tfm_note_key(job->tfm, f->key, f->key_len, err);
		if (err)
			return err;
	}
	*step = KEXEC_STEP_CRYPT;
	for (at = 0; at < f->data_len; at += KEXEC_RNG_READ) {
		err = crypto_rng_get_bytes(tfm, out + at, min_t(u32, KEXEC_RNG_READ, f->data_len - at));
		if (err)
			return err;
		cond_resched();
	}
	*out_len = f->data_len;
	return 0;
}
