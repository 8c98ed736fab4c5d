/* Host unit tests of the native agent's JSON reader/writer, base64, request decoding and kmsg records (run under ASan/UBSan). */
#include "../src/json.h"
#include "../src/kmsg-record.h"
#include "../src/request.h"
#include "../src/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures, checks;

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		checks++;                                                 \
		if (!(cond)) {                                            \
			failures++;                                       \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);       \
			printf(__VA_ARGS__);                              \
			printf("\n");                                     \
		}                                                         \
	} while (0)

/* Parse, write back, compare with the expected text (NULL: must fail to parse). */
static void roundtrip(const char *in, const char *expected)
{
	struct jdoc doc;
	int rc = json_parse(&doc, in, strlen(in));
	if (!expected) {
		CHECK(rc < 0 && doc.error[0], "%s parsed but should not", in);
	} else if (rc < 0) {
		CHECK(0, "%s did not parse: %s", in, doc.error);
	} else {
		struct jwriter w;
		jw_init(&w);
		jw_node(&w, doc.root);
		CHECK(strcmp(w.buf, expected) == 0, "%s wrote back as %s, expected %s", in, w.buf, expected);
		jw_free(&w);
	}
	json_free(&doc);
}

static void test_json(void)
{
	roundtrip("{\"a\":[1,2.5,-3e2,true,false,null],\"b\":{}}", "{\"a\":[1,2.5,-300,true,false,null],\"b\":{}}");
	roundtrip("  [ \"x\\n\\\"\\u00e9\\ud83d\\ude00\\/\" ]  ", "[\"x\\n\\\"\xc3\xa9\xf0\x9f\x98\x80/\"]");
	roundtrip("\"\\u0001\"", "\"\\u0001\"");
	roundtrip("[]", "[]");
	const char *bad[] = { "", "{", "[1,]", "{\"a\" 1}", "[1 2]", "01", "1.", "-", "\"abc", "\"\\x\"", "\"\\u12\"", "tru", "nul", "[1]x",
			      "{\"a\":1,}", "\"\x01\"", "[\"a\",", "1e", "{1:2}" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) roundtrip(bad[i], NULL);
	char deep[200];
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	struct jdoc doc;
	CHECK(json_parse(&doc, deep, sizeof deep) < 0 && strstr(doc.error, "deep"), "100 nested arrays: %s", doc.error);
	json_free(&doc);
}

