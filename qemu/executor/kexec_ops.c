// SPDX-License-Identifier: GPL-2.0
/*
 * afalg-harness in-kernel executor: one skcipher or AEAD request through the crypto API (hash and
 * rng: kexec_hash.c), the split strategies as scatterlist shapes (chunks: odd-sized entries,
 * page-cross: an entry crossing a page, in-place: src == dst, zerocopy: an entry per page;
 * skciphers also chained: consecutive requests on one IV buffer; concurrent: kexec_concurrent.c),
 * every async wait bounded by the frame's timeout (kexec_job.c), the transforms taken from and given
 * back to the file's cache (kexec_cache.c).
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <crypto/skcipher.h>
#include <crypto/aead.h>
#include <crypto/hash.h>
#include "kexec_job.h"

/* Set the frame's key unless the transform holds it already (as AF_ALG sets a socket's key only when it changes). */
#define KEXEC_SETKEY(t, f, setkey_fn, tfm)							\
	({											\
		int __err = 0;									\
		if (!kexec_tfm_has_key(t, (f)->key, (f)->key_len)) {				\
			__err = setkey_fn(tfm, (f)->key, (f)->key_len);				\
			kexec_tfm_note_key(t, (f)->key, (f)->key_len, __err);			\
		}										\
		__err;										\
	})

/* Odd entry sizes for the chunks shape: 1, 3, 7, 13, 31, 61, 127, then the rest in one entry. */
const unsigned int kexec_chunk_sizes[7] = { 1, 3, 7, 13, 31, 61, 127 };

/*
 * Describe len bytes at buf as a scatterlist of the given shape (chunks: the odd sizes above;
 * zerocopy: an entry per page the data touches, 63 at most, then the rest); returns the entry count.
 */
static int kexec_fill_sg(struct scatterlist *sg, u8 *buf, unsigned int len, u32 shape)
{
	unsigned int at = 0, n = 0, most;

	if ((shape != KEXEC_CHUNKS && shape != KEXEC_ZEROCOPY) || len == 0) {
		sg_init_one(sg, buf, len);
		return 1;
	}
	sg_init_table(sg, KEXEC_MAX_SG);
	most = shape == KEXEC_CHUNKS ? ARRAY_SIZE(kexec_chunk_sizes) : KEXEC_MAX_SG - 1;
	while (at < len && n < most) {
		unsigned int size = shape == KEXEC_CHUNKS ? kexec_chunk_sizes[n] : PAGE_SIZE - offset_in_page(buf + at);

		size = min(size, len - at);
		sg_set_buf(&sg[n++], buf + at, size);
		at += size;
	}
	if (at < len)
		sg_set_buf(&sg[n++], buf + at, len - at);
	sg_mark_end(&sg[n - 1]);
	return n;
}

/*
 * Data buffer of the shape (kmalloc memory: physically contiguous, so an entry may cross pages):
 * page-cross places the data so that it straddles a page boundary, starting half its length (at
 * most half a page) before the end of the buffer's first page.
 */
u8 *kexec_data_buffer(unsigned int len, u32 shape, u8 **base)
{
	if (shape == KEXEC_PAGE_CROSS) {
		unsigned int before = min_t(unsigned int, len / 2, PAGE_SIZE / 2);

		*base = kmalloc(ALIGN(len, PAGE_SIZE) + 2 * PAGE_SIZE, GFP_KERNEL);
		return *base ? PTR_ALIGN(*base, PAGE_SIZE) + PAGE_SIZE - before : NULL;
	}
	*base = kmalloc(max(len, 1u), GFP_KERNEL);
	return *base;
}

/*
 * Source and destination of in_len and out_len bytes, the source holding assoc then data: one
 * buffer of the larger length for in-place (src == dst), else two. Returns dst, or NULL.
 */
