/**
 * The bench's time budget (`--budget SECONDS`): every point (request × size) gets a share of what
 * is left after tcrypt and the per-request overhead; a point stops earlier when its spread is small
 * (protocol/bench-stopping.ts) and what it leaves goes to the points after it. When even the
 * minimum repetitions do not fit, the plan is cut, in this order, and the cut is said:
 *   1. sizes outside CORE_BENCH_SIZES (64 B, 4 KiB, 64 KiB stay measured),
 *   2. shorter repetitions (down to MIN_REPETITION_MS),
 *   3. nothing more: the run goes over the budget and says by how much.
 * Pure.
 */
import type { BenchRequestBody } from '../protocol/messages.js';

/** The sizes every driver is measured at, whatever the budget. */
export const CORE_BENCH_SIZES = [64, 4096, 65536];
/** the shortest repetition the planner will shrink to, ms (under TCG a 64 KiB operation can take ~10 ms) */
export const MIN_REPETITION_MS = 15;
/**
 * wall time of a request besides its points (the round trip, bind, setkey, accept), seconds: about
 * 0.3 s with the warm-ups under TCG on a loaded 2-core host (npm run bench:main prints it)
 */
export const AGENT_REQUEST_OVERHEAD_SECONDS = 0.25;
/** the same for the C reference, which the agent starts as a process over 9p: about 1 s with the warm-ups */
export const C_REQUEST_OVERHEAD_SECONDS = 0.9;

/** What the planner needs of a planned request. */
export interface BudgetedRequest {
  engine: 'agent' | 'c-reference';
  request: BenchRequestBody;
}

export interface BudgetPlan<T extends BudgetedRequest> {
  benches: T[];
  /** each point's time share, ms (warm-up included) */
  pointBudgetMs: number;
  /** the whole bench with tcrypt at this plan's minimum, seconds */
  minimumSeconds: number;
  /** what was cut to fit, one sentence each */
  cuts: string[];
}

export function requestOverheadSeconds(bench: BudgetedRequest): number {
  return bench.engine === 'c-reference' ? C_REQUEST_OVERHEAD_SECONDS : AGENT_REQUEST_OVERHEAD_SECONDS;
}

/** A point's time at its minimum repetitions, ms. */
export function minimumPointMs(request: Pick<BenchRequestBody, 'warmupMs' | 'repetitionMs' | 'repetitions'>): number {
  return request.warmupMs + request.repetitions * request.repetitionMs;
}

/** A point's time at its maximum repetitions, ms. */
export function maximumPointMs(request: Pick<BenchRequestBody, 'warmupMs' | 'repetitionMs' | 'repetitions' | 'maxRepetitions'>): number {
  return request.warmupMs + (request.maxRepetitions ?? request.repetitions) * request.repetitionMs;
}

function pointsOf(benches: readonly BudgetedRequest[]): number {
  return benches.reduce((sum, bench) => sum + bench.request.sizes.length, 0);
}

function overheadOf(benches: readonly BudgetedRequest[]): number {
  return benches.reduce((sum, bench) => sum + requestOverheadSeconds(bench), 0);
}

function minimumSecondsOf(benches: readonly BudgetedRequest[], tcryptSeconds: number): number {
  return tcryptSeconds + overheadOf(benches) + benches.reduce((sum, bench) => sum + (bench.request.sizes.length * minimumPointMs(bench.request)) / 1000, 0);
}

/** The share each remaining point gets of `seconds`, ms, within the points' minimum and maximum. */
export function pointShareMs(seconds: number, points: number, request: Pick<BenchRequestBody, 'warmupMs' | 'repetitionMs' | 'repetitions' | 'maxRepetitions'>): number {
  const share = points > 0 ? (seconds * 1000) / points : Infinity;
  return Math.round(Math.max(minimumPointMs(request), Math.min(maximumPointMs(request), share)));
}

const withRequest = <T extends BudgetedRequest>(bench: T, change: Partial<BenchRequestBody>): T => ({ ...bench, request: { ...bench.request, ...change } });

/**
 * Fit the planned requests into `budgetSeconds` (Infinity: no budget) with `tcryptSeconds` set
 * aside; requests whose sizes are all cut are dropped.
 */
export function fitBudget<T extends BudgetedRequest>(planned: readonly T[], budgetSeconds: number, tcryptSeconds: number): BudgetPlan<T> {
  let benches = [...planned];
  const cuts: string[] = [];
  const fits = (): boolean => minimumSecondsOf(benches, tcryptSeconds) <= budgetSeconds;
  if (!fits()) {
    const before = minimumSecondsOf(benches, tcryptSeconds);
    const optional = [...new Set(benches.flatMap((bench) => bench.request.sizes.filter((size) => !CORE_BENCH_SIZES.includes(size))))].sort((a, b) => a - b);
    if (optional.length > 0) {
      benches = benches.map((bench) => withRequest(bench, { sizes: bench.request.sizes.filter((size) => CORE_BENCH_SIZES.includes(size)) })).filter((bench) => bench.request.sizes.length > 0);
      cuts.push(`sizes ${optional.join(', ')} not measured: the budget of ${budgetSeconds} s is below the ${before.toFixed(0)} s their minimum repetitions need (64 B, 4 KiB, 64 KiB kept)`);
    }
  }
  if (!fits() && benches.length > 0) {
    const first = benches[0] as T;
    const fixed = tcryptSeconds + overheadOf(benches);
    const points = pointsOf(benches);
    const perPointMs = ((budgetSeconds - fixed) * 1000) / points;
    // the warm-up shrinks to the floor too, the repetitions share the rest
    const warmupMs = Math.min(first.request.warmupMs, MIN_REPETITION_MS);
    const repetitionMs = Math.max(MIN_REPETITION_MS, Math.floor((perPointMs - warmupMs) / first.request.repetitions));
    if (repetitionMs < first.request.repetitionMs) {
      cuts.push(`repetitions shortened from ${first.request.repetitionMs} ms to ${repetitionMs} ms to fit the budget of ${budgetSeconds} s`);
      benches = benches.map((bench) => withRequest(bench, { repetitionMs, warmupMs: Math.min(bench.request.warmupMs, warmupMs) }));
    }
  }
  const minimumSeconds = minimumSecondsOf(benches, tcryptSeconds);
  if (minimumSeconds > budgetSeconds) {
    cuts.push(`over budget: the minimum of ${benches[0]?.request.repetitions ?? 0} repetitions per point needs about ${minimumSeconds.toFixed(0)} s, more than the budget of ${budgetSeconds} s; measured anyway`);
  }
  const spare = budgetSeconds - tcryptSeconds - overheadOf(benches);
  const first = benches[0];
  const pointBudgetMs = first ? pointShareMs(spare, pointsOf(benches), first.request) : 0;
  return { benches: benches.map((bench) => withRequest(bench, { pointBudgetMs })), pointBudgetMs, minimumSeconds, cuts };
}
