/* Matrix requests (harness/agent/afalg-session.ts runMatrix, matrix-pool.ts). */
#define _GNU_SOURCE
#include "matrix.h"
#include "kernel-log.h"
#include "kexec-client.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_WORKERS 8
/* Work is claimed in chunks of units; about this many chunks per worker even out units of unequal cost. */
#define CHUNKS_PER_WORKER 16
/* After a kernel fault report, how long a worker may still answer before it counts as killed by it. */
#define FAULT_SETTLE_MS 500

/*
 * A request's work in chunks that the workers claim one at a time. Differential: a chunk is a range
 * of cases, each through every transform (the others compare with the first transform's output).
 * Else a chunk is one transform over a range of cases — never cut inside a run of cases that name a
 * socket, whose interleaved keys must reach one session in order (a driver keeping a key per device).
 * Outcomes go to one cell per case × transform (per case when differential), joined in cell order:
 * the answer lists them as a single thread would.
 */
struct chunk {
	size_t alg_from, alg_to, case_from, case_to;
};

struct work {
	const struct matrix_request *req;
	struct chunk *chunks;
	size_t nchunks, ncells;
	atomic_size_t next_chunk;
	struct jwriter **cells; /* comma-separated outcome objects; NULL until a cell has one */
	unsigned char *in_kernel; /* per transform: named in kernelAlgs, run through the in-kernel executor */
	pthread_mutex_t finished_lock;
	pthread_cond_t finished; /* a worker is done: the watchdog need not wait for its next tick */
	int finished_count;      /* under finished_lock */
};

/* How many workers have finished (read before deciding to wait, so that no signal is missed). */
static int finished_count(struct work *work)
{
	pthread_mutex_lock(&work->finished_lock);
	int count = work->finished_count;
	pthread_mutex_unlock(&work->finished_lock);
	return count;
}

/* Until more than `seen` workers have finished or the monotonic clock reaches `until_ms`. */
static void wait_for_a_worker(struct work *work, int seen, long long until_ms)
{
	struct timespec ts = { (time_t)(until_ms / 1000), (long)(until_ms % 1000) * 1000000 };
	pthread_mutex_lock(&work->finished_lock);
	while (work->finished_count == seen && pthread_cond_timedwait(&work->finished, &work->finished_lock, &ts) == 0) {}
	pthread_mutex_unlock(&work->finished_lock);
}

struct share {
	struct session *session;
	struct work *work;
	long executed;
	atomic_int done;
	struct beacon beacon;
};

static struct session sessions[MAX_WORKERS];
static int worker_count;
static struct session inline_session;
static int hung;
static struct hang hung_at;

int matrix_init(int workers)
{
	worker_count = workers > MAX_WORKERS ? MAX_WORKERS : workers;
	for (int i = 0; i < worker_count; i++)
		if (session_init(&sessions[i]) < 0) return -1;
	return worker_count == 0 ? session_init(&inline_session) : 0;
}

/* The outcome cell of case `index` through transform `alg` (allocated on its first outcome), or NULL when out of memory. */
static struct jwriter *cell_of(struct work *work, size_t index, size_t alg)
{
	size_t at = work->req->differential || work->req->nalgs == 0 ? index : index * work->req->nalgs + alg;
	if (!work->cells[at] && (work->cells[at] = malloc(sizeof **work->cells))) jw_init(work->cells[at]);
	return work->cells[at];
}

static void write_outcome(struct work *work, size_t index, size_t alg, enum strategy strategy, const struct raw_outcome *raw, const struct bytes *expected)
{
	struct jwriter *w = cell_of(work, index, alg);
	const char *name = work->req->nalgs ? work->req->algs[alg] : "";
	char ref[24];
	if (!w) return;
	if (w->len > 0) jw_raw(w, ",", 1);
	snprintf(ref, sizeof ref, "%zu", index);
	jw_begin_object(w);
	jw_key(w, "index"); jw_int(w, (long long)index);
	jw_key(w, "ref"); jw_cstring(w, ref);
	jw_key(w, "alg"); jw_cstring(w, name);
	jw_key(w, "strategy"); jw_cstring(w, STRATEGY_NAMES[strategy]);
	jw_key(w, "status"); jw_cstring(w, STATUS_NAMES[raw->status]);
	if (raw->error[0]) { jw_key(w, "error"); jw_cstring(w, raw->error); }
	if (raw->step[0]) { jw_key(w, "step"); jw_cstring(w, raw->step); }
	if (raw->has_output) { jw_key(w, "got"); jw_base64(w, raw->output, raw->outlen); }
	if (expected) { jw_key(w, "expected"); jw_base64(w, expected->p, expected->n); }
	jw_end(w);
}

