#ifndef NA_WIRE_H
#define NA_WIRE_H
#include <stddef.h>
#include "cases.h"

/* page-cross: data starts this many bytes before a page boundary */
#define PAGE_CROSS_OFFSET 13
/* zerocopy: a pipe holds 16 pages by default, so one splice moves at most that much */
#define PIPE_PAGES 16

/* A failed step: which, and the errno name (or a short explanation). */
struct fault {
	const char *step;
	char why[64];
};

int fault_errno(struct fault *f, const char *step);
int fault_text(struct fault *f, const char *step, const char *fmt, ...);
int send_piece(int fd, unsigned char *data, size_t length, void *control, size_t control_len, int flags, struct fault *f);
/* Send according to the strategy (chunks cycle `chunks`, default 1,15,17); control messages ride on the first piece. */
int send_data(long page, int fd, unsigned char *data, size_t length, void *control, size_t control_len, enum strategy strategy,
	      const size_t *chunks, size_t nchunks, struct fault *f);
/*
 * zerocopy: the control messages alone (MSG_MORE), then `length` bytes at page-aligned `data`
 * vmspliced into the pipe (*pipe_rd, *pipe_wr: made on first use, -1 before) and spliced into fd,
 * 16 pages at a time; a failure closes the pipe (it may still hold pages).
 */
int splice_data(long page, int fd, int *pipe_rd, int *pipe_wr, unsigned char *data, size_t length, void *control, size_t control_len,
		struct fault *f);
/* The chained strategy's requests (chainedPieces in harness/protocol/constants.ts): sizes into pieces[3], returns their count. */
size_t chained_pieces(size_t length, size_t unit, size_t pieces[3]);
/* One request's answer of `length` bytes (0: offer one byte, expect none): the bytes read (fewer at end of data), or -errno. */
long read_answer(int fd, unsigned char *out, size_t length);
/* Exactly `length` bytes of output (the kernel may hand a large one over in pieces), or -1 with the fault. */
int read_fully(int fd, unsigned char *out, size_t length, struct fault *f);
/* ALG_SET_OP, ALG_SET_IV (iv non-NULL) and ALG_SET_AEAD_ASSOCLEN (assoclen non-NULL) into `buf`; returns the length. */
size_t control_messages(unsigned char *buf, size_t size, int encrypt, const struct bytes *iv, const size_t *assoclen);
#endif
