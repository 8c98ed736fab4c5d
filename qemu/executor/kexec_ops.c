// SPDX-License-Identifier: GPL-2.0
/*
 * afalg-harness in-kernel executor: one skcipher, AEAD or hash request through the crypto API, the
 * split strategies as scatterlist shapes (chunks: odd-sized entries, page-cross: an entry crossing
 * a page, in-place: src == dst), every async wait bounded by the frame's timeout.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/scatterlist.h>
#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/version.h>
#include <linux/workqueue.h>
#include <crypto/skcipher.h>
#include <crypto/aead.h>
#include <crypto/hash.h>
#include "kexec.h"

#define KEXEC_MAX_SG 64

/*
 * One operation's memory: freed by whoever drops the last reference, the waiter (directly) or the
 * completion callback (through kexec_wq: the callback may run in softirq context, and freeing a
 * transform can sleep, as virtio-crypto's closing of its session does).
 */
struct kexec_job {
	struct kref ref;
	struct work_struct free_work;
	struct completion done;
	int err;
	struct crypto_skcipher *skcipher;
	struct skcipher_request *skcipher_req;
	struct crypto_aead *aead;
	struct aead_request *aead_req;
	struct crypto_ahash *ahash;
	struct ahash_request *ahash_req;
	u8 *src_buf;
	u8 *dst_buf;
	u8 iv[KEXEC_MAX_IV]; /* the driver writes the output IV here, possibly after a timeout */
	u8 digest[KEXEC_MAX_AUTHSIZE];
	struct scatterlist src[KEXEC_MAX_SG];
	struct scatterlist dst[KEXEC_MAX_SG];
};

static struct workqueue_struct *kexec_wq;

static void kexec_job_destroy(struct kexec_job *job)
{
	skcipher_request_free(job->skcipher_req);
	if (job->skcipher)
		crypto_free_skcipher(job->skcipher);
	aead_request_free(job->aead_req);
	if (job->aead)
		crypto_free_aead(job->aead);
	if (job->ahash_req)
		ahash_request_free(job->ahash_req);
	if (job->ahash)
		crypto_free_ahash(job->ahash);
	kfree(job->src_buf);
	kfree(job->dst_buf);
	kfree(job);
}

static void kexec_job_free(struct kref *ref)
{
	kexec_job_destroy(container_of(ref, struct kexec_job, ref));
}

static void kexec_job_free_work(struct work_struct *work)
{
	kexec_job_destroy(container_of(work, struct kexec_job, free_work));
}

/* The completion callback's release: the freeing happens later, in process context. */
static void kexec_job_free_later(struct kref *ref)
{
	struct kexec_job *job = container_of(ref, struct kexec_job, ref);

	INIT_WORK(&job->free_work, kexec_job_free_work);
	queue_work(kexec_wq, &job->free_work);
}

int kexec_ops_init(void)
{
	/* unbound: 7.x warns when a workqueue says neither WQ_PERCPU nor WQ_UNBOUND (WQ_PERCPU is newer) */
	kexec_wq = alloc_workqueue("afalg_kexec", WQ_UNBOUND, 0);
	return kexec_wq ? 0 : -ENOMEM;
}

/* Waits for the frees still queued. */
void kexec_ops_exit(void)
{
	destroy_workqueue(kexec_wq);
}

static void kexec_complete(struct kexec_job *job, int err)
{
	if (err == -EINPROGRESS)
		return; /* backlogged request now in progress: the real completion follows */
	job->err = err;
	complete(&job->done);
	kref_put(&job->ref, kexec_job_free_later);
}

/* The completion callback takes the request before 6.3, its data since. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
static void kexec_done(struct crypto_async_request *areq, int err)
{
	kexec_complete(areq->data, err);
}
#else
static void kexec_done(void *data, int err)
{
	kexec_complete(data, err);
}
#endif

/* Before submitting an operation: the completion callback holds a reference until it runs. */
static void kexec_arm(struct kexec_job *job)
{
	reinit_completion(&job->done);
	kref_get(&job->ref);
}