static void mark(struct share *sh, size_t index, size_t alg, enum strategy strategy)
{
	atomic_store(&sh->beacon.case_index, (int)index);
	atomic_store(&sh->beacon.alg_index, (int)alg);
	atomic_store(&sh->beacon.strategy, (int)strategy);
	atomic_fetch_add(&sh->beacon.sequence, 1);
}

/* One execution of transform `alg` (an index): through the in-kernel executor when the request names it in kernelAlgs, else AF_ALG. */
static void execute(struct share *sh, const struct acase *c, const struct bytes *expect, size_t alg, enum strategy strategy, struct raw_outcome *raw)
{
	const struct matrix_request *req = sh->work->req;
	if (sh->work->in_kernel[alg]) kexec_execute(sh->session, c, expect, req->algs[alg], strategy, kexec_wait_ms(req->hang_sec), raw);
	else session_execute(sh->session, c, expect, req->algs[alg], strategy, NULL, 0, raw);
}

/* Differential: the first transform's one-shot output, copied; -1 when it is itself an outcome to report. */
static int reference_output(struct share *sh, const struct acase *c, size_t index, struct bytes *expect)
{
	struct raw_outcome raw;
	mark(sh, index, 0, S_ONESHOT);
	execute(sh, c, NULL, 0, S_ONESHOT, &raw);
	sh->executed++;
	if (raw.status != ST_PASS || !raw.has_output) {
		write_outcome(sh->work, index, 0, S_ONESHOT, &raw, NULL);
		return -1;
	}
	expect->p = malloc(raw.outlen ? raw.outlen : 1);
	memcpy(expect->p, raw.output, raw.outlen);
	expect->n = raw.outlen;
	return 0;
}

/* Case `index` through transforms [from, to) (every one when differential), each strategy. */
static void run_case(struct share *sh, size_t index, size_t from, size_t to)
{
	const struct matrix_request *req = sh->work->req;
	const struct acase *c = &req->cases[index];
	const enum strategy *strategies = c->nstrategies ? c->strategies : req->strategies;
	size_t nstrategies = c->nstrategies ? c->nstrategies : req->nstrategies;
	struct raw_outcome raw;
	if (c->type == C_UNKNOWN) {
		if (from > 0) return; /* one outcome per case */
		memset(&raw, 0, sizeof raw);
		raw.status = ST_ERROR;
		snprintf(raw.error, sizeof raw.error, "unknown case type %s", c->type_name);
		write_outcome(sh->work, index, 0, S_ONESHOT, &raw, NULL);
		return;
	}
	struct bytes differential = { NULL, 0 };
	const struct bytes *expect = c->has_expect ? &c->expect : NULL;
	if (req->differential) {
		if (reference_output(sh, c, index, &differential) < 0) return;
		expect = &differential;
	}
	for (size_t a = from; a < to; a++) {
		for (size_t k = 0; k < nstrategies; k++) {
			/* the reference's one-shot is the expectation itself */
			if (req->differential && strategies[k] == S_ONESHOT && strcmp(req->algs[a], req->algs[0]) == 0) continue;
			mark(sh, index, a, strategies[k]);
			execute(sh, c, expect, a, strategies[k], &raw);
			sh->executed++;
			if (raw.status == ST_PASS && !c->report) continue;
			write_outcome(sh->work, index, a, strategies[k], &raw, req->differential && raw.status == ST_FAIL ? expect : NULL);
		}
	}
	free(differential.p);
}

static void *run_share(void *arg)
{
	struct share *sh = arg;
	struct work *work = sh->work;
	for (size_t next; (next = atomic_fetch_add(&work->next_chunk, 1)) < work->nchunks;) {
		const struct chunk *chunk = &work->chunks[next];
		for (size_t i = chunk->case_from; i < chunk->case_to; i++) run_case(sh, i, chunk->alg_from, chunk->alg_to);
	}
	pthread_mutex_lock(&work->finished_lock);
	atomic_store(&sh->done, 1);
	work->finished_count++;
	pthread_cond_signal(&work->finished);
	pthread_mutex_unlock(&work->finished_lock);
	return NULL;
}

