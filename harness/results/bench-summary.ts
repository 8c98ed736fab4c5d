/**
 * Throughput results folded into what reports show: per transform × operation × path × engine the
 * statistics of every size; beside the harness's own figure, the C reference loop and the kernel's
 * tcrypt figure for the same driver, operation and size, with their ratios; and the goals the
 * harness holds itself to. Pure: from results lines alone.
 */
import type { BenchOp, BenchPath } from '../protocol/messages.js';
import { type BenchLine, type TcryptFigure, type TcryptLine } from './result-model.js';
import { targetKey } from './run-record.js';
import { intervalOf, judge, median, pointStats, ratio, ratioInterval, type Interval, type PointStats } from '../bench/bench-stats.js';

export interface ThroughputSeries {
  algorithm: string;
  target: string;
  generic: boolean;
  /** the driver measured: the target itself, or for the generic name the driver it bound */
  driver?: string;
  op: BenchOp;
  path: BenchPath;
  engine: 'agent' | 'c-reference';
  /** measured through the in-kernel executor (absent: AF_ALG) */
  executor?: 'kernel';
  points: PointStats[];
}

/** One driver × operation × size: the harness (copy and zero-copy), the C loop, tcrypt. */
export interface ThroughputComparison {
  algorithm: string;
  target: string;
  generic: boolean;
  driver?: string;
  op: BenchOp;
  size: number;
  /** MB/s */
  copy?: number;
  zerocopy?: number;
  cReference?: number;
  /** the 95 % intervals of copy, zerocopy and cReference (MB/s) */
  intervals?: { copy?: Interval; zerocopy?: Interval; cReference?: Interval };
  /** harness (copy) / C loop (copy): the cost of JavaScript in the loop */
  harnessOverC?: number;
  /** its interval from the two figures' intervals */
  harnessOverCRange?: Interval;
  tcrypt?: number;
  /** the tcrypt figure was taken at this size (the nearest tcrypt measured, when not the same) */
  tcryptSize?: number;
  /** best AF_ALG path / tcrypt: the cost of the syscall interface */
  afalgOverTcrypt?: number;
  afalgOverTcryptRange?: Interval;
}

export interface ThroughputGoal {
  name: string;
  /** the ratio that must be reached */
  threshold: number;
  size: number;
  /** the median over every driver × operation measured at that size: what `met` is judged on */
  median?: number;
  /** the worst ratio measured at that size (undefined: nothing to compare) */
  worst?: number;
  worstAt?: string;
  /** how many driver × operation ratios there were */
  count?: number;
  met?: boolean;
  /** judged with the noise: the median of the ratios' low ends reaches the threshold (met), the median of their high ends does not (missed), else inconclusive */
  judgement?: 'met' | 'missed' | 'inconclusive';
  note?: string;
}

