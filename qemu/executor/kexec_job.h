/* SPDX-License-Identifier: GPL-2.0 */
/*
 * afalg-harness in-kernel executor: one request's memory and its bounded waits (kexec_job.c),
 * shared by the operations of kexec_ops.c (skcipher, AEAD) and kexec_hash.c (hash, rng).
 */
#ifndef AFALG_KEXEC_JOB_H
#define AFALG_KEXEC_JOB_H

#include <linux/kref.h>
#include <linux/completion.h>
#include <linux/workqueue.h>
#include <linux/scatterlist.h>
#include "kexec.h"

#define KEXEC_MAX_SG 64

/*
 * One operation's memory: freed by whoever drops the last reference, the waiter (directly) or the
 * completion callback (through a workqueue: the callback may run in softirq context, and freeing a
 * transform can sleep, as virtio-crypto's closing of its session does). The transform goes back to
 * the file's cache when the operation completed in time; a timed-out one keeps it until then.
 */
struct kexec_job {
	struct kref ref;
	/* a concurrent shape's decoy: the case's job, held (with its transform) until the decoy is freed */
	struct kexec_job *owner;
	/* the concurrent shape: the decoy's answer in flight with the case was not its answer alone */
	bool decoy_differs;
	struct work_struct free_work;
	struct completion done;
	int err;
	struct kexec_tfm *tfm;
	struct skcipher_request *skcipher_req;
	struct aead_request *aead_req;
	struct ahash_request *ahash_req;
	u8 *src_buf;
	u8 *dst_buf;
	u8 iv[KEXEC_MAX_IV]; /* the driver writes the output IV here, possibly after a timeout */
	u8 digest[KEXEC_MAX_AUTHSIZE];
	struct scatterlist src[KEXEC_MAX_SG];
	struct scatterlist dst[KEXEC_MAX_SG];
};

/* Odd entry sizes for the chunks shape: 1, 3, 7, 13, 31, 61, 127, then the rest in one entry. */
extern const unsigned int kexec_chunk_sizes[7];

/* A job with one reference (the caller's), or NULL. */
struct kexec_job *kexec_job_new(void);
/* Free the job's requests (before its transform goes back to the cache). */
void kexec_job_free_requests(struct kexec_job *job);
/* The job's transform of this kind for the frame's driver and socket; 0 or an error. */
int kexec_job_tfm(struct kexec_job *job, struct kexec_cache *cache, const struct kexec_frame *f, u32 kind);
/* The completion callback of every request (its signature depends on the kernel version). */
crypto_completion_t kexec_callback(void);
void kexec_arm(struct kexec_job *job);
int kexec_wait(struct kexec_job *job, int err, const struct kexec_frame *f, u32 *step);
u8 *kexec_data_buffer(unsigned int len, u32 shape, u8 **base);

/* The job's request (set up) run the concurrent way: kexec_concurrent.c. */
int kexec_concurrent(struct kexec_job *job, const struct kexec_frame *f, u32 *step);
void kexec_job_put(struct kexec_job *job);

int kexec_hash(struct kexec_job *job, struct kexec_cache *cache, const struct kexec_frame *f, u8 *out, u32 *out_len, u32 *step);
int kexec_rng(struct kexec_job *job, struct kexec_cache *cache, const struct kexec_frame *f, u8 *out, u32 *out_len, u32 *step);

#endif
