/* An AF_ALG session: bound transforms kept open across cases, one preallocated arena, one case at a time. */
#ifndef NA_SESSION_H
#define NA_SESSION_H
#include <stdatomic.h>
#include "cases.h"

#define MAX_DATA (128 * 1024)
#define MAX_OPEN_TRANSFORMS 48
/* room for the control messages of one request (op, IV, assoclen) */
#define CONTROL_MAX 4352

/* Where a matrix worker is, read by the main thread's watchdog. */
struct beacon {
	atomic_int sequence, case_index, alg_index, strategy;
};

struct transform {
	int in_use;
	enum alg_type type;
	char *name;
	int socket; /* the case's socket index: one transform socket each */
	int fd, opfd;
	int decoyfd; /* the concurrent strategy's second operation socket (-1: none) */
	int has_key;
	unsigned char *key;
	size_t keylen;
	int authsize;
	unsigned long used_at;
};

struct session {
	long page;
	unsigned char *arena, *in, *out;
	struct transform transforms[MAX_OPEN_TRANSFORMS];
	unsigned long clock;
	struct beacon *beacon;
	/* the in-kernel executor (kexec-client.c): this session's open /dev/afalg_kexec (-1 until first
	 * used; the module keeps a file's transforms), a frame and a reply buffer */
	int kexec_fd;
	unsigned char *kexec_frame, *kexec_reply;
	/* the zerocopy strategy's pipe (-1 until first used) */
	int pipe_rd, pipe_wr;
	/* the concurrent strategy's helper thread (NULL until first used; concurrent.c) */
	struct decoy_reader *reader;
};

enum status { ST_PASS, ST_FAIL, ST_ERROR };
extern const char *const STATUS_NAMES[3];

/* One execution's result; `output` points into the session's arena (valid until its next execution). */
struct raw_outcome {
	enum status status;
	char error[96];
	char step[32];
	const unsigned char *output;
	size_t outlen;
	int has_output;
};

int session_init(struct session *s);
void session_close(struct session *s);
/* A socket bound to `name`, or -1 with *step and errname set. */
int session_bind(struct session *s, enum alg_type type, const char *name, char *errname, size_t errsize);
void session_execute(struct session *s, const struct acase *c, const struct bytes *expect, const char *alg, enum strategy strategy,
		     const size_t *chunks, size_t nchunks, struct raw_outcome *out);

struct fault;
/* Compare an output with the expectation as every execution path does. */
void session_judge(const struct acase *c, const struct bytes *expect, const unsigned char *actual, size_t n, struct raw_outcome *out);
/* An execution's outcome from its return code and fault: an error, or as the case expected (expectError). */
void session_settle(const struct acase *c, int rc, const struct fault *f, struct raw_outcome *out);
#endif