static void describe_hang(const struct matrix_request *req, struct share *sh, long long stalled_ms, struct hang *hang)
{
	size_t index = (size_t)atomic_load(&sh->beacon.case_index);
	int alg = atomic_load(&sh->beacon.alg_index);
	const struct acase *c = index < req->ncases ? &req->cases[index] : NULL;
	memset(hang, 0, sizeof *hang);
	snprintf(hang->alg, sizeof hang->alg, "%s", (size_t)alg < req->nalgs ? req->algs[alg] : req->nalgs ? req->algs[0] : "");
	hang->strategy = (enum strategy)atomic_load(&sh->beacon.strategy);
	hang->index = index;
	hang->seconds = (long)((stalled_ms + 500) / 1000);
	if (!c) return;
	switch (c->type) {
	case C_HASH: hang->op = c->has_key ? "mac" : "digest"; hang->bytes = c->input.n; break;
	case C_SKCIPHER: case C_AEAD: hang->op = c->encrypt ? "encrypt" : "decrypt"; hang->bytes = c->assoc.n + c->input.n; break;
	case C_MCT: hang->op = "mct"; hang->bytes = 3 * c->seed.n; break;
	default: break;
	}
}

/* A share stalled past the hang limit, or (`fault` set) still where it was when the kernel reported a fault. */
static int stuck(struct share *sh, int sequence, long long now, long long changed, long long hang_ms, int *at_fault, char *fault, size_t size)
{
	long long fault_ms;
	if (kernel_log_fault(fault, size, &fault_ms)) {
		if (*at_fault < 0) *at_fault = sequence;
		if (now - fault_ms >= FAULT_SETTLE_MS && sequence == *at_fault) return 1;
	}
	fault[0] = '\0';
	return !atomic_load(&sh->done) && now - changed >= hang_ms;
}

/*
 * Wait for every share, or until one has not moved for the hang limit, or has not moved since the
 * kernel reported a fault (an oops killed its thread): 1 then. Like the Node pool's watchdog, the
 * beacons are read on ticks every poll interval from the start (so a hang is timed the same way);
 * between ticks the watchdog sleeps until a worker says it is done (or the next tick).
 */
static int watch(const struct matrix_request *req, struct share *shares, int count, struct hang *hang)
{
	long long hang_ms = (long long)(req->hang_sec * 1000), start = monotonic_ms();
	long long poll_ms = hang_ms / 4 < 50 ? 50 : hang_ms / 4 > FAULT_SETTLE_MS ? FAULT_SETTLE_MS : hang_ms / 4, next_tick = start + poll_ms;
	int last[MAX_WORKERS], at_fault[MAX_WORKERS];
	long long changed[MAX_WORKERS];
	char fault[sizeof hang->fault];
	for (int i = 0; i < count; i++) { last[i] = atomic_load(&shares[i].beacon.sequence); changed[i] = start; at_fault[i] = -1; }
	for (;;) {
		int running = 0, seen = finished_count(shares[0].work);
		long long now = monotonic_ms();
		for (int i = 0; i < count; i++) running |= !atomic_load(&shares[i].done);
		if (!running) return 0;
		if (now >= next_tick) kernel_log_keep_alive();
		for (int i = 0; now >= next_tick && i < count; i++) {
			if (atomic_load(&shares[i].done)) continue;
			int sequence = atomic_load(&shares[i].beacon.sequence);
			if (sequence != last[i]) { last[i] = sequence; changed[i] = now; }
			if (!stuck(&shares[i], sequence, now, changed[i], hang_ms, &at_fault[i], fault, sizeof fault)) continue;
			describe_hang(req, &shares[i], now - changed[i], hang);
			snprintf(hang->fault, sizeof hang->fault, "%s", fault);
			return 1;
		}
		while (now >= next_tick) next_tick += poll_ms;
		wait_for_a_worker(shares[0].work, seen, next_tick);
	}
}

static void write_result(struct jwriter *result, const struct work *work, const struct share *shares, int count)
{
	long executed = 0;
	for (int i = 0; i < count; i++) executed += shares[i].executed;
	jw_begin_object(result);
	jw_key(result, "executed"); jw_int(result, executed);
	jw_key(result, "outcomes");
	jw_begin_array(result);
	int any = 0;
	for (size_t i = 0; i < work->ncells; i++) {
		if (!work->cells[i] || work->cells[i]->len == 0) continue;
		if (any) jw_raw(result, ",", 1);
		jw_raw(result, work->cells[i]->buf, work->cells[i]->len);
		any = 1;
	}
	result->first[result->depth] = 0;
	jw_end(result);
	jw_end(result);
}

/* Where a chunk of about `size` cases from `from` ends: not between two cases that name a socket. */
static size_t chunk_end(const struct matrix_request *req, size_t from, size_t size)
{
	size_t end = from + size < req->ncases ? from + size : req->ncases;
	while (end < req->ncases && req->cases[end - 1].has_socket && req->cases[end].has_socket) end++;
	return end;
}