export interface BenchSummary {
  sizes: number[];
  series: ThroughputSeries[];
  comparisons: ThroughputComparison[];
  goals: ThroughputGoal[];
  tcrypt: { runs: Array<{ params: string[]; seconds: number; figures: number; error?: string }>; figures: TcryptFigure[] };
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** tcrypt's figure in MB/s (only figures from sec=N runs carry a rate). */
function tcryptMb(figure: TcryptFigure): number | undefined {
  return figure.opsPerSecond !== undefined ? (figure.opsPerSecond * figure.size) / 1e6 : undefined;
}

/**
 * The tcrypt figure for a driver × op at a size: the same size when tcrypt measured it, else the
 * largest tcrypt size below it (tcrypt on 6.1 stops at 4 KiB for ciphers, 8 KiB for hashes).
 * Hash figures count only when the whole block went in one update (like one AF_ALG sendmsg).
 */
export function tcryptFigureFor(figures: readonly TcryptFigure[], driver: string, op: BenchOp, size: number, keyBits?: number): TcryptFigure | undefined {
  const candidates = figures.filter(
    (figure) =>
      figure.driver === driver &&
      figure.op === op &&
      tcryptMb(figure) !== undefined &&
      (figure.updateSize === undefined || figure.updateSize === figure.size) &&
      (keyBits === undefined || figure.keyBits === undefined || figure.keyBits === keyBits),
  );
  // tcrypt may measure a point twice (6.1 runs some modes' tests twice): the best figure is the ceiling
  const best = (list: TcryptFigure[]): TcryptFigure | undefined => list.sort((a, b) => (tcryptMb(b) ?? 0) - (tcryptMb(a) ?? 0))[0];
  const exact = best(candidates.filter((figure) => figure.size === size));
  if (exact) return exact;
  const below = candidates.filter((figure) => figure.size < size);
  const largest = Math.max(...below.map((figure) => figure.size));
  return best(below.filter((figure) => figure.size === largest));
}

/** The slowest of the tcrypt figures at exactly this point (runs disagree: that is tcrypt's own noise), MB/s. */
function tcryptLowestMb(figures: readonly TcryptFigure[], like: TcryptFigure): number | undefined {
  const same = figures.filter((figure) => figure.driver === like.driver && figure.op === like.op && figure.size === like.size && figure.keyBits === like.keyBits && figure.updateSize === like.updateSize);
  const rates = same.map(tcryptMb).filter((mb): mb is number => mb !== undefined);
  return rates.length > 0 ? Math.min(...rates) : undefined;
}

export function summarizeBench(benchLines: readonly BenchLine[], tcryptLines: readonly TcryptLine[]): BenchSummary | undefined {
  if (benchLines.length === 0 && tcryptLines.length === 0) return undefined;
  // several lines for the same series (a resumed run): their repetitions add up
  const grouped = new Map<string, { line: BenchLine; repetitions: Map<number, BenchLine['points'][number]['repetitions']> }>();
  for (const line of benchLines) {
    const key = [line.algorithm, line.target, line.op, line.path, line.engine].join('\0');
    let group = grouped.get(key);
    if (!group) grouped.set(key, (group = { line, repetitions: new Map() }));
    for (const point of line.points) group.repetitions.set(point.size, [...(group.repetitions.get(point.size) ?? []), ...point.repetitions]);
  }
  const series: ThroughputSeries[] = [...grouped.values()]
    .map(({ line, repetitions }) => {
      const driver = line.generic ? line.boundDriver : line.target;
      return {
        algorithm: line.algorithm,
        target: line.target,
        generic: line.generic,
        ...(driver !== undefined ? { driver } : {}),
        op: line.op,
        path: line.path,
        engine: line.engine,
        ...(line.executor ? { executor: line.executor } : {}),
        points: [...repetitions].sort((a, b) => a[0] - b[0]).map(([size, reps]) => pointStats(size, reps)),
      };
    })
    .sort(
      (a, b) =>
        compareText(a.algorithm, b.algorithm) ||
        Number(b.generic) - Number(a.generic) ||
        compareText(a.target, b.target) ||
        compareText(a.op, b.op) ||
        compareText(a.path, b.path) ||
        compareText(a.engine, b.engine),
    );

  const figures = tcryptLines.flatMap((line) => line.figures);
  const keyBitsOf = new Map<string, number>();
  for (const line of benchLines) keyBitsOf.set(targetKey(line.algorithm, line.target), line.keyBytes * 8);

  const comparisons = new Map<string, ThroughputComparison>();
  for (const one of series) {
    for (const point of one.points) {
      const key = [one.algorithm, one.target, one.op, point.size].join('\0');
      let row = comparisons.get(key);
      if (!row) {
        row = { algorithm: one.algorithm, target: one.target, generic: one.generic, ...(one.driver !== undefined ? { driver: one.driver } : {}), op: one.op, size: point.size };
        comparisons.set(key, row);
      }
      const which = one.engine === 'c-reference' ? (one.path === 'copy' ? 'cReference' : undefined) : one.path;
      if (which === undefined) continue;
      row[which] = point.mbPerSecond;
      row.intervals = { ...row.intervals, [which]: intervalOf(point) };
    }
  }
  for (const row of comparisons.values()) {
    const harnessOverC = ratio(row.copy, row.cReference);
    if (harnessOverC !== undefined) row.harnessOverC = harnessOverC;
    const harnessRange = row.intervals?.copy && row.intervals.cReference ? ratioInterval(row.intervals.copy, row.intervals.cReference) : undefined;
    if (harnessRange) row.harnessOverCRange = harnessRange;
    if (row.driver !== undefined) {
      const figure = tcryptFigureFor(figures, row.driver, row.op, row.size, keyBitsOf.get(targetKey(row.algorithm, row.target)));
      const mb = figure ? tcryptMb(figure) : undefined;
      if (figure && mb !== undefined) {
        row.tcrypt = mb;
        if (figure.size !== row.size) row.tcryptSize = figure.size;
        const best = Math.max(row.copy ?? 0, row.zerocopy ?? 0);
        // compared only at the size tcrypt measured
        const afalgOverTcrypt = figure.size === row.size ? ratio(best, mb) : undefined;
        if (afalgOverTcrypt !== undefined) {
          row.afalgOverTcrypt = afalgOverTcrypt;
          // the noise: the AF_ALG path's interval, and tcrypt's runs from the slowest to the best
          const bestInterval = (row.copy ?? 0) >= (row.zerocopy ?? 0) ? row.intervals?.copy : row.intervals?.zerocopy;
          const range = bestInterval ? ratioInterval(bestInterval, { value: mb, low: tcryptLowestMb(figures, figure) ?? mb, high: mb }) : undefined;
          if (range) row.afalgOverTcryptRange = range;
        }
      }
    }
  }
  const comparisonList = [...comparisons.values()].sort(
    (a, b) => compareText(a.algorithm, b.algorithm) || Number(b.generic) - Number(a.generic) || compareText(a.target, b.target) || compareText(a.op, b.op) || a.size - b.size,
  );
  const sizes = [...new Set(series.flatMap((one) => one.points.map((point) => point.size)))].sort((a, b) => a - b);
  return {
    sizes,
    series,
    comparisons: comparisonList,
    goals: goalsOf(comparisonList),
    tcrypt: {
      runs: tcryptLines.map((line) => ({ params: line.params, seconds: line.seconds, figures: line.figures.length, ...(line.error !== undefined ? { error: line.error } : {}) })),
      figures,
    },
  };
}

function ratioFigures(
  rows: readonly ThroughputComparison[],
  pick: (row: ThroughputComparison) => number | undefined,
  range: (row: ThroughputComparison) => Interval | undefined,
): { median?: number; worst?: number; worstAt?: string; count?: number; lows?: number[]; highs?: number[] } {
  let worst: number | undefined;
  let worstAt: string | undefined;
  const values: number[] = [];
  const lows: number[] = [];
  const highs: number[] = [];
  for (const row of rows) {
    const value = pick(row);
    if (value === undefined) continue;
    values.push(value);
    const interval = range(row) ?? { value, low: value, high: value };
    lows.push(interval.low);
    highs.push(interval.high);
    if (worst === undefined || value < worst) {
      worst = value;
      worstAt = `${row.target} ${row.op}`;
    }
  }
  if (worst === undefined || worstAt === undefined) return {};
  return { median: median(values), worst, worstAt, count: values.length, lows, highs };
}

/** The harness's own goals: harness/C ≥ 0.95 at 4 KiB and ≥ 0.8 at 64 B; AF_ALG/tcrypt ≥ 0.9 at 64 KiB. */
function goalsOf(rows: readonly ThroughputComparison[]): ThroughputGoal[] {
  const goal = (name: string, threshold: number, size: number, pick: (row: ThroughputComparison) => number | undefined, range: (row: ThroughputComparison) => Interval | undefined, note?: string): ThroughputGoal => {
    const { lows, highs, ...found } = ratioFigures(
      rows.filter((row) => row.size === size),
      pick,
      range,
    );
    // judged on the median: one noisy point (TCG, a busy host) must not decide; the worst is shown
    const judged = found.median !== undefined && lows && highs ? judge({ value: found.median, low: median(lows), high: median(highs) }, threshold) : undefined;
    const judgement = judged === 'above' ? 'met' : judged === 'below' ? 'missed' : judged;
    return { name, threshold, size, ...found, ...(found.median !== undefined ? { met: found.median >= threshold } : {}), ...(judgement ? { judgement } : {}), ...(note ? { note } : {}) };
  };
  const harness = (row: ThroughputComparison): number | undefined => row.harnessOverC;
  const harnessRange = (row: ThroughputComparison): Interval | undefined => row.harnessOverCRange;
  const goals = [goal('harness/C', 0.95, 4096, harness, harnessRange), goal('harness/C', 0.8, 64, harness, harnessRange)];
  // tcrypt stops below 64 KiB on some kernels: then the goal is checked at the largest size it measured
  const tcryptSizes = rows.filter((row) => row.afalgOverTcrypt !== undefined).map((row) => row.size);
  const largest = tcryptSizes.length > 0 ? Math.max(...tcryptSizes) : 65536;
  goals.push(
    goal(
      'AF_ALG/tcrypt',
      0.9,
      largest,
      (row) => row.afalgOverTcrypt,
      (row) => row.afalgOverTcryptRange,
      largest !== 65536 ? `asked at 64 KiB; this kernel's tcrypt measures up to ${largest} bytes, so checked there` : undefined,
    ),
  );
  return goals;
}
