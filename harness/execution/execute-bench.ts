/**
 * Runs a bench plan: one request at a time (measurements must not share the CPU), each answer
 * recorded before the next question; then the tcrypt modes. A driver that refuses a request is an
 * incident and the run goes on; a target that stops answering ends it with what was gathered.
 */
import { AgentError, type AgentClient } from '../targets/agent-client.js';
import { TargetError } from '../core/errors.js';
import type { BenchPlan, PlannedBench } from '../bench/bench-plan.js';
import { keyBytesOf } from '../bench/bench-plan.js';
import { pointStats } from '../bench/bench-stats.js';
import { parseTcryptLog, tcryptRunsOf, tcryptSecondsOf, TcryptLogError, type TcryptMode } from '../bench/tcrypt.js';
import { pointShareMs, requestOverheadSeconds } from '../bench/bench-budget.js';
import type { BenchLine, TcryptFigure, TcryptLine } from '../results/result-model.js';
import type { ResultsWriter } from '../results/results-writer.js';
import { RunProgress } from './run-progress.js';

export interface BenchExecution {
  complete: boolean;
  incompleteReason?: string;
  requests: number;
  seconds: number;
  /** of `seconds`, the time tcrypt ran in the kernel */
  tcryptSeconds: number;
}

function benchLine(bench: PlannedBench, points: BenchLine['points'], seconds: number): BenchLine {
  const { request } = bench;
  return {
    kind: 'bench',
    algorithm: bench.algorithm,
    target: bench.target,
    generic: bench.generic,
    ...(bench.boundDriver ? { boundDriver: bench.boundDriver } : {}),
    op: request.operation,
    path: request.path,
    engine: bench.engine,
    ...(bench.executor ? { executor: bench.executor } : {}),
    keyBytes: keyBytesOf(request),
    ...(request.assocLength !== undefined ? { assocBytes: request.assocLength } : {}),
    ...(request.authsize !== undefined ? { authsize: request.authsize } : {}),
    points: points.map((point) => ({ ...point, ...pointSummary(point) })),
    seconds: Number(seconds.toFixed(3)),
  };
}

/** The point's median rate and the 95 % interval of its mean, ops/s, for readers of results.jsonl (the reports recompute them). */
function pointSummary(point: BenchLine['points'][number]): { opsPerSecond?: number; ci95?: [number, number] } {
  const stats = pointStats(point.size, point.repetitions);
  if (!Number.isFinite(stats.opsPerSecond)) return {};
  const round = (value: number): number => Number(value.toFixed(1));
  const perMb = 1e6 / point.size;
  return { opsPerSecond: round(stats.opsPerSecond), ci95: [round(stats.lowMb * perMb), round(stats.highMb * perMb)] };
}

/** What identifies a measurement, in the plan and in results.jsonl alike. */
export function benchKey(bench: { algorithm: string; target: string; engine: string; request?: { operation: string; path: string }; op?: string; path?: string }): string {
  return [bench.algorithm, bench.target, bench.request?.operation ?? bench.op, bench.request?.path ?? bench.path, bench.engine].join('|');
}

