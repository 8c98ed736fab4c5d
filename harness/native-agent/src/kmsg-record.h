/*
 * Kernel log records as /dev/kmsg gives them, one per read: `<prio>,<seq>,<usec>,<flags>[,…];<text>`
 * then optional ` KEY=value` dictionary lines (harness/agent/kmsg-records.ts), kept in a bounded ring
 * so a host can ask for the records since a cursor (their sequence numbers) and be told how many it missed.
 */
#ifndef NA_KMSG_RECORD_H
#define NA_KMSG_RECORD_H
#include <stddef.h>

/* Records the ring keeps (the Node agent's KmsgRing capacity). */
#define KMSG_RING_CAPACITY 4096

struct kmsg_record {
	unsigned long long seq, usec;
	int level;
	char *text; /* kmsg's \xNN escapes undone (UTF-8 as the kernel got it); may hold NULs */
	size_t len;
};

/*
 * Parse one record of `len` bytes (no NUL needed); 0 with `out` filled (out->text malloc'd), -1 for
 * anything else (or out of memory).
 */
int kmsg_parse(const char *record, size_t len, struct kmsg_record *out);

/* 1 when a record's text is the first line of a kernel fault report (protocol/constants.ts KERNEL_FAULT_LINE). */
int kmsg_is_fault_line(const char *text, size_t len);

struct kmsg_ring {
	struct kmsg_record records[KMSG_RING_CAPACITY];
	size_t first, count; /* the oldest record's slot, and how many are kept */
};

/* Keep `record` (taking its text), dropping the oldest when full. */
void kmsg_ring_add(struct kmsg_ring *ring, struct kmsg_record *record);
/* The cursor after the newest record (0 when none). */
unsigned long long kmsg_ring_next(const struct kmsg_ring *ring);

/* The records from sequence number `since` on, at most `max`: ring slots [from, from + count) (mod capacity). */
struct kmsg_slice {
	size_t from, count;
	unsigned long long next;    /* the cursor after the last record returned */
	unsigned long long dropped; /* records asked for that are gone (before the oldest kept) */
};
struct kmsg_slice kmsg_ring_since(const struct kmsg_ring *ring, unsigned long long since, size_t max);
const struct kmsg_record *kmsg_ring_at(const struct kmsg_ring *ring, const struct kmsg_slice *slice, size_t i);
void kmsg_ring_free(struct kmsg_ring *ring);
#endif
