#ifndef NA_OPS_H
#define NA_OPS_H
#include "json.h"

#define AGENT_VERSION "0.1.0"
#define PROTOCOL_VERSION 1
/* hello's `node` field: this agent runs without Node.js */
#define NATIVE_RUNTIME "native"

/* Answer one parsed request into `reply` (a whole frame without the marker and newline). Returns 1 for bye. */
int handle_request(const struct jnode *request, struct jwriter *reply);
int ops_init(void);
#endif
