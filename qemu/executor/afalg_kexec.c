// SPDX-License-Identifier: GPL-2.0
/*
 * afalg-harness in-kernel executor: runs one crypto request through the kernel's crypto API against
 * a driver named by its unique name (async ones included), for kernels whose AF_ALG cannot reach it
 * (Linux >= 7.2 binds only synchronous CPU implementations). A test tool, loaded for a run and
 * unloaded after it: never ship it in a production image.
 *
 * /dev/afalg_kexec (root only): write() one request frame, read() its answer. Frames are defined in
 * harness/protocol/kernel-executor.ts; every length is bounded before anything is allocated.
 * An operation that does not complete within the frame's timeout answers -ETIMEDOUT; its buffers
 * then stay owned by the request until the driver completes it (or forever, if it never does), and
 * the module can no longer be unloaded (its completion callback must outlive the request).
 */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/scatterlist.h>
#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/capability.h>
#include <linux/mutex.h>
#include <linux/version.h>
#include <crypto/skcipher.h>

#define KEXEC_MAGIC 0x31584b41u /* "AKX1" little endian */
#define KEXEC_REPLY_MAGIC 0x52584b41u /* "AKXR" */
#define KEXEC_MAX_DRIVER 128
#define KEXEC_MAX_KEY 512
#define KEXEC_MAX_IV 64
#define KEXEC_MAX_DATA (1u << 20)
#define KEXEC_MAX_TIMEOUT_MS 600000u
#define KEXEC_MAX_SG 64

enum kexec_op { KEXEC_SKCIPHER_ENCRYPT = 1, KEXEC_SKCIPHER_DECRYPT = 2 };
enum kexec_shape { KEXEC_ONESHOT = 0, KEXEC_CHUNKS = 1, KEXEC_PAGE_CROSS = 2, KEXEC_INPLACE = 3 };

struct kexec_request_header {
	__le32 magic;
	__le32 op;
	__le32 shape;
	__le32 timeout_ms;
	__le16 driver_len;
	__le16 key_len;
	__le16 iv_len;
	__le16 reserved;
	__le32 data_len;
	/* then driver, key, iv, data */
} __packed;

struct kexec_reply_header {
	__le32 magic;
	__le32 status; /* 0, or a negative errno */
	__le32 data_len;
	__le32 step; /* where it failed: enum kexec_step */
} __packed;

/* The step an error comes from, as the harness reports a failed AF_ALG request's step. */
enum kexec_step { KEXEC_STEP_NONE = 0, KEXEC_STEP_FRAME, KEXEC_STEP_ALLOC, KEXEC_STEP_SETKEY, KEXEC_STEP_REQUEST, KEXEC_STEP_CRYPT, KEXEC_STEP_TIMEOUT };

/* One operation's memory: freed by whoever drops the last reference (waiter or late completion). */
struct kexec_job {
	struct kref ref;
	struct completion done;
	int err;
	struct crypto_skcipher *tfm;
	struct skcipher_request *req;
	u8 *src_buf;
	u8 *dst_buf;
	u8 iv[KEXEC_MAX_IV]; /* the driver writes the output IV here, possibly after a timeout */
	struct scatterlist src[KEXEC_MAX_SG];
	struct scatterlist dst[KEXEC_MAX_SG];
};

struct kexec_file {
	struct mutex lock;
	u8 *reply;
	size_t reply_len;
};

static void kexec_job_free(struct kref *ref)
{
	struct kexec_job *job = container_of(ref, struct kexec_job, ref);

	skcipher_request_free(job->req);
	if (job->tfm)
		crypto_free_skcipher(job->tfm);
	kvfree(job->src_buf);
	kvfree(job->dst_buf);
	kfree(job);
}

