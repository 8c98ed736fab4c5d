/* Requests as the agent holds them once decoded from JSON (binary fields decoded from base64). */
#ifndef NA_CASES_H
#define NA_CASES_H
#include <stddef.h>

enum alg_type { T_HASH, T_SKCIPHER, T_AEAD, T_RNG };
enum case_type { C_HASH, C_SKCIPHER, C_AEAD, C_RNG, C_MCT, C_UNKNOWN };
/* in ALL_STRATEGIES' order (harness/protocol/constants.ts): the progress beacon names them by index */
enum strategy { S_ONESHOT, S_CHUNKS, S_PAGE_CROSS, S_INPLACE, S_CHAINED, S_ZEROCOPY, S_CONCURRENT, S_COUNT };

#define MAX_STRATEGIES 16
#define MAX_CHUNK_SIZES 64
/* sockets one transform may have open at once (CaseBase.socket) */
#define MAX_CASE_SOCKETS 16

extern const char *const STRATEGY_NAMES[S_COUNT];
extern const char *const ALG_TYPE_NAMES[4];

struct bytes {
	unsigned char *p;
	size_t n;
};

struct acase {
	enum case_type type;
	const char *type_name;   /* as given (for an unknown type's outcome) */
	/* run requests: which transform and how the data is split */
	const char *ref;
	const char *alg;
	enum strategy strategy;
	size_t chunks[MAX_CHUNK_SIZES];
	size_t nchunks;
	/* key (hash: optional; rng: the seed), iv (skcipher: optional) */
	int has_key, has_iv;
	struct bytes key, iv, assoc;
	struct bytes input;      /* hash: msg; skcipher, aead: input */
	int encrypt;
	int authsize;
	size_t length;           /* rng */
	int sha3;                /* hash-mct variant */
	struct bytes seed;       /* hash-mct */
	struct bytes *checkpoints;
	size_t ncheckpoints;
	int has_socket, socket;  /* which socket bound to the transform runs it (state cases interleave keys); 0 by default */
	int has_expect, expect_mismatch;
	struct bytes expect;
	const char *expect_error;
	/* matrix cases */
	int report;
	enum strategy strategies[MAX_STRATEGIES];
	size_t nstrategies;      /* 0: the request's */
};

struct matrix_request {
	const char **algs;
	size_t nalgs;
	enum strategy strategies[MAX_STRATEGIES];
	size_t nstrategies;
	struct acase *cases;
	size_t ncases;
	int differential;
	double hang_sec;
	/* transforms run through the in-kernel executor (/dev/afalg_kexec) instead of AF_ALG */
	const char **kernel_algs;
	size_t nkernel_algs;
};

struct probe {
	enum alg_type type;
	const char *name;
};

struct bench_request {
	enum alg_type type;
	const char *alg;
	int op; /* 0 encrypt, 1 decrypt, 2 digest */
	int zerocopy;
	size_t sizes[32];
	size_t nsizes;
	int has_key, has_iv;
	struct bytes key, iv;
	size_t assoc_length;
	int authsize;
	double warmup_ms, repetition_ms;
	long repetitions;      /* the fixed count, or when adaptive the minimum */
	int adaptive;          /* maxRepetitions given: stop by the rule of bench/bench-stopping.h */
	long max_repetitions;
	double target_precision, point_budget_ms;
	const char *program;
	int kernel_executor;   /* executor: "kernel" (copy path only) */
};

struct module_request {
	const char *module; /* modprobe: a name; insmod: a path */
	const char **params;
	size_t nparams;
};
#endif
