#ifndef NA_BENCH_H
#define NA_BENCH_H
#include "cases.h"
#include "json.h"

/* Run a bench request (harness/agent/afalg-bench.ts): writes the result object, or returns -1 with `error` set. */
int bench_run(const struct bench_request *req, struct jwriter *w, char *error, size_t error_size);
/* The C reference program for a bench request (req->program): its points, engine = the program's path; -1 with `error`. */
int run_c_reference(const struct bench_request *req, struct jwriter *w, char *error, size_t error_size);
#endif
