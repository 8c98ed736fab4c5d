/* The stopping rule of harness/protocol/bench-stopping.ts, in C (no libm: compared squared). */
#include "bench-stopping.h"

#include <stddef.h>

static const double t_975[30] = { 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
				  2.201,  2.179, 2.16,  2.145, 2.131, 2.12,  2.11,  2.101, 2.093, 2.086,
				  2.08,   2.074, 2.069, 2.064, 2.06,  2.056, 2.052, 2.048, 2.045, 2.042 };

/* Whether the 95 % interval's half-width over the mean of n rates is within ppm. */
static int precise_enough(const struct bench_repetition *r, unsigned long n, unsigned long ppm)
{
	double mean = 0, var = 0, t, p = ppm / 1e6;

	if (n < 2 || ppm == 0)
		return 0;
	for (unsigned long i = 0; i < n; i++)
		mean += (double)r[i].ops * 1e9 / (double)r[i].ns;
	mean /= (double)n;
	for (unsigned long i = 0; i < n; i++) {
		double d = (double)r[i].ops * 1e9 / (double)r[i].ns - mean;
		var += d * d;
	}
	var /= (double)(n - 1);
	t = n - 1 <= 30 ? t_975[n - 2] : 1.96;
	return t * t * var / (double)n <= p * p * mean * mean;
}

const char *bench_stop_reason(const struct bench_stopping *rule, const struct bench_repetition *r, unsigned long n, unsigned long long elapsed_ms)
{
	if (n < rule->min_repetitions)
		return NULL;
	if (precise_enough(r, n, rule->precision_ppm))
		return "precise";
	if (n >= rule->max_repetitions)
		return "max-repetitions";
	if (rule->point_budget_ms > 0 && elapsed_ms + rule->repetition_ms > rule->point_budget_ms)
		return "time-share";
	return NULL;
}