static u8 *kexec_buffers(struct kexec_job *job, const struct kexec_frame *f, unsigned int in_len, unsigned int out_len)
{
	bool inplace = f->shape == KEXEC_INPLACE;
	u8 *src = kexec_data_buffer(inplace ? max(in_len, out_len) : in_len, f->shape, &job->src_buf);
	u8 *dst = inplace ? src : kexec_data_buffer(out_len, f->shape, &job->dst_buf);

	if (!src || !dst)
		return NULL;
	memcpy(src, f->assoc, f->assoc_len);
	memcpy(src + f->assoc_len, f->data, f->data_len);
	kexec_fill_sg(job->src, src, inplace ? max(in_len, out_len) : in_len, f->shape);
	if (!inplace)
		kexec_fill_sg(job->dst, dst, out_len, f->shape);
	return dst;
}

static struct scatterlist *kexec_dst_sg(struct kexec_job *job, const struct kexec_frame *f)
{
	return f->shape == KEXEC_INPLACE ? job->src : job->dst;
}

static int kexec_skcipher_run(struct kexec_job *job, const struct kexec_frame *f, u32 *step)
{
	int err;

	kexec_arm(job);
	err = f->op == KEXEC_SKCIPHER_ENCRYPT ? crypto_skcipher_encrypt(job->skcipher_req) : crypto_skcipher_decrypt(job->skcipher_req);
	return kexec_wait(job, err, f, step);
}

/*
 * The chained shape (chainedPieces in harness/protocol/constants.ts): one block, half the whole
 * blocks left (at least one), then the rest, each its own request on the same IV buffer, which the
 * driver must leave holding the IV that continues the message; under two blocks, one request.
 */
static int kexec_skcipher_chained(struct kexec_job *job, const struct kexec_frame *f, u8 *dst, u32 *step)
{
	unsigned int blocks = f->iv_len ? f->data_len / f->iv_len : 0, pieces[3], n = 1, at = 0, i;
	int err = 0;

	pieces[0] = f->data_len;
	if (blocks >= 2) {
		pieces[0] = f->iv_len;
		pieces[1] = max(1u, (blocks - 1) / 2) * f->iv_len;
		pieces[2] = f->data_len - pieces[0] - pieces[1];
		n = pieces[2] ? 3 : 2;
	}
	for (i = 0; i < n && !err; at += pieces[i++]) {
		sg_init_one(job->src, job->src_buf + at, pieces[i]);
		sg_init_one(job->dst, dst + at, pieces[i]);
		skcipher_request_set_crypt(job->skcipher_req, job->src, job->dst, pieces[i], job->iv);
		err = kexec_skcipher_run(job, f, step);
	}
	return err;
}

static int kexec_skcipher(struct kexec_job *job, struct kexec_cache *cache, const struct kexec_frame *f, u8 *out, u32 *out_len, u32 *step)
{
	struct crypto_skcipher *tfm;
	u8 *dst;
	int err;

	*step = KEXEC_STEP_ALLOC;
	err = kexec_job_tfm(job, cache, f, KEXEC_KIND_SKCIPHER);
	if (err)
		return err;
	tfm = job->tfm->skcipher;
	if (f->iv_len != crypto_skcipher_ivsize(tfm))
		return -EINVAL;
	*step = KEXEC_STEP_SETKEY;
	err = KEXEC_SETKEY(job->tfm, f, crypto_skcipher_setkey, tfm);
	if (err)
		return err;
	*step = KEXEC_STEP_REQUEST;
	job->skcipher_req = skcipher_request_alloc(tfm, GFP_KERNEL);
	dst = job->skcipher_req ? kexec_buffers(job, f, f->data_len, f->data_len) : NULL;
	if (!dst)
		return -ENOMEM;
	memcpy(job->iv, f->iv, f->iv_len);
	skcipher_request_set_callback(job->skcipher_req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP, kexec_callback(), job);
	skcipher_request_set_crypt(job->skcipher_req, job->src, kexec_dst_sg(job, f), f->data_len, job->iv);
	*step = KEXEC_STEP_CRYPT;
	if (f->shape == KEXEC_CHAINED)
		err = kexec_skcipher_chained(job, f, dst, step);
	else if (f->shape == KEXEC_CONCURRENT)
		err = kexec_concurrent(job, f, step);
	else
		err = kexec_skcipher_run(job, f, step);
	if (!err) {
		memcpy(out, dst, f->data_len);
		*out_len = f->data_len;
	}
	return err;
}

/*
 * AEAD as algif_aead runs it: the source holds the associated data then the text, the output
 * repeats the associated data's room first; a decryption whose tag does not verify is -EBADMSG.
 */
