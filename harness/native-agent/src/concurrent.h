/*
 * The `concurrent` strategy (concurrentDecoy in harness/protocol/constants.ts): a decoy request on a
 * second operation socket of the same transform, read by the session's helper thread while this
 * thread reads the case's, so both are in flight at the driver together. AIO cannot do it: current
 * kernels run an AF_ALG AIO read synchronously (stable backports force it; mainline removed AIO on
 * sockets), so two reads overlap only from two threads.
 */
#ifndef NA_CONCURRENT_H
#define NA_CONCURRENT_H
#include <stddef.h>
#include "cases.h"

/* Most bytes of text (and of associated data) a decoy carries: DECOY_MAX_BYTES. */
#define DECOY_MAX 1024

struct session;
struct transform;
struct raw_outcome;
struct bytes;
struct fault;

/*
 * Run case `c` (skcipher or AEAD) the concurrent way on operation socket `opfd` of transform `t`:
 * `total` input bytes at `in` (AEAD: associated data first) with its control messages, `outlen`
 * bytes of output into `outbuf`. Its decoy runs alone first on t->decoyfd (its reference answer),
 * then in flight with the case. The case is judged as usual; a case that passes while the decoy's
 * answer changed fails too. Returns 0 with the outcome, or -1 with the fault.
 */
int concurrent_run(struct session *s, struct transform *t, int opfd, const struct acase *c, const struct bytes *expect, unsigned char *in,
		   unsigned char *outbuf, size_t total, size_t outlen, const unsigned char *control, size_t control_len, struct raw_outcome *out,
		   struct fault *f);
/* Stop the session's helper thread, if it has one. */
void concurrent_close(struct session *s);
#endif
