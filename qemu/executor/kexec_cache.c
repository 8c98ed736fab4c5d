// SPDX-License-Identifier: GPL-2.0
/*
 * afalg-harness in-kernel executor: the transforms of one open file, kept across requests as the
 * agent keeps its AF_ALG sockets. A transform is cached by (kind, driver, socket) — the socket
 * tells apart several transforms of one driver, as the state cases interleave AF_ALG sockets —
 * and remembers the key and authsize set on it: a request that brings the same key sets none
 * (as AF_ALG sets a socket's key only when it changes). At most KEXEC_CACHE_SLOTS per file, the
 * least recently used freed first; all freed when the file is released.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <crypto/skcipher.h>
#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/rng.h>
#include "kexec.h"

void kexec_cache_init(struct kexec_cache *cache)
{
	mutex_init(&cache->lock);
	memset(cache->slots, 0, sizeof(cache->slots));
	cache->clock = 0;
}

/* Free a transform that is no longer cached or used (process context: freeing may sleep). */
void kexec_tfm_free(struct kexec_tfm *t)
{
	if (!t)
		return;
	switch (t->kind) {
	case KEXEC_KIND_SKCIPHER:
		crypto_free_skcipher(t->skcipher);
		break;
	case KEXEC_KIND_AEAD:
		crypto_free_aead(t->aead);
		break;
	case KEXEC_KIND_HASH:
	case KEXEC_KIND_HASH_KEYED:
		crypto_free_ahash(t->ahash);
		break;
	case KEXEC_KIND_RNG:
		crypto_free_rng(t->rng);
		break;
	}
	kfree_sensitive(t);
}

static struct kexec_tfm *kexec_tfm_alloc(u32 kind, const char *driver, u16 socket)
{
	struct kexec_tfm *t = kzalloc(sizeof(*t), GFP_KERNEL);
	void *tfm;

	if (!t)
		return ERR_PTR(-ENOMEM);
	t->kind = kind;
	t->socket = socket;
	strscpy(t->driver, driver, sizeof(t->driver));
	switch (kind) {
	case KEXEC_KIND_SKCIPHER:
		tfm = t->skcipher = crypto_alloc_skcipher(driver, 0, 0);
		break;
	case KEXEC_KIND_AEAD:
		tfm = t->aead = crypto_alloc_aead(driver, 0, 0);
		break;
	case KEXEC_KIND_RNG:
		tfm = t->rng = crypto_alloc_rng(driver, 0, 0);
		break;
	default:
		tfm = t->ahash = crypto_alloc_ahash(driver, 0, 0);
		break;
	}
	if (IS_ERR(tfm)) {
		kfree(t);
		return tfm;
	}
	return t;
}

/*
 * The transform for (kind, driver, socket): taken out of the cache (so no other request of the
 * file uses it meanwhile), else newly allocated. Returns an ERR_PTR when the driver cannot be had.
 */
struct kexec_tfm *kexec_tfm_get(struct kexec_cache *cache, u32 kind, const char *driver, u16 socket)
{
	struct kexec_tfm *found = NULL;
	unsigned int i;

	mutex_lock(&cache->lock);
	for (i = 0; i < KEXEC_CACHE_SLOTS; i++) {
		struct kexec_tfm *t = cache->slots[i];

		if (t && t->kind == kind && t->socket == socket && !strcmp(t->driver, driver)) {
			found = t;
			cache->slots[i] = NULL;
			break;
		}
	}
	mutex_unlock(&cache->lock);
	return found ? found : kexec_tfm_alloc(kind, driver, socket);
}

/*
 * Give a transform back after its request completed: into a free slot, else in place of the
 * least recently used one (freed). A transform a timed-out request still holds is never given
 * back: the request frees it when the driver completes it.
 */
void kexec_tfm_put(struct kexec_cache *cache, struct kexec_tfm *t)
{
	struct kexec_tfm *evicted = NULL;
	unsigned int i, free_slot = KEXEC_CACHE_SLOTS, oldest = 0;

	mutex_lock(&cache->lock);
	t->last_used = ++cache->clock;
	for (i = 0; i < KEXEC_CACHE_SLOTS; i++) {
		if (!cache->slots[i]) {
			free_slot = i;
			break;
		}
		if (cache->slots[i]->last_used < cache->slots[oldest]->last_used)
			oldest = i;
	}
	if (free_slot == KEXEC_CACHE_SLOTS) {
		evicted = cache->slots[oldest];
		free_slot = oldest;
	}
	cache->slots[free_slot] = t;
	mutex_unlock(&cache->lock);
	kexec_tfm_free(evicted);
}

/* Free every cached transform (the file is released: no request of it runs any more). */
void kexec_cache_release(struct kexec_cache *cache)
{
	unsigned int i;

	for (i = 0; i < KEXEC_CACHE_SLOTS; i++) {
		kexec_tfm_free(cache->slots[i]);
		cache->slots[i] = NULL;
	}
}

/* Whether the transform already holds this key (set on it by an earlier request, successfully). */
bool kexec_tfm_has_key(const struct kexec_tfm *t, const u8 *key, u32 key_len)
{
	return t->keyed && t->key_len == key_len && !memcmp(t->key, key, key_len);
}

/* Record the outcome of a setkey: a failed one leaves the transform without a known key. */
void kexec_tfm_note_key(struct kexec_tfm *t, const u8 *key, u32 key_len, int err)
{
	t->keyed = !err && key_len <= sizeof(t->key);
	t->key_len = t->keyed ? key_len : 0;
	if (t->keyed)
		memcpy(t->key, key, key_len);
}
