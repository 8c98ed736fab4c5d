/* Matrix requests: every case x transform x strategy, on worker threads watched for hangs. */
#ifndef NA_MATRIX_H
#define NA_MATRIX_H
#include "cases.h"
#include "json.h"
#include "session.h"
#include "hang.h"

/* Set up `workers` sessions (0: run on the calling thread, unwatched). */
int matrix_init(int workers);
/*
 * Run the request; on success writes {"executed":N,"outcomes":[...]} (in case order) and returns 0; -1: out
 * of memory; -2: `error` says why the request cannot run (kernelAlgs without /dev/afalg_kexec). Returns 1 with
 * *hang filled when an operation did not return within the hang limit (now and for every later request).
 */
int matrix_run(const struct matrix_request *req, struct jwriter *result, struct hang *hang, char *error, size_t error_size);
#endif
