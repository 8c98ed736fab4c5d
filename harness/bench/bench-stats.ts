/**
 * Statistics of throughput measurements: each repetition gives a rate (operations per second);
 * a point is summarised by the median rate and its spread. Pure.
 */
import type { BenchRepetition } from '../protocol/messages.js';
import { meanInterval } from '../protocol/bench-stopping.js';

export interface PointStats {
  size: number;
  /** median operations per second over the repetitions */
  opsPerSecond: number;
  /** median payload throughput, 10^6 bytes per second */
  mbPerSecond: number;
  /** microseconds per operation at the median rate */
  usPerOp: number;
  /** lowest and highest repetition rate */
  minOpsPerSecond: number;
  maxOpsPerSecond: number;
  /** (max − min) / median, as a fraction: how much the repetitions disagree */
  spread: number;
  /** the 95 % confidence interval of the mean rate, MB/s (min–max when fewer than two repetitions) */
  lowMb: number;
  highMb: number;
  /** its half-width over the mean, as a fraction (Infinity below two repetitions) */
  precision: number;
  repetitions: number;
  /** operations counted over all repetitions */
  totalOps: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Operations per second of one repetition; NaN when it measured nothing. */
export function rateOf(repetition: BenchRepetition): number {
  return repetition.ns > 0 && repetition.ops > 0 ? repetition.ops / (repetition.ns / 1e9) : NaN;
}

export function pointStats(size: number, repetitions: readonly BenchRepetition[]): PointStats {
  const rates = repetitions.map(rateOf).filter((rate) => Number.isFinite(rate));
  const opsPerSecond = median(rates);
  const minOpsPerSecond = rates.length > 0 ? Math.min(...rates) : NaN;
  const maxOpsPerSecond = rates.length > 0 ? Math.max(...rates) : NaN;
  const { mean, halfWidth } = meanInterval(rates);
  const known = Number.isFinite(halfWidth);
  return {
    size,
    opsPerSecond,
    mbPerSecond: (opsPerSecond * size) / 1e6,
    usPerOp: 1e6 / opsPerSecond,
    minOpsPerSecond,
    maxOpsPerSecond,
    spread: (maxOpsPerSecond - minOpsPerSecond) / opsPerSecond,
    lowMb: (Math.max(0, known ? mean - halfWidth : minOpsPerSecond) * size) / 1e6,
    highMb: ((known ? mean + halfWidth : maxOpsPerSecond) * size) / 1e6,
    precision: known && mean > 0 ? halfWidth / mean : Infinity,
    repetitions: rates.length,
    totalOps: repetitions.reduce((sum, repetition) => sum + repetition.ops, 0),
  };
}

/** a / b, or undefined when either is missing or not positive */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || a <= 0 || b <= 0) return undefined;
  return a / b;
}

/** A figure with the interval it is known within (MB/s, or a ratio). */
export interface Interval {
  value: number;
  low: number;
  high: number;
}

export function intervalOf(point: Pick<PointStats, 'mbPerSecond' | 'lowMb' | 'highMb'>): Interval {
  return { value: point.mbPerSecond, low: Math.min(point.lowMb, point.mbPerSecond), high: Math.max(point.highMb, point.mbPerSecond) };
}

/** a / b with its interval: from the lowest a over the highest b to the highest a over the lowest b. */
export function ratioInterval(a: Interval, b: Interval): Interval | undefined {
  const value = ratio(a.value, b.value);
  if (value === undefined) return undefined;
  return { value, low: a.low / b.high, high: b.low > 0 ? a.high / b.low : Infinity };
}

/**
 * How a ratio stands against a threshold once the noise is counted: 'above' when even its low end
 * reaches it, 'below' when even its high end does not, else 'inconclusive'.
 */
export type Judgement = 'above' | 'below' | 'inconclusive';

export function judge(value: Interval, threshold: number): Judgement {
  if (value.low >= threshold) return 'above';
  if (value.high < threshold) return 'below';
  return 'inconclusive';
}