static void test_base64(void)
{
	const char *plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	const char *coded[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	for (int i = 0; i < 7; i++) {
		char out[16];
		unsigned char back[16];
		base64_encode((const unsigned char *)plain[i], strlen(plain[i]), out);
		CHECK(strcmp(out, coded[i]) == 0, "base64(%s) = %s, expected %s", plain[i], out, coded[i]);
		long n = base64_decode(coded[i], strlen(coded[i]), back);
		CHECK(n == (long)strlen(plain[i]) && memcmp(back, plain[i], (size_t)n) == 0, "decode %s", coded[i]);
	}
	unsigned char out[8];
	CHECK(base64_decode("Zm9", 3, out) == 2, "unpadded");
	CHECK(base64_decode("-_8", 3, out) == 2 && out[0] == 0xfb && out[1] == 0xff, "url-safe");
	CHECK(base64_decode("Zm!v", 4, out) < 0, "bad character");
	CHECK(base64_decode("Z", 1, out) < 0, "a lone character");
}

/* Decode a request text with `decode`; expected: NULL for success, else a fragment of the error. */
static void decodes(const char *text, int (*decode)(struct decoder *, const struct jnode *), const char *expected)
{
	struct jdoc doc;
	struct pool pool = { 0 };
	struct decoder d = { &pool, "" };
	if (json_parse(&doc, text, strlen(text)) < 0) {
		CHECK(0, "%s: %s", text, doc.error);
	} else {
		int rc = decode(&d, doc.root);
		if (!expected) CHECK(rc == 0, "%s: %s", text, d.error);
		else CHECK(rc < 0 && strstr(d.error, expected), "%s: error '%s', expected '%s'", text, d.error, expected);
	}
	pool_free(&pool);
	json_free(&doc);
}

static int matrix(struct decoder *d, const struct jnode *r) { struct matrix_request m; return decode_matrix(d, r, &m); }
static int run(struct decoder *d, const struct jnode *r) { struct acase *c; size_t n; return decode_run(d, r, &c, &n); }
static int probes(struct decoder *d, const struct jnode *r) { struct probe *p; size_t n; return decode_probes(d, r, &p, &n); }

static void test_requests(void)
{
	decodes("{\"algs\":[\"sha256\"],\"strategies\":[\"oneshot\",\"page-cross\"],\"cases\":[{\"type\":\"hash\",\"msg\":\"YWJj\",\"expect\":\"\"}]}", matrix, NULL);
	decodes("{\"algs\":[\"a\"],\"strategies\":[\"sideways\"],\"cases\":[]}", matrix, "strategies[0]");
	decodes("{\"algs\":[1],\"strategies\":[],\"cases\":[]}", matrix, "algs[0]: expected string, got number");
	decodes("{\"algs\":[],\"strategies\":[],\"cases\":[{\"type\":\"aead\",\"key\":\"\",\"iv\":\"\",\"assoc\":\"\",\"op\":\"encrypt\",\"input\":\"\"}]}", matrix, "cases[0].authsize: missing");
	decodes("{\"algs\":[],\"strategies\":[],\"cases\":[{\"type\":\"skcipher\",\"key\":\"@@\",\"op\":\"encrypt\",\"input\":\"\"}]}", matrix, "cases[0].key: not base64");
	decodes("{\"algs\":[],\"strategies\":[],\"cases\":[{\"type\":\"rng\",\"length\":-1}]}", matrix, "cases[0].length");
	decodes("{\"algs\":[],\"strategies\":[],\"cases\":[{\"type\":\"zzz\"}]}", matrix, NULL); /* an outcome, not a bad request */
	decodes("{\"algs\":[],\"strategies\":[],\"cases\":[{\"type\":\"hash-mct\",\"variant\":\"sha2\",\"seed\":\"AA==\",\"expect\":[\"AA==\",3]}]}", matrix, "expect[1]");
	decodes("{\"cases\":[{\"type\":\"hash\",\"ref\":\"r\",\"alg\":\"sha1\",\"msg\":\"\",\"chunks\":[1,0]}]}", run, "chunks[1]");
	decodes("{\"cases\":[{\"type\":\"hash\",\"ref\":\"r\",\"alg\":\"sha1\",\"msg\":\"\",\"strategy\":\"chunks\",\"chunks\":[3,5]}]}", run, NULL);
	decodes("{\"cases\":{}}", run, "cases: expected array, got object");
	decodes("{\"probes\":[{\"type\":\"kpp\",\"name\":\"dh\"}]}", probes, "probes[0].type");
	decodes("{\"probes\":[{\"type\":\"rng\",\"name\":\"stdrng\"}]}", probes, NULL);
}

static void test_writer(void)
{
	struct jwriter w;
	jw_init(&w);
	jw_begin_object(&w);
	jw_key(&w, "a"); jw_begin_array(&w); jw_int(&w, 1); jw_string(&w, "q\"\\\t", 4); jw_bool(&w, 0); jw_end(&w);
	jw_key(&w, "b"); jw_base64(&w, (const unsigned char *)"\xff\x00", 2);
	jw_end(&w);
	CHECK(strcmp(w.buf, "{\"a\":[1,\"q\\\"\\\\\\t\",false],\"b\":\"/wA=\"}") == 0, "writer: %s", w.buf);
	jw_free(&w);
}

/* Parse a record; expected text NULL: must be refused. */
static void kmsg(const char *record, unsigned long long seq, int level, unsigned long long usec, const char *text, size_t text_len)
{
	struct kmsg_record r;
	int rc = kmsg_parse(record, strlen(record), &r);
	if (!text) { CHECK(rc < 0, "%s parsed but should not", record); if (rc == 0) free(r.text); return; }
	CHECK(rc == 0, "%s did not parse", record);
	if (rc < 0) return;
	CHECK(r.seq == seq && r.level == level && r.usec == usec, "%s: seq %llu level %d usec %llu", record, r.seq, r.level, r.usec);
	CHECK(r.len == text_len && memcmp(r.text, text, text_len) == 0, "%s: text '%s'", record, r.text);
	free(r.text);
}

static void add(struct kmsg_ring *ring, unsigned long long seq)
{
	char line[64];
	struct kmsg_record r;
	snprintf(line, sizeof line, "6,%llu,1,-;record %llu", seq, seq);
	if (kmsg_parse(line, strlen(line), &r) == 0) kmsg_ring_add(ring, &r);
}

static void test_kmsg(void)
{
	kmsg("6,1234,5678901,-;afalg: loaded\n SUBSYSTEM=module\n", 1234, 6, 5678901, "afalg: loaded", 13);
	kmsg("14,2,3,-,caller=T12;user", 2, 6, 3, "user", 4); /* facility 1 (user): the level is the low 3 bits */
	kmsg("0,18446744073709551615,0,c;", ~0ULL, 0, 0, "", 0);
	kmsg("4,8,9,c;tab\\x09x \\x5cx41 \\xc3 \\xzz \\x", 8, 4, 9, "tab\tx \\x41 \xc3 \\xzz \\x", 20);
	kmsg("4,8,9,c;nul\\x00", 8, 4, 9, "nul\0", 4);
	kmsg("4,8,9,c;caf\\xc3\\xa9", 8, 4, 9, "caf\xc3\xa9", 5);
	kmsg("4,8,9;no flags", 0, 0, 0, NULL, 0);
	kmsg("4,8,x,-;text", 0, 0, 0, NULL, 0);
	kmsg("a,8,9,-;text", 0, 0, 0, NULL, 0);
	kmsg("4,8,9,- no semicolon", 0, 0, 0, NULL, 0);
	kmsg("", 0, 0, 0, NULL, 0);
	const char *faults[] = { "BUG: kernel NULL pointer dereference, address: 0", "Oops: 0002 [#1] SMP", "Oops", "general protection fault, probably", "Unable to handle kernel paging request", "kernel BUG at mm/x.c:1!", "Kernel panic - not syncing: Fatal exception" };
	const char *not_faults[] = { "BUG: soft lockup - CPU#0 stuck", "BUG: scheduling while atomic", "BUG: sleeping function called", "BUG: workqueue lockup", "Oopsie", "WARNING: CPU: 0 PID: 1", " BUG: indented", "BUG:" };
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) CHECK(kmsg_is_fault_line(faults[i], strlen(faults[i])), "fault line %s", faults[i]);
	for (size_t i = 0; i < sizeof not_faults / sizeof not_faults[0]; i++) CHECK(!kmsg_is_fault_line(not_faults[i], strlen(not_faults[i])), "not a fault line %s", not_faults[i]);

	static struct kmsg_ring ring;
	struct kmsg_slice s = kmsg_ring_since(&ring, 5, 10);
	CHECK(s.count == 0 && s.next == 5 && s.dropped == 0, "empty ring: next %llu dropped %llu", s.next, s.dropped);
	for (unsigned long long seq = 10; seq < 20; seq++) add(&ring, seq);
	add(&ring, 25); /* 20..24 overwritten in the kernel's buffer before they were read */
	s = kmsg_ring_since(&ring, 0, 100);
	CHECK(s.count == 11 && s.next == 26 && s.dropped == 10 && kmsg_ring_at(&ring, &s, 0)->seq == 10, "from 0: %zu next %llu dropped %llu", s.count, s.next, s.dropped);
	s = kmsg_ring_since(&ring, 12, 3);
	CHECK(s.count == 3 && s.next == 15 && s.dropped == 0 && strcmp(kmsg_ring_at(&ring, &s, 2)->text, "record 14") == 0, "12, max 3: %zu next %llu", s.count, s.next);
	s = kmsg_ring_since(&ring, 21, 100);
	CHECK(s.count == 1 && s.next == 26 && s.dropped == 4, "from 21: %zu next %llu dropped %llu", s.count, s.next, s.dropped);
	s = kmsg_ring_since(&ring, 30, 100);
	CHECK(s.count == 0 && s.next == 30 && s.dropped == 0, "past the end: next %llu dropped %llu", s.next, s.dropped);
	for (unsigned long long seq = 26; seq < 26 + KMSG_RING_CAPACITY; seq++) add(&ring, seq);
	s = kmsg_ring_since(&ring, 0, KMSG_RING_CAPACITY);
	CHECK(s.count == KMSG_RING_CAPACITY && kmsg_ring_at(&ring, &s, 0)->seq == 26 && s.dropped == 26, "full ring: first %llu dropped %llu", kmsg_ring_at(&ring, &s, 0)->seq, s.dropped);
	kmsg_ring_free(&ring);
}