/* Set the frame's tag size unless it is 0 (keep the one set) or set already, as AF_ALG does. */
static int kexec_aead_authsize(struct kexec_tfm *t, const struct kexec_frame *f)
{
	int err;

	if (!f->authsize || t->authsize == f->authsize)
		return 0;
	t->authsize = 0;
	err = crypto_aead_setauthsize(t->aead, f->authsize);
	if (!err)
		t->authsize = f->authsize;
	return err;
}

static int kexec_aead(struct kexec_job *job, struct kexec_cache *cache, const struct kexec_frame *f, u8 *out, u32 *out_len, u32 *step)
{
	bool encrypt = f->op == KEXEC_AEAD_ENCRYPT;
	unsigned int authsize, text_out;
	struct crypto_aead *tfm;
	u8 *dst;
	int err;

	*step = KEXEC_STEP_ALLOC;
	err = kexec_job_tfm(job, cache, f, KEXEC_KIND_AEAD);
	if (err)
		return err;
	tfm = job->tfm->aead;
	if (f->iv_len != crypto_aead_ivsize(tfm))
		return -EINVAL;
	*step = KEXEC_STEP_SETKEY;
	err = KEXEC_SETKEY(job->tfm, f, crypto_aead_setkey, tfm);
	if (err)
		return err;
	*step = KEXEC_STEP_AUTHSIZE;
	err = kexec_aead_authsize(job->tfm, f);
	if (err)
		return err;
	authsize = crypto_aead_authsize(tfm);
	*step = KEXEC_STEP_REQUEST;
	if (!encrypt && f->data_len < authsize)
		return -EINVAL;
	text_out = encrypt ? f->data_len + authsize : f->data_len - authsize;
	job->aead_req = aead_request_alloc(tfm, GFP_KERNEL);
	dst = job->aead_req ? kexec_buffers(job, f, f->assoc_len + f->data_len, f->assoc_len + text_out) : NULL;
	if (!dst)
		return -ENOMEM;
	memcpy(job->iv, f->iv, f->iv_len);
	aead_request_set_callback(job->aead_req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP, kexec_callback(), job);
	aead_request_set_ad(job->aead_req, f->assoc_len);
	aead_request_set_crypt(job->aead_req, job->src, kexec_dst_sg(job, f), f->data_len, job->iv);
	*step = KEXEC_STEP_CRYPT;
	if (f->shape == KEXEC_CONCURRENT) {
		err = kexec_concurrent(job, f, step);
	} else {
		kexec_arm(job);
		err = encrypt ? crypto_aead_encrypt(job->aead_req) : crypto_aead_decrypt(job->aead_req);
		err = kexec_wait(job, err, f, step);
	}
	if (!err) {
		memcpy(out, dst + f->assoc_len, text_out);
		*out_len = text_out;
	}
	return err;
}

/*
 * Run a parsed frame with the file's transforms; out has room for data_len + KEXEC_MAX_AUTHSIZE
 * bytes. A transform whose request completed goes back to the cache, its requests freed first.
 */
int kexec_run(struct kexec_cache *cache, const struct kexec_frame *f, u8 *out, u32 *out_len, u32 *step)
{
	struct kexec_job *job = kexec_job_new();
	int err;

	*step = KEXEC_STEP_ALLOC;
	if (!job)
		return -ENOMEM;
	if (kexec_is_aead(f->op))
		err = kexec_aead(job, cache, f, out, out_len, step);
	else if (kexec_is_hash(f->op))
		err = kexec_hash(job, cache, f, out, out_len, step);
	else if (kexec_is_rng(f->op))
		err = kexec_rng(job, cache, f, out, out_len, step);
	else
		err = kexec_skcipher(job, cache, f, out, out_len, step);
	if (!err)
		*step = job->decoy_differs ? KEXEC_STEP_DECOY : KEXEC_STEP_NONE;
	if (*step != KEXEC_STEP_TIMEOUT && job->tfm) {
		kexec_job_free_requests(job);
		kexec_tfm_put(cache, job->tfm);
		job->tfm = NULL;
	}
	kexec_job_put(job);
	return err;
}
