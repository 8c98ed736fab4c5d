/**
 * The stopping rule of an adaptive throughput measurement, shared by the agent's loop and the host
 * (bench/afalg-speed.c carries the same rule in C): after each timed repetition, stop when
 *   - at least `min` repetitions ran and the 95 % confidence interval of the mean rate is narrow
 *     enough (half-width / mean ≤ precision): 'precise';
 *   - `max` repetitions ran: 'max-repetitions';
 *   - at least `min` ran and the next repetition would end past the point's time share: 'time-share'.
 * Pure.
 */
import type { BenchStop } from './messages.js';

/** Student's t at 97.5 % for 1…30 degrees of freedom; past 30 the normal 1.96 is close enough. */
const T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export function tQuantile975(degreesOfFreedom: number): number {
  if (degreesOfFreedom < 1) return Infinity;
  return T_975[degreesOfFreedom - 1] ?? 1.96;
}

/** Mean and the 95 % confidence interval's half-width of a sample (half-width Infinity below two values). */
export function meanInterval(values: readonly number[]): { mean: number; halfWidth: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, halfWidth: Infinity };
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  if (n < 2) return { mean, halfWidth: Infinity };
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  return { mean, halfWidth: (tQuantile975(n - 1) * Math.sqrt(variance)) / Math.sqrt(n) };
}

/** Half-width / mean: the relative precision of the mean (Infinity when unknown). */
export function relativePrecision(values: readonly number[]): number {
  const { mean, halfWidth } = meanInterval(values);
  return mean > 0 && Number.isFinite(halfWidth) ? halfWidth / mean : Infinity;
}

export interface StoppingRule {
  min: number;
  max: number;
  /** relative half-width of the 95 % interval to reach */
  precision: number;
  /** the point's time share, ms (Infinity: none) */
  budgetMs: number;
  /** one repetition's length, ms */
  repetitionMs: number;
}

/** The rule of a request: adaptive when it names maxRepetitions, else exactly `repetitions`. */
export function stoppingRuleOf(request: { repetitions: number; repetitionMs: number; maxRepetitions?: number; targetPrecision?: number; pointBudgetMs?: number }): StoppingRule {
  const min = request.repetitions;
  return {
    min,
    max: Math.max(min, request.maxRepetitions ?? min),
    precision: request.targetPrecision ?? 0,
    budgetMs: request.pointBudgetMs ?? Infinity,
    repetitionMs: request.repetitionMs,
  };
}

/**
 * Whether to stop after the repetitions measured so far (`rates`, operations per second) when
 * `elapsedMs` of the point's time share are spent; undefined: measure another.
 */
export function stopReason(rates: readonly number[], elapsedMs: number, rule: StoppingRule): BenchStop | undefined {
  if (rates.length < rule.min) return undefined;
  if (rule.precision > 0 && relativePrecision(rates) <= rule.precision) return 'precise';
  if (rates.length >= rule.max) return 'max-repetitions';
  if (elapsedMs + rule.repetitionMs > rule.budgetMs) return 'time-share';
  return undefined;
}