/* The chained strategy's requests, as chainedPieces() in harness/protocol/constants.ts (same table in its unit test). */
static void test_chained_pieces(void)
{
	static const struct { size_t length, unit, count, pieces[3]; } cases[] = {
		{ 0, 16, 1, { 0 } },        { 15, 16, 1, { 15 } },         { 31, 16, 1, { 31 } },
		{ 32, 16, 2, { 16, 16 } },  { 33, 16, 3, { 16, 16, 1 } },  { 48, 16, 3, { 16, 16, 16 } },
		{ 64, 16, 3, { 16, 16, 32 } }, { 20480, 16, 3, { 16, 10224, 10240 } }, { 24, 8, 3, { 8, 8, 8 } },
		{ 100, 0, 1, { 100 } },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t pieces[3] = { 0, 0, 0 }, count = chained_pieces(cases[i].length, cases[i].unit, pieces);
		CHECK(count == cases[i].count && memcmp(pieces, cases[i].pieces, count * sizeof pieces[0]) == 0,
		      "chained_pieces(%zu, %zu): %zu pieces %zu %zu %zu", cases[i].length, cases[i].unit, count, pieces[0], pieces[1], pieces[2]);
	}
}

int main(void)
{
	test_chained_pieces();
	test_json();
	test_base64();
	test_requests();
	test_writer();
	test_kmsg();
	printf("%d passed, %d failed\n", checks - failures, failures);
	return failures ? 1 : 0;
}
