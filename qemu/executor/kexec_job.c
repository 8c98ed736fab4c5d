// SPDX-License-Identifier: GPL-2.0
/*
 * afalg-harness in-kernel executor: one request's memory (struct kexec_job) and its bounded waits —
 * the completion callback every request is submitted with, the wait that gives up at the frame's
 * timeout (leaving the job, its transform and this module to the driver's late completion), and
 * the freeing, in process context, of what the last reference leaves.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <crypto/skcipher.h>
#include <crypto/aead.h>
#include <crypto/hash.h>
#include "kexec_job.h"

static struct workqueue_struct *kexec_wq;

/* The requests go before the transform they were made for. */
void kexec_job_free_requests(struct kexec_job *job)
{
	skcipher_request_free(job->skcipher_req);
	aead_request_free(job->aead_req);
	if (job->ahash_req)
		ahash_request_free(job->ahash_req);
	job->skcipher_req = NULL;
	job->aead_req = NULL;
	job->ahash_req = NULL;
}

static void kexec_job_free(struct kref *ref);

static void kexec_job_destroy(struct kexec_job *job)
{
	struct kexec_job *owner = job->owner;

	kexec_job_free_requests(job);
	kexec_tfm_free(job->tfm);
	kfree(job->src_buf);
	kfree(job->dst_buf);
	kfree(job);
	if (owner)
		kref_put(&owner->ref, kexec_job_free);
}

static void kexec_job_free(struct kref *ref)
{
	kexec_job_destroy(container_of(ref, struct kexec_job, ref));
}

struct kexec_job *kexec_job_new(void)
{
	struct kexec_job *job = kzalloc(sizeof(*job), GFP_KERNEL);

	if (job) {
		kref_init(&job->ref);
		init_completion(&job->done);
	}
	return job;
}

/* Drop a reference in process context. */
void kexec_job_put(struct kexec_job *job)
{
	kref_put(&job->ref, kexec_job_free);
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

crypto_completion_t kexec_callback(void)
{
	return kexec_done;
}

/* Before submitting an operation: the completion callback holds a reference until it runs. */
void kexec_arm(struct kexec_job *job)
{
	reinit_completion(&job->done);
	kref_get(&job->ref);
}

/*
 * The result of an operation that `err` says was submitted: an async one is waited for at most
 * the frame's timeout. On a timeout the driver still owns the request: the job (and its
 * transform) stays allocated until its completion, and this module (the completion's code)
 * stays loaded for good.
 */
int kexec_wait(struct kexec_job *job, int err, const struct kexec_frame *f, u32 *step)
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

int kexec_job_tfm(struct kexec_job *job, struct kexec_cache *cache, const struct kexec_frame *f, u32 kind)
{
	struct kexec_tfm *t = kexec_tfm_get(cache, kind, f->driver, f->socket);

	if (IS_ERR(t))
		return PTR_ERR(t);
	job->tfm = t;
	return 0;
}
