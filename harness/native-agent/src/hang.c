/* A matrix request that hung: its message and its JSON (the Node pool's HangError in harness/agent/matrix-pool.ts). */
#include "hang.h"

#include <stdio.h>

void hang_message(const struct hang *hang, char *buf, size_t size)
{
	if (hang->fault[0]) {
		snprintf(buf, size, "%s: the kernel reported \"%s\" during %s of %zu bytes (case %zu, strategy %s)", hang->alg, hang->fault,
			 hang->op ? hang->op : "an operation", hang->bytes, hang->index, STRATEGY_NAMES[hang->strategy]);
		return;
	}
	snprintf(buf, size, "%s did not complete %s of %zu bytes (case %zu, strategy %s) within %ld s: the driver hangs", hang->alg,
		 hang->op ? hang->op : "an operation", hang->bytes, hang->index, STRATEGY_NAMES[hang->strategy], hang->seconds);
}

void write_hang(struct jwriter *w, const struct hang *hang)
{
	jw_begin_object(w);
	jw_key(w, "alg"); jw_cstring(w, hang->alg);
	jw_key(w, "strategy"); jw_cstring(w, STRATEGY_NAMES[hang->strategy]);
	jw_key(w, "index"); jw_int(w, (long long)hang->index);
	if (hang->op) { jw_key(w, "op"); jw_cstring(w, hang->op); }
	jw_key(w, "bytes"); jw_int(w, (long long)hang->bytes);
	jw_key(w, "seconds"); jw_int(w, hang->seconds);
	if (hang->fault[0]) { jw_key(w, "fault"); jw_cstring(w, hang->fault); }
	jw_end(w);
}
