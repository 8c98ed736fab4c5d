// SPDX-License-Identifier: GPL-2.0
/*
 * afalg-harness in-kernel executor: runs one crypto request through the kernel's crypto API against
 * a driver named by its unique name (async ones included), for kernels whose AF_ALG cannot reach it
 * (Linux >= 7.2 binds only synchronous CPU implementations). A test tool, loaded for a run and
 * unloaded after it: never ship it in a production image.
 *
 * /dev/afalg_kexec (root only): write() one request frame, read() its answer. Frames are defined in
 * harness/protocol/kernel-executor.ts; every length is bounded before anything is allocated. Each
 * open file keeps its transforms across requests (kexec_cache.c), freed when it is closed.
 * An operation that does not complete within the frame's timeout answers -ETIMEDOUT; its buffers
 * then stay owned by the request until the driver completes it (or forever, if it never does), and
 * the module can no longer be unloaded (its completion callback must outlive the request).
 */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/jiffies.h>
#include "kexec.h"

struct kexec_file {
	struct mutex lock;
	u8 *reply;
	size_t reply_len;
	struct kexec_cache cache;
};

/* The bytes of data a frame carries: an rng request asks for data_len bytes and carries none. */
static size_t kexec_frame_data(const struct kexec_frame *f)
{
	return kexec_is_rng(f->op) ? 0 : f->data_len;
}

/* Read and bound a frame's header and fields (nothing is allocated yet); returns an error or 0. */
static int kexec_parse(const u8 *frame, size_t frame_len, struct kexec_frame *f)
{
	const struct kexec_request_header *h = (const void *)frame;
	size_t driver_len = le16_to_cpu(h->driver_len), timeout_ms = le32_to_cpu(h->timeout_ms);

	if (le32_to_cpu(h->magic) != KEXEC_MAGIC)
		return -EPROTO;
	f->op = le32_to_cpu(h->op);
	f->shape = le16_to_cpu(h->shape);
	f->socket = le16_to_cpu(h->socket);
	f->key_len = le16_to_cpu(h->key_len);
	f->iv_len = le16_to_cpu(h->iv_len);
	f->authsize = le16_to_cpu(h->authsize);
	f->assoc_len = le32_to_cpu(h->assoc_len);
	f->data_len = le32_to_cpu(h->data_len);
	if (f->op < KEXEC_SKCIPHER_ENCRYPT || f->op > KEXEC_OP_LAST)
		return -EOPNOTSUPP;
	if (f->shape > KEXEC_CONCURRENT || f->socket > KEXEC_MAX_SOCKET || !timeout_ms || timeout_ms > KEXEC_MAX_TIMEOUT_MS)
		return -EINVAL;
	if (!driver_len || driver_len >= KEXEC_MAX_DRIVER || f->key_len > KEXEC_MAX_KEY || f->iv_len > KEXEC_MAX_IV ||
	    f->authsize > KEXEC_MAX_AUTHSIZE || f->assoc_len > KEXEC_MAX_DATA || f->data_len > KEXEC_MAX_DATA - f->assoc_len)
		return -EMSGSIZE;
	/* fields an operation does not take must be empty */
	if (!kexec_is_aead(f->op) && (f->assoc_len || f->authsize))
		return -EINVAL;
	if ((kexec_is_hash(f->op) || kexec_is_rng(f->op)) && f->iv_len)
		return -EINVAL;
	if ((f->op == KEXEC_HASH || f->op == KEXEC_RNG) && f->key_len)
		return -EINVAL;
	if (sizeof(*h) + driver_len + f->key_len + f->iv_len + f->assoc_len + kexec_frame_data(f) != frame_len)
		return -EBADMSG;
	memcpy(f->driver, frame + sizeof(*h), driver_len);
	f->driver[driver_len] = '\0';
	if (strlen(f->driver) != driver_len)
		return -EINVAL;
	f->timeout = msecs_to_jiffies(timeout_ms);
	f->key = frame + sizeof(*h) + driver_len;
	f->iv = f->key + f->key_len;
	f->assoc = f->iv + f->iv_len;
	f->data = f->assoc + f->assoc_len;
	return 0;
}

/* Parse and run one frame; returns its reply (header and output), or NULL when out of memory. */
static struct kexec_reply_header *kexec_answer(struct kexec_cache *cache, const u8 *frame, size_t frame_len)
{
	struct kexec_frame *f = kzalloc(sizeof(*f), GFP_KERNEL);
	struct kexec_reply_header *reply;
	u32 step = KEXEC_STEP_FRAME, out_len = 0;
	int err;

	if (!f)
		return NULL;
	err = kexec_parse(frame, frame_len, f);
	reply = kvmalloc(sizeof(*reply) + (err ? 0 : f->data_len + KEXEC_MAX_AUTHSIZE), GFP_KERNEL);
	if (reply && !err)
		err = kexec_run(cache, f, (u8 *)(reply + 1), &out_len, &step);
	kfree(f);
	if (!reply)
		return NULL;
	reply->magic = cpu_to_le32(KEXEC_REPLY_MAGIC);
	reply->status = cpu_to_le32((u32)err);
	reply->data_len = cpu_to_le32(err ? 0 : out_len);
	reply->step = cpu_to_le32(step);
	return reply;
}

static ssize_t kexec_write(struct file *file, const char __user *ubuf, size_t len, loff_t *pos)
{
	struct kexec_file *state = file->private_data;
	struct kexec_reply_header *reply;
	u8 *frame;

	if (len < sizeof(struct kexec_request_header) ||
	    len > sizeof(struct kexec_request_header) + KEXEC_MAX_DRIVER + KEXEC_MAX_KEY + KEXEC_MAX_IV + KEXEC_MAX_DATA)
		return -EMSGSIZE;
	frame = kvmalloc(len, GFP_KERNEL);
	if (!frame)
		return -ENOMEM;
	if (copy_from_user(frame, ubuf, len)) {
		kvfree(frame);
		return -EFAULT;
	}
	reply = kexec_answer(&state->cache, frame, len);
	kvfree(frame);
	if (!reply)
		return -ENOMEM;
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
	kexec_cache_init(&state->cache);
	file->private_data = state;
	return 0;
}

static int kexec_release(struct inode *inode, struct file *file)
{
	struct kexec_file *state = file->private_data;

	kexec_cache_release(&state->cache);
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

static int __init kexec_init(void)
{
	int err = kexec_ops_init();

	if (err)
		return err;
	err = misc_register(&kexec_dev);
	if (err)
		kexec_ops_exit();
	return err;
}

static void __exit kexec_exit(void)
{
	misc_deregister(&kexec_dev);
	kexec_ops_exit();
}

module_init(kexec_init);
module_exit(kexec_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("afalg-harness in-kernel crypto executor (test tool: never ship in production)");
