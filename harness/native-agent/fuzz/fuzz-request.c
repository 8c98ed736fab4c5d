/*
 * libFuzzer target for the native agent's request parser: one input is one protocol line after the
 * marker. It is parsed, decoded as every request type (matrix, run, bind/resolve probes, bench,
 * module loading) and written back; the decoders must never crash, whatever the bytes.
 *   clang -fsanitize=fuzzer,address,undefined fuzz/fuzz-request.c src/json.c src/json-writer.c src/base64.c src/request.c -lm
 */
#include "../src/json.h"
#include "../src/request.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jdoc doc;
	if (json_parse(&doc, (const char *)data, size) == 0) {
		struct pool pool = { 0 };
		struct decoder d = { &pool, "" };
		struct matrix_request matrix;
		struct acase *cases;
		struct probe *probes;
		size_t n;
		decode_matrix(&d, doc.root, &matrix);
		decode_run(&d, doc.root, &cases, &n);
		decode_probes(&d, doc.root, &probes, &n);
		struct bench_request bench;
		struct module_request module = { 0 };
		decode_bench(&d, doc.root, &bench);
		decode_module(&d, doc.root, "module", &module);
		struct jwriter w;
		jw_init(&w);
		jw_node(&w, doc.root);
		jw_free(&w);
		pool_free(&pool);
	}
	json_free(&doc);
	return 0;
}
