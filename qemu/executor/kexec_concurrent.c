// SPDX-License-Identifier: GPL-2.0
/*
 * afalg-harness in-kernel executor: the concurrent shape (concurrentDecoy in
 * harness/protocol/constants.ts). A decoy request on the case's transform — the case's IV with
 * byte 1 (byte 0 of a one-byte IV) inverted, the first KEXEC_DECOY_MAX bytes of its text XORed
 * with 0xa5 (an AEAD decryption's text without its tag), the first KEXEC_DECOY_MAX bytes of its
 * associated data; a skcipher decoy goes the case's way, an AEAD decoy encrypts — runs alone first
 * (its reference answer), then is submitted right after the case's request, so that an
 * asynchronous driver has both in flight together. The case's answer goes back as usual; the
 * job's decoy_differs says the decoy's answer in flight was not its answer alone. A decoy the
 * driver refuses alone leaves the case to run alone.
 */
#include <linux/slab.h>
#include <crypto/skcipher.h>
#include <crypto/aead.h>
#include "kexec_job.h"

#define KEXEC_DECOY_MAX 1024

/* The decoy's lengths: input (associated data then text), text, associated data and answer. */
struct kexec_decoy_lengths {
	unsigned int in, text, assoc, out;
};

/* The decoy's IV, derived again before each of its requests (the driver writes its output IV there). */
static void kexec_decoy_iv(struct kexec_job *decoy, const struct kexec_frame *f)
{
	memcpy(decoy->iv, f->iv, f->iv_len);
	if (f->iv_len)
		decoy->iv[f->iv_len >= 2 ? 1 : 0] ^= 0xff;
}

/*
 * A job for the decoy: its own request on the case's transform and its own buffers (input; answer
 * alone, then answer in flight with the case, in dst_buf), holding the case's job until it is freed.
 */
static struct kexec_job *kexec_decoy_job(struct kexec_job *owner, const struct kexec_frame *f, struct kexec_decoy_lengths *len)
{
	bool aead = kexec_is_aead(f->op);
	unsigned int authsize = aead ? crypto_aead_authsize(owner->tfm->aead) : 0, text = f->data_len, i;
	struct kexec_job *decoy = kexec_job_new();

	if (!decoy)
		return NULL;
	decoy->owner = owner;
	kref_get(&owner->ref);
	if (f->op == KEXEC_AEAD_DECRYPT)
		text = text > authsize ? text - authsize : 0;
	len->text = min_t(unsigned int, text, KEXEC_DECOY_MAX);
	len->assoc = aead ? min_t(unsigned int, f->assoc_len, KEXEC_DECOY_MAX) : 0;
	len->in = len->assoc + len->text;
	len->out = len->in + authsize;
	decoy->src_buf = kmalloc(max(len->in, 1u), GFP_KERNEL);
	decoy->dst_buf = kzalloc(2 * max(len->out, 1u), GFP_KERNEL); /* zeroed: a driver may leave the associated data's room of dst untouched */
	if (aead)
		decoy->aead_req = aead_request_alloc(owner->tfm->aead, GFP_KERNEL);
	else
		decoy->skcipher_req = skcipher_request_alloc(owner->tfm->skcipher, GFP_KERNEL);
	if (!decoy->src_buf || !decoy->dst_buf || (aead ? !decoy->aead_req : !decoy->skcipher_req)) {
		kexec_job_put(decoy);
		return NULL;
	}
	memcpy(decoy->src_buf, f->assoc, len->assoc);
	for (i = 0; i < len->text; i++)
		decoy->src_buf[len->assoc + i] = f->data[i] ^ 0xa5;
	return decoy;
}

/* Submit the decoy's request, its answer into dst; the submission's result, for kexec_wait. */
static int kexec_decoy_submit(struct kexec_job *decoy, const struct kexec_frame *f, const struct kexec_decoy_lengths *len, u8 *dst)
{
	kexec_decoy_iv(decoy, f);
	sg_init_one(decoy->src, decoy->src_buf, len->in);
	sg_init_one(decoy->dst, dst, len->out);
	kexec_arm(decoy);
	if (decoy->aead_req) {
		aead_request_set_callback(decoy->aead_req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP, kexec_callback(), decoy);
		aead_request_set_ad(decoy->aead_req, len->assoc);
		aead_request_set_crypt(decoy->aead_req, decoy->src, decoy->dst, len->text, decoy->iv);
		return crypto_aead_encrypt(decoy->aead_req);
	}
	skcipher_request_set_callback(decoy->skcipher_req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP, kexec_callback(), decoy);
	skcipher_request_set_crypt(decoy->skcipher_req, decoy->src, decoy->dst, len->text, decoy->iv);
	return f->op == KEXEC_SKCIPHER_ENCRYPT ? crypto_skcipher_encrypt(decoy->skcipher_req) : crypto_skcipher_decrypt(decoy->skcipher_req);
}

/* Submit the case's request (set up by the caller). */
static int kexec_case_submit(struct kexec_job *job, const struct kexec_frame *f)
{
	kexec_arm(job);
	switch (f->op) {
	case KEXEC_AEAD_ENCRYPT:
		return crypto_aead_encrypt(job->aead_req);
	case KEXEC_AEAD_DECRYPT:
		return crypto_aead_decrypt(job->aead_req);
	case KEXEC_SKCIPHER_ENCRYPT:
		return crypto_skcipher_encrypt(job->skcipher_req);
	default:
		return crypto_skcipher_decrypt(job->skcipher_req);
	}
}

int kexec_concurrent(struct kexec_job *job, const struct kexec_frame *f, u32 *step)
{
	struct kexec_decoy_lengths len;
	struct kexec_job *decoy = kexec_decoy_job(job, f, &len);
	u32 decoy_step = KEXEC_STEP_CRYPT;
	int err, decoy_err;

	if (!decoy)
		return -ENOMEM;
	/* alone: the decoy's reference answer (a timeout there is the frame's) */
	decoy_err = kexec_wait(decoy, kexec_decoy_submit(decoy, f, &len, decoy->dst_buf), f, &decoy_step);
	if (decoy_step == KEXEC_STEP_TIMEOUT) {
		kexec_job_put(decoy);
		*step = KEXEC_STEP_TIMEOUT;
		return decoy_err;
	}
	if (decoy_err) {
		kexec_job_put(decoy);
		return kexec_wait(job, kexec_case_submit(job, f), f, step);
	}
	/* together: the case's request, then the decoy's at once, both waited for */
	err = kexec_case_submit(job, f);
	decoy_err = kexec_decoy_submit(decoy, f, &len, decoy->dst_buf + max(len.out, 1u));
	err = kexec_wait(job, err, f, step);
	decoy_err = kexec_wait(decoy, decoy_err, f, &decoy_step);
	if (!err && decoy_step == KEXEC_STEP_TIMEOUT) {
		*step = KEXEC_STEP_TIMEOUT;
		err = decoy_err;
	}
	if (!err)
		job->decoy_differs = decoy_err || memcmp(decoy->dst_buf, decoy->dst_buf + max(len.out, 1u), len.out);
	kexec_job_put(decoy);
	return err;
}
