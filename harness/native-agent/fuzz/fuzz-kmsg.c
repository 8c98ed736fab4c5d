/*
 * libFuzzer target for the native agent's /dev/kmsg record parser and ring: one input is one record
 * as read(2) gives it. A parsed record goes into a ring kept across inputs (so it wraps), the ring
 * is asked for the records since a cursor taken from the input, and they are written as JSON.
 *   clang -fsanitize=fuzzer,address,undefined fuzz/fuzz-kmsg.c src/kmsg-record.c src/json-writer.c src/base64.c -lm
 */
#include "../src/json.h"
#include "../src/kmsg-record.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct kmsg_ring ring;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kmsg_record record;
	if (kmsg_parse((const char *)data, size, &record) == 0) {
		if (record.len > size || record.level < 0 || record.level > 7) abort();
		kmsg_is_fault_line(record.text, record.len);
		kmsg_ring_add(&ring, &record);
	}
	unsigned long long since = 0;
	memcpy(&since, data, size < sizeof since ? size : sizeof since);
	size_t max = size % 70;
	struct kmsg_slice slice = kmsg_ring_since(&ring, since % (kmsg_ring_next(&ring) + 2), max);
	if (slice.count > max || slice.count > ring.count) abort();
	struct jwriter w;
	jw_init(&w);
	jw_begin_array(&w);
	for (size_t i = 0; i < slice.count; i++) {
		const struct kmsg_record *one = kmsg_ring_at(&ring, &slice, i);
		jw_string(&w, one->text, one->len);
	}
	jw_end(&w);
	jw_free(&w);
	return 0;
}