/*
 * The result of an operation that `err` says was submitted: an async one is waited for at most
 * the frame's timeout. On a timeout the driver still owns the request: the job stays allocated
 * until its completion, and this module (the completion's code) stays loaded for good.
 */
static int kexec_wait(struct kexec_job *job, int err, const struct kexec_frame *f, u32 *step)
{
	if (err != -EINPROGRESS && err != -EBUSY) {
		kref_put(&job->ref, kexec_job_free); /* completed synchronously: no callback */
		return err;
	}
	if (!wait_for_completion_timeout(&job->done, f->timeout)) {
		__module_get(THIS_MODULE);
		*step = KEXEC_STEP_TIMEOUT;
		return -ETIMEDOUT;
	}
	return job->err;
}

/* Odd entry sizes for the chunks shape: 1, 3, 7, 13, 31, 61, 127, then the rest in one entry. */
static const unsigned int kexec_chunk_sizes[] = { 1, 3, 7, 13, 31, 61, 127 };

/* Describe len bytes at buf as a scatterlist of the given shape; returns the entry count. */
static int kexec_fill_sg(struct scatterlist *sg, u8 *buf, unsigned int len, u32 shape)
{
	unsigned int at = 0, n = 0;

	if (shape != KEXEC_CHUNKS || len == 0) {
		sg_init_one(sg, buf, len);
		return 1;
	}
	sg_init_table(sg, KEXEC_MAX_SG);
	while (at < len && n < ARRAY_SIZE(kexec_chunk_sizes)) {
		unsigned int size = min(kexec_chunk_sizes[n], len - at);

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
static u8 *kexec_data_buffer(unsigned int len, u32 shape, u8 **base)
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

static int kexec_skcipher(struct kexec_job *job, const struct kexec_frame *f, u8 *out, u32 *out_len, u32 *step)
{
	u8 *dst;
	int err;

	*step = KEXEC_STEP_ALLOC;
	job->skcipher = crypto_alloc_skcipher(f->driver, 0, 0);
	if (IS_ERR(job->skcipher)) {
		err = PTR_ERR(job->skcipher);
		job->skcipher = NULL;
		return err;
	}
	if (f->iv_len != crypto_skcipher_ivsize(job->skcipher))
		return -EINVAL;
	*step = KEXEC_STEP_SETKEY;
	err = crypto_skcipher_setkey(job->skcipher, f->key, f->key_len);
	if (err)
		return err;
	*step = KEXEC_STEP_REQUEST;
	job->skcipher_req = skcipher_request_alloc(job->skcipher, GFP_KERNEL);
	dst = job->skcipher_req ? kexec_buffers(job, f, f->data_len, f->data_len) : NULL;
	if (!dst)
		return -ENOMEM;
	memcpy(job->iv, f->iv, f->iv_len);
	skcipher_request_set_callback(job->skcipher_req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP, kexec_done, job);
	skcipher_request_set_crypt(job->skcipher_req, job->src, kexec_dst_sg(job, f), f->data_len, job->iv);
	*step = KEXEC_STEP_CRYPT;
	kexec_arm(job);
	err = f->op == KEXEC_SKCIPHER_ENCRYPT ? crypto_skcipher_encrypt(job->skcipher_req) : crypto_skcipher_decrypt(job->skcipher_req);
	err = kexec_wait(job, err, f, step);
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
static int kexec_aead(struct kexec_job *job, const struct kexec_frame *f, u8 *out, u32 *out_len, u32 *step)
{
	bool encrypt = f->op == KEXEC_AEAD_ENCRYPT;
	unsigned int authsize, text_out;
	u8 *dst;
	int err;

	*step = KEXEC_STEP_ALLOC;
	job->aead = crypto_alloc_aead(f->driver, 0, 0);
	if (IS_ERR(job->aead)) {
		err = PTR_ERR(job->aead);
		job->aead = NULL;
		return err;
	}
	if (f->iv_len != crypto_aead_ivsize(job->aead))
		return -EINVAL;
	*step = KEXEC_STEP_SETKEY;
	err = crypto_aead_setkey(job->aead, f->key, f->key_len);
	if (err)
		return err;
	*step = KEXEC_STEP_AUTHSIZE;
	err = f->authsize ? crypto_aead_setauthsize(job->aead, f->authsize) : 0;
	if (err)
		return err;
	authsize = crypto_aead_authsize(job->aead);
	*step = KEXEC_STEP_REQUEST;
	if (!encrypt && f->data_len < authsize)
		return -EINVAL;
	text_out = encrypt ? f->data_len + authsize : f->data_len - authsize;
	job->aead_req = aead_request_alloc(job->aead, GFP_KERNEL);
	dst = job->aead_req ? kexec_buffers(job, f, f->assoc_len + f->data_len, f->assoc_len + text_out) : NULL;
	if (!dst)
		return -ENOMEM;
	memcpy(job->iv, f->iv, f->iv_len);
	aead_request_set_callback(job->aead_req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP, kexec_done, job);
	aead_request_set_ad(job->aead_req, f->assoc_len);
	aead_request_set_crypt(job->aead_req, job->src, kexec_dst_sg(job, f), f->data_len, job->iv);
	*step = KEXEC_STEP_CRYPT;
	kexec_arm(job);
	err = encrypt ? crypto_aead_encrypt(job->aead_req) : crypto_aead_decrypt(job->aead_req);
	err = kexec_wait(job, err, f, step);
	if (!err) {
		memcpy(out, dst + f->assoc_len, text_out);
		*out_len = text_out;
	}
	return err;
}

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
 * entry crosses a page, final.
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
		sg_init_one(&job->src[n], msg + at, size);
		err = kexec_hash_step(job, f, crypto_ahash_update, &job->src[n], size, step);
		at += size;
		n++;
	}
	return err ? err : kexec_hash_step(job, f, crypto_ahash_final, NULL, 0, step);
}

static int kexec_hash(struct kexec_job *job, const struct kexec_frame *f, u8 *out, u32 *out_len, u32 *step)
{
	unsigned int digest_size;
	u8 *msg;
	int err;

	*step = KEXEC_STEP_ALLOC;
	job->ahash = crypto_alloc_ahash(f->driver, 0, 0);
	if (IS_ERR(job->ahash)) {
		err = PTR_ERR(job->ahash);
		job->ahash = NULL;
		return err;
	}
	digest_size = crypto_ahash_digestsize(job->ahash);
	if (digest_size > KEXEC_MAX_AUTHSIZE)
		return -EMSGSIZE;
	*step = KEXEC_STEP_SETKEY;
	err = f->op == KEXEC_HASH_KEYED ? crypto_ahash_setkey(job->ahash, f->key, f->key_len) : 0;
	if (err)
		return err;
	*step = KEXEC_STEP_REQUEST;
	job->ahash_req = ahash_request_alloc(job->ahash, GFP_KERNEL);
	msg = job->ahash_req ? kexec_data_buffer(f->data_len, f->shape, &job->src_buf) : NULL;
	if (!msg)
		return -ENOMEM;
	memcpy(msg, f->data, f->data_len);
	ahash_request_set_callback(job->ahash_req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP, kexec_done, job);
	*step = KEXEC_STEP_CRYPT;
	err = kexec_hash_message(job, f, msg, step);
	if (!err) {
		memcpy(out, job->digest, digest_size);
		*out_len = digest_size;
	}
	return err;
}

/* Run a parsed frame; out has room for data_len + KEXEC_MAX_AUTHSIZE bytes. */
int kexec_run(const struct kexec_frame *f, u8 *out, u32 *out_len, u32 *step)
{
	struct kexec_job *job = kzalloc(sizeof(*job), GFP_KERNEL);
	int err;

	*step = KEXEC_STEP_ALLOC;
	if (!job)
		return -ENOMEM;
	kref_init(&job->ref);
	init_completion(&job->done);
	if (kexec_is_aead(f->op))
		err = kexec_aead(job, f, out, out_len, step);
	else if (f->op == KEXEC_HASH || f->op == KEXEC_HASH_KEYED)
		err = kexec_hash(job, f, out, out_len, step);
	else
		err = kexec_skcipher(job, f, out, out_len, step);
	if (!err)
		*step = KEXEC_STEP_NONE;
	kref_put(&job->ref, kexec_job_free);
	return err;
}