/* Chunks of about `size` cases: through every transform (differential), else per transform in turn. */
static size_t plan_chunks(const struct matrix_request *req, size_t size, struct chunk *out)
{
	int whole = req->differential || req->nalgs == 0;
	size_t n = 0;
	for (size_t a = 0; a < (whole ? 1 : req->nalgs); a++)
		for (size_t from = 0, to; from < req->ncases; from = to) {
			to = chunk_end(req, from, size);
			if (out) out[n] = (struct chunk){ whole ? 0 : a, whole ? req->nalgs : a + 1, from, to };
			n++;
		}
	return n;
}

/* The request's chunks (about CHUNKS_PER_WORKER per worker) and its outcome cells. */
static struct work *plan_work(const struct matrix_request *req, int workers)
{
	struct work *work = calloc(1, sizeof *work);
	if (!work) return NULL;
	work->req = req;
	int whole = req->differential || req->nalgs == 0;
	size_t units = whole ? req->ncases : req->ncases * req->nalgs, wanted = (size_t)(workers > 0 ? workers : 1) * CHUNKS_PER_WORKER;
	size_t size = units / wanted > 0 ? units / wanted : 1;
	work->nchunks = plan_chunks(req, size, NULL);
	work->chunks = calloc(work->nchunks ? work->nchunks : 1, sizeof *work->chunks);
	work->ncells = units;
	work->cells = calloc(units ? units : 1, sizeof *work->cells);
	work->in_kernel = calloc(req->nalgs + 1, 1);
	if (!work->chunks || !work->cells || !work->in_kernel) { free(work->chunks); free(work->cells); free(work->in_kernel); free(work); return NULL; }
	for (size_t a = 0; a < req->nalgs; a++)
		for (size_t k = 0; k < req->nkernel_algs; k++) work->in_kernel[a] |= strcmp(req->algs[a], req->kernel_algs[k]) == 0;
	plan_chunks(req, size, work->chunks);
	atomic_init(&work->next_chunk, 0);
	pthread_condattr_t monotonic;
	pthread_condattr_init(&monotonic);
	pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
	pthread_mutex_init(&work->finished_lock, NULL);
	pthread_cond_init(&work->finished, &monotonic);
	pthread_condattr_destroy(&monotonic);
	return work;
}

static void free_work(struct work *work)
{
	for (size_t i = 0; i < work->ncells; i++)
		if (work->cells[i]) { jw_free(work->cells[i]); free(work->cells[i]); }
	free(work->cells);
	free(work->chunks);
	free(work->in_kernel);
	pthread_cond_destroy(&work->finished);
	pthread_mutex_destroy(&work->finished_lock);
	free(work);
}

int matrix_run(const struct matrix_request *req, struct jwriter *result, struct hang *hang, char *error, size_t error_size)
{
	if (hung) { *hang = hung_at; return 1; }
	/* the executor's device, tried once: a request for it without the module fails whole, as the Node agent's does */
	if (req->nkernel_algs > 0 && kexec_open(worker_count == 0 ? &inline_session : &sessions[0], error, error_size) < 0) return -2;
	/* only a report that comes while this request runs can have killed one of its workers */
	kernel_log_fault_reset();
	struct work *work = plan_work(req, worker_count);
	struct share *shares = calloc(MAX_WORKERS, sizeof *shares);
	if (!work || !shares) { free(shares); if (work) free_work(work); return -1; }
	int count = worker_count == 0 ? 1 : work->nchunks < (size_t)worker_count ? (int)(work->nchunks ? work->nchunks : 1) : worker_count;
	pthread_t threads[MAX_WORKERS];
	for (int i = 0; i < count; i++) {
		shares[i].session = worker_count == 0 ? &inline_session : &sessions[i];
		shares[i].session->beacon = &shares[i].beacon;
		shares[i].work = work;
	}
	if (worker_count == 0) {
		run_share(&shares[0]);
	} else {
		for (int i = 0; i < count; i++) pthread_create(&threads[i], NULL, run_share, &shares[i]);
		if (watch(req, shares, count, hang)) {
			/* the stuck thread sleeps in the kernel for good: leave it (and the request's work) behind */
			for (int i = 0; i < count; i++) pthread_detach(threads[i]);
			hung = 1;
			hung_at = *hang;
			return 1;
		}
		for (int i = 0; i < count; i++) pthread_join(threads[i], NULL);
	}
	write_result(result, work, shares, count);
	free_work(work);
	free(shares);
	return 0;
}
