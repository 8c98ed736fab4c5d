/* A bench request with `program`: the C reference loop (bench/afalg-speed.c) run with its arguments, its points answered. */
#define _GNU_SOURCE
#include "bench.h"
#include "modules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void hex(char *out, const struct bytes *b, int present)
{
	if (!present) { strcpy(out, "-"); return; }
	for (size_t i = 0; i < b->n; i++) sprintf(out + 2 * i, "%02x", b->p[i]);
}

/* The C reference loop (bench/afalg-speed.c) for a bench request: its points, engine = its path. */
int run_c_reference(const struct bench_request *req, struct jwriter *w, char *error, size_t size)
{
	static const char *const ops[] = { "encrypt", "decrypt", "digest" };
	char sizes[32 * 8] = "", key[2 * 4096 + 2], iv[2 * 64 + 2], assoc[16], tag[16], warm[32], rep[32], reps[32];
	for (size_t i = 0; i < req->nsizes; i++) sprintf(sizes + strlen(sizes), "%s%zu", i ? "," : "", req->sizes[i]);
	if (req->has_key && req->key.n > 4096) { snprintf(error, size, "bench: key longer than 4096 bytes"); return -1; }
	hex(key, &req->key, req->has_key);
	hex(iv, &req->iv, req->has_iv);
	snprintf(assoc, sizeof assoc, "%zu", req->assoc_length);
	snprintf(tag, sizeof tag, "%d", req->authsize);
	snprintf(warm, sizeof warm, "%.0f", req->warmup_ms);
	snprintf(rep, sizeof rep, "%.0f", req->repetition_ms);
	snprintf(reps, sizeof reps, "%ld", req->repetitions);
	/* a host path, as the Node agent (chrooted into the host's tree) sees it: here under the 9p share */
	char host[1200];
	snprintf(host, sizeof host, "/host%.1180s", req->program);
	const char *program = access(req->program, X_OK) != 0 && access(host, X_OK) == 0 ? host : req->program;
	/* adaptive: MAX_REPETITIONS PRECISION_PPM POINT_BUDGET_MS too (harness/protocol/c-reference-program.ts) */
	char max[32], ppm[32], budget[32];
	snprintf(max, sizeof max, "%ld", req->max_repetitions);
	snprintf(ppm, sizeof ppm, "%.0f", req->target_precision * 1e6);
	snprintf(budget, sizeof budget, "%.0f", req->point_budget_ms);
	const char *argv[] = { program, ALG_TYPE_NAMES[req->type], req->alg, ops[req->op], req->zerocopy ? "zerocopy" : "copy", sizes, key, iv, assoc, tag, warm, rep, reps,
			       req->adaptive ? max : NULL, ppm, budget, NULL };
	int status;
	char *out = run_program(argv, &status, error, size);
	if (!out) return -1;
	struct jdoc doc;
	int rc = -1;
	const struct jnode *points;
	if (json_parse(&doc, out, strlen(out)) < 0) snprintf(error, size, "afalg-speed: output is not JSON (exit status %d): %.80s", status, out);
	else if (json_get(doc.root, "error")) snprintf(error, size, "afalg-speed: %.200s", json_get(doc.root, "error")->type == J_STR ? json_get(doc.root, "error")->str : "failed");
	else if (!(points = json_get(doc.root, "points")) || points->type != J_ARR) snprintf(error, size, "afalg-speed: unexpected output: no points");
	else {
		jw_begin_object(w);
		jw_key(w, "points"); jw_node(w, points);
		jw_key(w, "engine"); jw_cstring(w, req->program);
		jw_end(w);
		rc = 0;
	}
	json_free(&doc);
	free(out);
	return rc;
}

