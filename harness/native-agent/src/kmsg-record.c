/* Kernel log records (/dev/kmsg): parsing one, recognising a fault report, a ring of the latest. */
#include "kmsg-record.h"

#include <stdlib.h>
#include <string.h>

/* Digits at *p (at least one) into *value, stopping at `end`; the value saturates. */
static int digits(const char **p, const char *end, unsigned long long *value)
{
	const char *start = *p;
	*value = 0;
	for (; *p < end && **p >= '0' && **p <= '9'; (*p)++) {
		unsigned digit = (unsigned)(**p - '0');
		*value = *value > (~0ULL - digit) / 10 ? ~0ULL : *value * 10 + digit;
	}
	return *p > start ? 0 : -1;
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* kmsg's \xNN escapes (lowercase, as the kernel writes them) undone: the bytes themselves (a UTF-8 character's are each escaped). */
static char *unescape(const char *text, size_t len, size_t *out_len)
{
	char *out = malloc(len + 1), *o = out;
	if (!out) return NULL;
	for (size_t i = 0; i < len; i++) {
		int high, low;
		unsigned char c = (unsigned char)text[i];
		if (c == '\\' && i + 3 < len && text[i + 1] == 'x' && (high = hex_digit(text[i + 2])) >= 0 && (low = hex_digit(text[i + 3])) >= 0) {
			c = (unsigned char)(high * 16 + low);
			i += 3;
		}
		*o++ = (char)c;
	}
	*o = '\0';
	*out_len = (size_t)(o - out);
	return out;
}

int kmsg_parse(const char *record, size_t len, struct kmsg_record *out)
{
	const char *p = record, *end = record + len;
	unsigned long long prio;
	if (digits(&p, end, &prio) < 0 || p == end || *p++ != ',') return -1;
	if (digits(&p, end, &out->seq) < 0 || p == end || *p++ != ',') return -1;
	if (digits(&p, end, &out->usec) < 0 || p == end || *p++ != ',') return -1;
	const char *text = memchr(p, ';', (size_t)(end - p));
	if (!text) return -1;
	text++;
	const char *newline = memchr(text, '\n', (size_t)(end - text));
	out->level = (int)(prio & 7);
	out->text = unescape(text, (size_t)((newline ? newline : end) - text), &out->len);
	return out->text ? 0 : -1;
}

static int starts(const char *text, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(text, prefix, n) == 0;
}

static int word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

int kmsg_is_fault_line(const char *text, size_t len)
{
	static const char *const reports[] = { "general protection fault", "Unable to handle kernel", "kernel BUG at ", "Kernel panic - not syncing" };
	/* BUG: lines that are warnings of a stall, not a fault that kills the task */
	static const char *const not_faults[] = { "soft lockup", "workqueue lockup", "scheduling while atomic", "sleeping function" };
	if (starts(text, len, "BUG: ")) {
		for (size_t i = 0; i < sizeof not_faults / sizeof not_faults[0]; i++)
			if (starts(text + 5, len - 5, not_faults[i])) return 0;
		return 1;
	}
	if (starts(text, len, "Oops")) return len == 4 || !word_char(text[4]);
	for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++)
		if (starts(text, len, reports[i])) return 1;
	return 0;
}

void kmsg_ring_add(struct kmsg_ring *ring, struct kmsg_record *record)
{
	if (ring->count == KMSG_RING_CAPACITY) {
		free(ring->records[ring->first].text);
		ring->first = (ring->first + 1) % KMSG_RING_CAPACITY;
		ring->count--;
	}
	ring->records[(ring->first + ring->count) % KMSG_RING_CAPACITY] = *record;
	ring->count++;
	record->text = NULL;
}

static const struct kmsg_record *slot(const struct kmsg_ring *ring, size_t i)
{
	return &ring->records[(ring->first + i) % KMSG_RING_CAPACITY];
}

unsigned long long kmsg_ring_next(const struct kmsg_ring *ring)
{
	return ring->count ? slot(ring, ring->count - 1)->seq + 1 : 0;
}

struct kmsg_slice kmsg_ring_since(const struct kmsg_ring *ring, unsigned long long since, size_t max)
{
	struct kmsg_slice slice = { 0, 0, 0, 0 };
	unsigned long long ring_next = kmsg_ring_next(ring);
	size_t i = 0;
	while (i < ring->count && slot(ring, i)->seq < since) i++;
	slice.from = i;
	slice.count = ring->count - i < max ? ring->count - i : max;
	unsigned long long first = slice.count ? slot(ring, i)->seq : ring_next;
	slice.next = slice.count ? slot(ring, i + slice.count - 1)->seq + 1 : since > ring_next ? since : ring_next;
	slice.dropped = first > since ? first - since : 0;
	return slice;
}

const struct kmsg_record *kmsg_ring_at(const struct kmsg_ring *ring, const struct kmsg_slice *slice, size_t i)
{
	return slot(ring, slice->from + i);
}

void kmsg_ring_free(struct kmsg_ring *ring)
{
	for (size_t i = 0; i < ring->count; i++) free(ring->records[(ring->first + i) % KMSG_RING_CAPACITY].text);
	ring->first = ring->count = 0;
}
