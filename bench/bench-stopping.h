/*
 * The stopping rule of an adaptive throughput measurement (the same as harness/protocol/bench-stopping.ts),
 * shared by the C reference (afalg-speed.c) and the native agent's loop (harness/native-agent/src/bench.c).
 */
#ifndef BENCH_STOPPING_H
#define BENCH_STOPPING_H

struct bench_repetition {
	unsigned long long ops, ns;
};

struct bench_stopping {
	unsigned long min_repetitions, max_repetitions;
	unsigned long precision_ppm;   /* the 95 % interval's half-width over the mean, parts per million; 0: never */
	unsigned long point_budget_ms; /* the point's time share from the start of its warm-up; 0: none */
	unsigned long repetition_ms;
};

/*
 * After `n` repetitions and `elapsed_ms` of the point's time share: NULL to measure another, else why
 * to stop ("precise", "max-repetitions", "time-share"). Below min_repetitions it never stops.
 */
const char *bench_stop_reason(const struct bench_stopping *rule, const struct bench_repetition *r, unsigned long n, unsigned long long elapsed_ms);
#endif
