/* Typed requests from parsed JSON: every field checked, binary fields decoded; bad input is an error naming the field. */
#ifndef NA_REQUEST_H
#define NA_REQUEST_H
#include "cases.h"
#include "json.h"

/* Every allocation of one request, freed together. */
struct pool {
	void **items;
	size_t n, cap;
};
void *pool_alloc(struct pool *pool, size_t size);
void pool_free(struct pool *pool);

struct decoder {
	struct pool *pool;
	char error[256];
};

int decode_matrix(struct decoder *d, const struct jnode *req, struct matrix_request *out);
int decode_run(struct decoder *d, const struct jnode *req, struct acase **cases, size_t *ncases);
int decode_probes(struct decoder *d, const struct jnode *req, struct probe **probes, size_t *nprobes);
int decode_bench(struct decoder *d, const struct jnode *req, struct bench_request *out);
/* modprobe (`module`) or insmod (`path`): the name and the params */
int decode_module(struct decoder *d, const struct jnode *req, const char *name_field, struct module_request *out);

/* kexec: the frame for /dev/afalg_kexec, as is */
int decode_kexec(struct decoder *d, const struct jnode *req, struct bytes *frame);

/* An index into STRATEGY_NAMES, or -1. */
int strategy_index(const char *name);
#endif
