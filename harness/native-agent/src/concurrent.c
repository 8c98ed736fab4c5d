/* The `concurrent` strategy's decoy and its reader thread (see concurrent.h). */
#define _GNU_SOURCE
#include "concurrent.h"
#include "errnames.h"
#include "session.h"
#include "wire.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The decoy of case `c` (concurrentDecoy): its IV (byte 1, or 0 of a one-byte IV, inverted), text
 * (the first DECOY_MAX bytes of the case's, an AEAD decryption's without its tag, XORed with 0xa5)
 * and associated data (the first DECOY_MAX bytes of the case's). */
struct decoy {
	unsigned char iv[4096], text[DECOY_MAX];
	size_t iv_len, text_len, assoc_len;
	const unsigned char *assoc;
};

static void decoy_of(const struct acase *c, struct decoy *d)
{
	size_t text = c->input.n;
	if (c->type == C_AEAD && !c->encrypt) text = text > (size_t)c->authsize ? text - (size_t)c->authsize : 0;
	d->iv_len = c->has_iv && c->iv.n <= sizeof d->iv ? c->iv.n : 0;
	memcpy(d->iv, c->iv.p, d->iv_len);
	if (d->iv_len > 0) d->iv[d->iv_len >= 2 ? 1 : 0] ^= 0xff;
	d->text_len = text < DECOY_MAX ? text : DECOY_MAX;
	for (size_t i = 0; i < d->text_len; i++) d->text[i] = c->input.p[i] ^ 0xa5;
	d->assoc = c->type == C_AEAD ? c->assoc.p : NULL;
	d->assoc_len = c->type == C_AEAD ? (c->assoc.n < DECOY_MAX ? c->assoc.n : DECOY_MAX) : 0;
}

/* The session's helper thread: reads one socket when told to, while the session's thread reads another. */
struct decoy_reader {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	enum { R_IDLE, R_GO, R_DONE, R_QUIT } state;
	int fd;
	unsigned char *buf;
	size_t len;
	long result; /* bytes read, or -errno */
};

static void *reader_main(void *arg)
{
	struct decoy_reader *r = arg;
	pthread_mutex_lock(&r->lock);
	for (;;) {
		while (r->state != R_GO && r->state != R_QUIT) pthread_cond_wait(&r->cond, &r->lock);
		if (r->state == R_QUIT) break;
		int fd = r->fd;
		unsigned char *buf = r->buf;
		size_t len = r->len;
		pthread_mutex_unlock(&r->lock);
		long result = read_answer(fd, buf, len);
		pthread_mutex_lock(&r->lock);
		r->result = result;
		r->state = R_DONE;
		pthread_cond_broadcast(&r->cond);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

static struct decoy_reader *reader_of(struct session *s)
{
	if (s->reader) return s->reader;
	struct decoy_reader *r = calloc(1, sizeof *r);
	if (!r) return NULL;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	if (pthread_create(&r->thread, NULL, reader_main, r) != 0) {
		free(r);
		return NULL;
	}
	return s->reader = r;
}

void concurrent_close(struct session *s)
{
	struct decoy_reader *r = s->reader;
	if (!r) return;
	pthread_mutex_lock(&r->lock);
	r->state = R_QUIT;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	free(r);
	s->reader = NULL;
}

static int send_decoy(int fd, struct decoy *d, int encrypt, int aead, unsigned char *room, struct fault *f)
{
	unsigned char control[CONTROL_MAX];
	struct bytes iv = { d->iv, d->iv_len };
	size_t assoc = d->assoc_len;
	size_t control_len = control_messages(control, sizeof control, encrypt, d->iv_len ? &iv : NULL, aead ? &assoc : NULL);
	if (d->assoc_len > 0) memcpy(room, d->assoc, d->assoc_len);
	memcpy(room + d->assoc_len, d->text, d->text_len);
	return send_piece(fd, room, d->assoc_len + d->text_len, control, control_len, 0, f);
}

int concurrent_run(struct session *s, struct transform *t, int opfd, const struct acase *c, const struct bytes *expect, unsigned char *in,
		   unsigned char *outbuf, size_t total, size_t outlen, const unsigned char *control, size_t control_len, struct raw_outcome *out,
		   struct fault *f)
{
	int aead = c->type == C_AEAD, decoy_encrypt = aead ? 1 : c->encrypt;
	size_t assoc = aead ? c->assoc.n : 0;
	struct decoy d;
	decoy_of(c, &d);
	size_t decoy_outlen = aead ? d.assoc_len + d.text_len + (size_t)c->authsize : d.text_len;
	/* room after the case's data: the decoy's input, its answer alone and its answer in flight with the case */
	unsigned char *decoy_in = s->in + MAX_DATA, *alone = s->out + MAX_DATA, *together = alone + DECOY_MAX * 2 + 64;
	struct decoy_reader *r = reader_of(s);
	if (!r) return fault_text(f, "thread", "cannot start the decoy's reader");
	if (t->decoyfd < 0 && (t->decoyfd = accept(t->fd, NULL, NULL)) < 0) return fault_errno(f, "accept");
	/* the decoy alone: its reference answer; one the driver refuses leaves the case to run alone */
	struct fault ignored = { NULL, { 0 } };
	long reference = send_decoy(t->decoyfd, &d, decoy_encrypt, aead, decoy_in, &ignored) < 0 ? -EINVAL : read_answer(t->decoyfd, alone, decoy_outlen);
	int with_decoy = reference == (long)decoy_outlen;
	if (!with_decoy) {
		close(t->decoyfd);
		t->decoyfd = -1;
	}
	if (send_piece(opfd, in, total, (void *)control, control_len, 0, f) < 0) return -1;
	if (with_decoy && send_decoy(t->decoyfd, &d, decoy_encrypt, aead, decoy_in, f) < 0) return -1;
	if (with_decoy) {
		pthread_mutex_lock(&r->lock);
		r->fd = t->decoyfd;
		r->buf = together;
		r->len = decoy_outlen;
		r->state = R_GO;
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->lock);
	}
	long got = read_answer(opfd, outbuf, outlen);
	long decoy_got = 0;
	if (with_decoy) {
		pthread_mutex_lock(&r->lock);
		while (r->state != R_DONE) pthread_cond_wait(&r->cond, &r->lock);
		decoy_got = r->result;
		r->state = R_IDLE;
		pthread_mutex_unlock(&r->lock);
	}
	if (got < 0) return fault_text(f, "read", "%s", errno_name((int)-got, (char[32]){ 0 }, 32));
	if ((size_t)got != outlen) return fault_text(f, "read", "short read %ld/%zu", got, outlen);
	session_judge(c, expect, outbuf + assoc, outlen - assoc, out);
	if (!with_decoy || out->status != ST_PASS) return 0;
	if (decoy_got != (long)decoy_outlen || memcmp(alone, together, decoy_outlen) != 0) {
		/* the case's own answer was right: the request in flight with it went wrong */
		out->status = ST_FAIL;
		if (decoy_got < 0) snprintf(out->error, sizeof out->error, "the decoy in flight with it failed (%s); alone it did not", errno_name((int)-decoy_got, (char[32]){ 0 }, 32));
		else snprintf(out->error, sizeof out->error, "the decoy in flight with it got another answer than alone");
		close(t->decoyfd);
		t->decoyfd = -1;
	}
	return 0;
}
