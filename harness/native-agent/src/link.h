/*
 * The agent's link to the host: one writer at a time (the main thread's answers, the kernel-log
 * reader's pushed events), each frame whole. The lock is robust: a thread that dies holding it (an
 * oops kills the task in the kernel) does not stop the others writing.
 */
#ifndef NA_LINK_H
#define NA_LINK_H
#include <stddef.h>

#define FRAME_MARKER "@afalg1 "
/* the answer to a line without the marker (DAMAGED_LINE_ERROR in harness/protocol/codec.ts) */
#define DAMAGED_LINE_ERROR "damaged request: a line without the frame marker"

void link_init(int fd);
/* Write one frame: the marker, `json` and a newline. Exits the agent when the link is gone. */
void link_send(const char *json, size_t len);
#endif
