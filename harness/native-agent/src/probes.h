#ifndef NA_PROBES_H
#define NA_PROBES_H
#include "cases.h"
#include "json.h"
#include "session.h"

/* /proc/crypto whole, malloc'd and NUL-terminated (its length in *len), or NULL. */
char *read_proc_crypto(size_t *len);
/* bind (resolve == 0) or resolve each probe: writes the result object {"results":[...]}. */
void op_probes(struct session *session, const struct probe *probes, size_t n, int resolve, struct jwriter *w);
#endif
