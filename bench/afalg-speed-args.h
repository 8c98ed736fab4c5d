/* afalg-speed's command line (usage in afalg-speed.c) and its one-line JSON errors. */
#ifndef AFALG_SPEED_ARGS_H
#define AFALG_SPEED_ARGS_H
#include "bench-stopping.h"

#define MAX_SIZE (128 * 1024) /* largest payload; AF_ALG's send buffer must hold a whole request */
#define MAX_SIZES 64
#define MAX_KEY 3072
#define MAX_IV 256
#define MAX_ASSOC 65536
#define MAX_AUTHSIZE 255

enum type { T_HASH, T_SKCIPHER, T_AEAD };

struct config {
	enum type type;
	const char *type_name, *alg;
	int decrypt, zerocopy;
	unsigned long sizes[MAX_SIZES];
	int nsizes;
	unsigned char key[MAX_KEY], iv[MAX_IV];
	long keylen, ivlen; /* -1: none given */
	unsigned long assoclen, authsize, warmup_ms;
	int adaptive;       /* the last three arguments were given: `stopping` is the adaptive rule */
	struct bench_stopping stopping; /* else a fixed count: min = max = REPETITIONS */
};

/* Print {"error":"<step>: <message>"} and exit with `code` (2: bad arguments, 1: a system call failed). */
void die(int code, const char *step, const char *fmt, ...) __attribute__((noreturn, format(printf, 3, 4)));
/* A failed system call: exit 1 naming the step and errno (EAFNOSUPPORT, not "Address family..."). */
void die_errno(const char *step) __attribute__((noreturn));
/* The arguments into `c`; bad ones exit 2 with a line saying which and why. */
void parse_args(int argc, char **argv, struct config *c);
#endif