export async function executeBench(
  agent: AgentClient,
  plan: BenchPlan,
  writer: ResultsWriter,
  options: { tcryptSec?: number; budgetSeconds?: number; progress?: RunProgress; done?: { benches: ReadonlySet<string>; tcrypt: ReadonlySet<string> } },
): Promise<BenchExecution> {
  const started = Date.now();
  const progress = options.progress ?? new RunProgress(plan.estimatedSeconds, { title: 'bench', seconds: true });
  let requests = 0;
  let tcryptStarted = 0;
  const cut = (subject: string, error: TargetError): BenchExecution => {
    writer.append([{ kind: 'incident', message: `${subject}: ${error.message}`, link: true }]);
    progress.finish();
    return { complete: false, incompleteReason: `${subject}: ${error.message}`, requests, seconds: (Date.now() - started) / 1000, tcryptSeconds: tcryptStarted ? (Date.now() - tcryptStarted) / 1000 : 0 };
  };
  if (plan.notes.length > 0) for (const note of plan.notes) process.stderr.write(`bench: ${note}\n`);
  for (const cut of plan.cuts) process.stderr.write(`bench: budget: ${cut}\n`);
  const shares = new TimeShares(plan, options.budgetSeconds, started);
  for (const bench of plan.benches) {
    shares.next(bench);
    if (options.done?.benches.has(benchKey(bench))) {
      progress.update(bench.estimatedSeconds, `${bench.algorithm} ${bench.request.operation}`, `${bench.target}: measured before the resume`);
      continue;
    }
    const subject = `${bench.algorithm} ${bench.request.operation}`;
    const detail = `${bench.target} ${bench.engine === 'agent' ? bench.request.path : 'C reference'}${bench.executor ? ' (in-kernel executor)' : ''}`;
    progress.update(0, subject, detail);
    try {
      const requestStarted = Date.now();
      const result = await agent.request('bench', shares.request(bench), (bench.estimatedSeconds + 60) * 1000);
      writer.append([benchLine(bench, result.points, (Date.now() - requestStarted) / 1000)]);
    } catch (error) {
      if (error instanceof AgentError) {
        writer.append([{ kind: 'incident', algorithm: bench.algorithm, target: bench.target, message: `bench ${bench.request.operation} ${bench.request.path} (${bench.engine}): ${error.message}` }]);
      } else if (error instanceof TargetError) {
        return cut(`bench ${bench.target} ${bench.request.operation}`, error);
      } else throw error;
    }
    requests++;
    progress.update(bench.estimatedSeconds, subject, detail);
  }
  tcryptStarted = Date.now();
  const sec = options.tcryptSec ?? 1;
  for (const mode of plan.tcrypt) {
    const params = [...mode.params, `sec=${sec}`];
    if (options.done?.tcrypt.has(params.join(' '))) continue;
    // cycle counts cover 8 operations: one preemption spoils a figure, so the mode runs again and
    // the best figure is the ceiling, the runs' spread its noise (bench-summary.ts)
    const runs = tcryptRunsOf(sec);
    const estimated = tcryptSecondsOf(mode, sec) / runs;
    const subject = `tcrypt ${params.join(' ')}`;
    for (let run = 1; run <= runs; run++) {
      progress.update(0, subject, `${mode.algorithms.join(', ')} in the kernel${runs > 1 ? ` (run ${run} of ${runs})` : ''}, about ${RunProgress.format(estimated)}`);
      try {
        writer.append([await tcryptLine(agent, mode, params, estimated)]);
      } catch (error) {
        if (error instanceof AgentError) writer.append([{ kind: 'tcrypt', params, seconds: 0, figures: [], error: error.message }]);
        else if (error instanceof TargetError) return cut(subject, error);
        else throw error;
      }
      requests++;
      progress.update(estimated, subject);
    }
  }
  progress.finish();
  return { complete: true, requests, seconds: (Date.now() - started) / 1000, tcryptSeconds: (Date.now() - tcryptStarted) / 1000 };
}

/** One tcrypt run: its figures for the mode's algorithms (cycle counts converted), or why there are none. */
async function tcryptLine(agent: AgentClient, mode: TcryptMode, params: string[], estimated: number): Promise<TcryptLine> {
  const result = await agent.request('modprobe', { module: 'tcrypt', params }, (estimated * 3 + 120) * 1000);
  const line: TcryptLine = { kind: 'tcrypt', params, seconds: Number(result.seconds.toFixed(2)), figures: [], ...(result.cycleHz !== undefined ? { cycleHz: result.cycleHz } : {}) };
  try {
    const parsed = parseTcryptLog(result.log);
    line.figures = withRates(parsed.figures.filter((figure) => mode.algorithms.includes(figure.algorithm)), result.cycleHz);
    if (parsed.figures.length === 0) {
      line.error = result.stderr || parsed.problems[0] || `tcrypt logged no figures (modprobe exit ${result.exitCode})`;
    }
  } catch (error) {
    if (!(error instanceof TcryptLogError)) throw error;
    line.error = error.message;
  }
  return line;
}

/** Cycle-count figures (sec=0) with the rate they stand for, when the counter's rate is known. */
export function withRates(figures: readonly TcryptFigure[], cycleHz: number | undefined): TcryptFigure[] {
  if (cycleHz === undefined) return [...figures];
  return figures.map((figure) => (figure.cycles !== undefined && figure.cycles > 0 && figure.opsPerSecond === undefined ? { ...figure, opsPerSecond: Number((cycleHz / figure.cycles).toFixed(1)) } : figure));
}

/**
 * Each point's share of what is left of the budget, recomputed before every request: a point that
 * stopped early (small spread) leaves its time to the points after it.
 */
class TimeShares {
  private pointsLeft: number;
  private overheadLeft: number;
  private share: number | undefined;

  constructor(
    private readonly plan: BenchPlan,
    private readonly budgetSeconds: number | undefined,
    private readonly started: number,
  ) {
    this.pointsLeft = plan.benches.reduce((sum, bench) => sum + bench.request.sizes.length, 0);
    this.overheadLeft = plan.benches.reduce((sum, bench) => sum + requestOverheadSeconds(bench), 0);
  }

  /** Called once per planned request, in order, before it runs (or is skipped). */
  next(bench: PlannedBench): void {
    if (this.budgetSeconds !== undefined && bench.request.maxRepetitions !== undefined) {
      const left = this.budgetSeconds - (Date.now() - this.started) / 1000 - this.plan.tcryptSeconds - this.overheadLeft;
      this.share = pointShareMs(left, this.pointsLeft, bench.request);
    }
    this.pointsLeft -= bench.request.sizes.length;
    this.overheadLeft -= requestOverheadSeconds(bench);
  }

  /** The request with the current share as its points' time share. */
  request(bench: PlannedBench): PlannedBench['request'] {
    return this.share !== undefined ? { ...bench.request, pointBudgetMs: this.share } : bench.request;
  }
}