static void kexec_complete(struct kexec_job *job, int err)
{
	if (err == -EINPROGRESS)
		return; /* backlogged request now in progress: the real completion follows */
	job->err = err;
	complete(&job->done);
	kref_put(&job->ref, kexec_job_free);
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
	while (at < len && n < KEXEC_MAX_SG - 1 && n < ARRAY_SIZE(kexec_chunk_sizes)) {
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

static int kexec_skcipher(const struct kexec_request_header *h, const char *driver, const u8 *key, const u8 *iv,
			  const u8 *data, u8 *out, u32 *step)
{
	u32 op = le32_to_cpu(h->op), shape = le32_to_cpu(h->shape), len = le32_to_cpu(h->data_len);
	unsigned long timeout = msecs_to_jiffies(le32_to_cpu(h->timeout_ms));
	struct kexec_job *job;
	u8 *src, *dst;
	int err;

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return -ENOMEM;
	kref_init(&job->ref);
	init_completion(&job->done);
	*step = KEXEC_STEP_ALLOC;
	job->tfm = crypto_alloc_skcipher(driver, 0, 0);
	if (IS_ERR(job->tfm)) {
		err = PTR_ERR(job->tfm);
		job->tfm = NULL;
		goto put;
	}
	err = -EINVAL;
	if (le16_to_cpu(h->iv_len) != crypto_skcipher_ivsize(job->tfm))
		goto put;
	*step = KEXEC_STEP_SETKEY;
	err = crypto_skcipher_setkey(job->tfm, key, le16_to_cpu(h->key_len));
	if (err)
		goto put;
	*step = KEXEC_STEP_REQUEST;
	err = -ENOMEM;
	job->req = skcipher_request_alloc(job->tfm, GFP_KERNEL);
	src = kexec_data_buffer(len, shape, &job->src_buf);
	dst = shape == KEXEC_INPLACE ? src : kexec_data_buffer(len, shape, &job->dst_buf);
	if (!job->req || !src || !dst)
		goto put;
	memcpy(src, data, len);
	memcpy(job->iv, iv, le16_to_cpu(h->iv_len));
	kexec_fill_sg(job->src, src, len, shape);
	if (shape != KEXEC_INPLACE)
		kexec_fill_sg(job->dst, dst, len, shape);
	skcipher_request_set_callback(job->req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP, kexec_done, job);
	skcipher_request_set_crypt(job->req, job->src, shape == KEXEC_INPLACE ? job->src : job->dst, len, job->iv);
	kref_get(&job->ref); /* the completion's */
	*step = KEXEC_STEP_CRYPT;
	err = op == KEXEC_SKCIPHER_ENCRYPT ? crypto_skcipher_encrypt(job->req) : crypto_skcipher_decrypt(job->req);
	if (err == -EINPROGRESS || err == -EBUSY) {
		if (!wait_for_completion_timeout(&job->done, timeout)) {
			/*
			 * The driver still owns the request: the job stays allocated until its completion,
			 * and this module (the completion's code) stays loaded for good.
			 */
			__module_get(THIS_MODULE);
			*step = KEXEC_STEP_TIMEOUT;
			err = -ETIMEDOUT;
			goto put;
		}
		err = job->err;
	} else {
		kref_put(&job->ref, kexec_job_free); /* completed synchronously: no callback */
	}
	if (!err) {
		memcpy(out, dst, len);
		*step = KEXEC_STEP_NONE;
	}
put:
	kref_put(&job->ref, kexec_job_free);
	return err;
}

/* Validate a frame's header against its length; returns the op's error or 0. */
static int kexec_check(const struct kexec_request_header *h, size_t frame_len)
{
	u32 op = le32_to_cpu(h->op), shape = le32_to_cpu(h->shape);
	size_t need = sizeof(*h) + le16_to_cpu(h->driver_len) + le16_to_cpu(h->key_len) + le16_to_cpu(h->iv_len) + le32_to_cpu(h->data_len);

	if (le32_to_cpu(h->magic) != KEXEC_MAGIC)
		return -EPROTO;
	if (op != KEXEC_SKCIPHER_ENCRYPT && op != KEXEC_SKCIPHER_DECRYPT)
		return -EOPNOTSUPP;
	if (shape > KEXEC_INPLACE || le16_to_cpu(h->reserved))
		return -EINVAL;
	if (!h->driver_len || le16_to_cpu(h->driver_len) >= KEXEC_MAX_DRIVER || le16_to_cpu(h->key_len) > KEXEC_MAX_KEY ||
	    le16_to_cpu(h->iv_len) > KEXEC_MAX_IV || le32_to_cpu(h->data_len) > KEXEC_MAX_DATA)
		return -EMSGSIZE;
	if (!h->timeout_ms || le32_to_cpu(h->timeout_ms) > KEXEC_MAX_TIMEOUT_MS)
		return -EINVAL;
	return need == frame_len ? 0 : -EBADMSG;
}

static int kexec_run(const u8 *frame, size_t frame_len, u8 *out, u32 *step)
{
	const struct kexec_request_header *h = (const void *)frame;
	char driver[KEXEC_MAX_DRIVER];
	const u8 *key, *iv, *data;
	size_t driver_len;
	int err = kexec_check(h, frame_len);

	*step = KEXEC_STEP_FRAME;
	if (err)
		return err;
	driver_len = le16_to_cpu(h->driver_len);
	memcpy(driver, frame + sizeof(*h), driver_len);
	driver[driver_len] = '\0';
	if (strlen(driver) != driver_len)
		return -EINVAL;
	key = frame + sizeof(*h) + driver_len;
	iv = key + le16_to_cpu(h->key_len);
	data = iv + le16_to_cpu(h->iv_len);
	return kexec_skcipher(h, driver, key, iv, data, out, step);
}

static ssize_t kexec_write(struct file *file, const char __user *ubuf, size_t len, loff_t *pos)
{
	struct kexec_file *state = file->private_data;
	struct kexec_request_header h;
	struct kexec_reply_header *reply;
	u8 *frame;
	u32 step;
	int err;

	if (len < sizeof(h) || len > sizeof(h) + KEXEC_MAX_DRIVER + KEXEC_MAX_KEY + KEXEC_MAX_IV + KEXEC_MAX_DATA)
		return -EMSGSIZE;
	frame = kvmalloc(len, GFP_KERNEL);
	reply = kvmalloc(sizeof(*reply) + KEXEC_MAX_DATA, GFP_KERNEL);
	if (!frame || !reply) {
		kvfree(frame);
		kvfree(reply);
		return -ENOMEM;
	}
	if (copy_from_user(frame, ubuf, len)) {
		kvfree(frame);
		kvfree(reply);
		return -EFAULT;
	}
	memcpy(&h, frame, sizeof(h));
	err = kexec_run(frame, len, (u8 *)(reply + 1), &step);
	reply->magic = cpu_to_le32(KEXEC_REPLY_MAGIC);
	reply->status = cpu_to_le32((u32)err);
	reply->data_len = cpu_to_le32(err ? 0 : le32_to_cpu(h.data_len));
	reply->step = cpu_to_le32(step);
	kvfree(frame);
	mutex_lock(&state->lock);
	kvfree(state->reply);
	state->reply = (u8 *)reply;
	state->reply_len = sizeof(*reply) + le32_to_cpu(reply->data_len);
	mutex_unlock(&state->lock);
	return len;
}

static ssize_t kexec_read(struct file *file, char __user *ubuf, size_t len, loff_t *pos)
{
	struct kexec_file *state = file->private_data;
	ssize_t ret;

	mutex_lock(&state->lock);
	if (!state->reply) {
		ret = -ENODATA;
	} else if (len < state->reply_len) {
		ret = -EMSGSIZE;
	} else if (copy_to_user(ubuf, state->reply, state->reply_len)) {
		ret = -EFAULT;
	} else {
		ret = state->reply_len;
		kvfree(state->reply);
		state->reply = NULL;
	}
	mutex_unlock(&state->lock);
	return ret;
}

static int kexec_open(struct inode *inode, struct file *file)
{
	struct kexec_file *state;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	state = kzalloc(sizeof(*state), GFP_KERNEL);
	if (!state)
		return -ENOMEM;
	mutex_init(&state->lock);
	file->private_data = state;
	return 0;
}

static int kexec_release(struct inode *inode, struct file *file)
{
	struct kexec_file *state = file->private_data;

	kvfree(state->reply);
	kfree(state);
	return 0;
}

static const struct file_operations kexec_fops = {
	.owner = THIS_MODULE,
	.open = kexec_open,
	.release = kexec_release,
	.read = kexec_read,
	.write = kexec_write,
};

static struct miscdevice kexec_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "afalg_kexec",
	.fops = &kexec_fops,
	.mode = 0600,
};

module_misc_device(kexec_dev);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("afalg-harness in-kernel crypto executor (test tool: never ship in production)");
