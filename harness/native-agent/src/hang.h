/* What hung in a matrix request, as the agent answers it (code 'hang', MatrixHang in harness/protocol/messages.ts). */
#ifndef NA_HANG_H
#define NA_HANG_H
#include <stddef.h>
#include "cases.h"
#include "json.h"

struct hang {
	char alg[256];
	enum strategy strategy;
	size_t index;
	const char *op; /* NULL: none */
	size_t bytes;
	long seconds;
	char fault[300]; /* the first line of the kernel's fault report that killed the worker; "" for a plain hang */
};

/* The error message of a hang: the fault report that ended it, or the limit it ran past. */
void hang_message(const struct hang *hang, char *buf, size_t size);
void write_hang(struct jwriter *w, const struct hang *hang);
#endif
