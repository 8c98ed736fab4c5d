/*
 * The `kernel-log` op (harness/agent/kmsg-worker.ts): the kernel log records since a cursor, and in
 * follow mode every later record pushed as a `kernel-log` event by a reader thread of its own, which
 * writes to the link itself: the records of an oops reach the host while a matrix request runs, and
 * after the oops killed the thread that made the request, the main thread included.
 */
#ifndef NA_KERNEL_LOG_H
#define NA_KERNEL_LOG_H
#include <stddef.h>
#include "json.h"

/* Answer a kernel-log request into `result` ({records,next,dropped,tainted,following}); -1 with `error` set. */
int kernel_log_request(const struct jnode *request, struct jwriter *result, char *error, size_t size);
/* Start a new reader when the running one stopped beating (its thread died): between requests and on watchdog ticks. */
void kernel_log_keep_alive(void);
/* Forget the fault report seen so far (a matrix request starts). */
void kernel_log_fault_reset(void);
/* 1 with its first line and when (CLOCK_MONOTONIC ms) once a fault report came while following, since the last reset. */
int kernel_log_fault(char *line, size_t size, long long *at_ms);
long long monotonic_ms(void);
#endif
