/**
 * Execution: sends the plan's batches to the agent one matrix request at a time and records each
 * answer before asking the next question. A target that stops answering ends the run with what
 * was gathered; an agent error on one batch is recorded and the run goes on. An operation that
 * hangs is recorded as a hang line naming the request, its target is dropped from the rest of the
 * plan, and execution stops so that the caller can restart the target (or stop the run). A link
 * lost to a kernel panic stops execution too, the panic handed to the caller (which alone can find
 * the case that caused it).
 */
import type { AgentClient } from '../targets/agent-client.js';
import { AgentError } from '../targets/agent-client.js';
import { TargetError } from '../core/errors.js';
import type { MatrixHang, MatrixRequestBody, MatrixResult } from '../protocol/messages.js';
import type { PlannedBatch, PlannedTarget, RunPlan } from '../plan/plan.js';
import { type HangLine } from '../results/result-model.js';
import { targetKey } from '../results/run-record.js';
import type { ResultsWriter } from '../results/results-writer.js';
import { operationOf, tallyBatch } from './tally.js';
import { RunProgress } from './run-progress.js';
import { describeHang } from '../results/summary.js';
import type { FatalReport } from './kernel-watch.js';

export interface ExecutionResult {
  complete: boolean;
  incompleteReason?: string;
  /** execution stopped at this hang (the target needs a restart before anything else runs) */
  hang?: HangLine;
  /** execution stopped because a kernel panic took the target down (nothing written about it yet) */
  fatal?: FatalReport;
  executed: number;
  seconds: number;
  rate: number;
}

/** How long after its answer a request still counts as in flight for the kernel reports that arrive. */
const REPORT_GRACE_MS = 2000;

export function matrixRequest(batch: PlannedBatch, hangSec?: number): MatrixRequestBody {
  return {
    algs: batch.targets.map((target) => target.name),
    strategies: batch.strategies,
    differential: batch.differential,
    cases: batch.cases.map((vectorCase) => ({
      ...vectorCase.body,
      ...(vectorCase.expectation === 'acceptable' ? { report: true } : {}),
      ...(vectorCase.strategies ? { strategies: vectorCase.strategies } : {}),
    })),
    ...(hangSec !== undefined ? { hangSec } : {}),
    ...(batch.targets.some((target) => target.executor === 'kernel') ? { kernelAlgs: batch.targets.filter((target) => target.executor === 'kernel').map((target) => target.name) } : {}),
  };
}


/**
 * The targets a hang takes out of the run: the one that hung and, since the generic name and the
 * driver it binds are the same code, its twin (the bound driver of a generic target; the generic
 * names bound to a hung driver).
 */
export function targetsTakenOutBy(hang: Pick<HangLine, 'algorithm' | 'target' | 'generic' | 'boundDriver'>, plan: RunPlan): Array<{ algorithm: string; target: string }> {
  const names = new Set<string>([hang.target]);
  if (hang.generic && hang.boundDriver) names.add(hang.boundDriver);
  for (const batch of plan.batches) {
    if (batch.algorithm !== hang.algorithm) continue;
    for (const target of batch.targets) if (target.generic && target.boundDriver !== undefined && names.has(target.boundDriver)) names.add(target.name);
  }
  return [...names].map((name) => ({ algorithm: hang.algorithm, target: name }));
}

/** The batch as it is still to be asked: without the targets a hang took out (undefined: nothing left). */
function remainingBatch(batch: PlannedBatch, out: ReadonlySet<string>): PlannedBatch | undefined {
  const targets = batch.targets.filter((target) => !out.has(targetKey(batch.algorithm, target.name)));
  if (targets.length === batch.targets.length) return batch;
  // a differential batch compares with its first target: without the reference there is nothing to compare
  if (targets.length === 0 || (batch.differential && targets[0] !== batch.targets[0])) return undefined;
  const perTarget = batch.executions / batch.targets.length;
  return { ...batch, targets, executions: Math.round(perTarget * targets.length) };
}

function hangLineOf(batch: PlannedBatch, hang: MatrixHang, then: HangLine['then']): HangLine {
  const vectorCase = batch.cases[hang.index];
  const target: PlannedTarget | undefined = batch.targets.find((one) => one.name === hang.alg);
  return {
    kind: 'hang',
    algorithm: batch.algorithm,
    target: hang.alg,
    generic: target?.generic ?? false,
    ...(target?.boundDriver !== undefined ? { boundDriver: target.boundDriver } : {}),
    source: batch.source,
    case: vectorCase?.id ?? `#${hang.index}`,
    strategy: hang.strategy,
    ...(vectorCase ? { op: operationOf(vectorCase.body), expectation: vectorCase.expectation } : hang.op !== undefined ? { op: hang.op } : {}),
    bytes: hang.bytes,
    seconds: hang.seconds,
    ...(batch.differential && vectorCase ? { seed: vectorCase.id } : {}),
    then,
    ...(hang.fault !== undefined ? { fault: hang.fault } : {}),
  };
}

export interface ExecuteOptions {
  /** one matrix request (whole batch) to its answer, host side */
  requestTimeoutMs: number;
  /** one operation, agent side: longer is a hang */
  hangSec?: number;
  progress?: RunProgress;
  /** requests in flight (default 2) */
  depth?: number;
  /** batch ids already done (a resumed run's; execution adds each batch it finishes) */
  done?: Set<string>;
  /** algorithm × target keys a hang took out (execution adds to it) */
  out?: Set<string>;
  /** write the plan's notes first (the first attempt of a run does; restarts and resumes do not) */
  writeNotes?: boolean;
  /** what a hang leads to, as recorded on its line: the caller restarts the target, or stops */
  onHang?: HangLine['then'];
  /** told of each request sent, answered and ended (the kernel watch attributes reports to the request in flight) */
  requests?: { requestSent(batch: PlannedBatch): void; requestAnswered?(batch: PlannedBatch): void; requestEnded(batch: PlannedBatch): void };
  /** asked when the link is lost: the kernel panic that took the target down, if one did */
  fatalReport?: () => Promise<FatalReport | undefined>;
}

/**
 * Keeps `depth` requests in flight (default 2) so the link and the host's JSON work overlap the
 * agent's; answers are still recorded in plan order.
 */
export async function executePlan(agent: AgentClient, plan: RunPlan, writer: ResultsWriter, options: ExecuteOptions): Promise<ExecutionResult> {
  const progress = options.progress ?? new RunProgress(plan.executions, { unit: 'executions' });
  const depth = Math.max(1, options.depth ?? 2);
  const done = options.done ?? new Set<string>();
  const out = options.out ?? new Set<string>();
  if (options.writeNotes ?? done.size === 0) writer.append(plan.notes);
  const batches = plan.batches.filter((batch) => !done.has(batch.id));
  const inFlight: Array<{ batch: PlannedBatch; answer: Promise<MatrixResult> }> = [];
  let next = 0;
  const send = (): void => {
    while (inFlight.length < depth && next < batches.length) {
      const planned = batches[next++] as PlannedBatch;
      const batch = remainingBatch(planned, out);
      if (!batch) {
        // every target of the batch hung earlier: nothing to ask, nothing to count
        progress.drop(planned.executions);
        writer.append([{ kind: 'done', batch: planned.id, executions: 0 }]);
        done.add(planned.id);
        continue;
      }
      if (batch !== planned) progress.drop(planned.executions - batch.executions);
      const answer = agent.request('matrix', matrixRequest(batch, options.hangSec), options.requestTimeoutMs);
      options.requests?.requestSent(batch);
      // handled in order below; the request counts as in flight a little longer, for the kernel's report of it to arrive
      answer.then(() => options.requests?.requestAnswered?.(batch), () => undefined).finally(() => setTimeout(() => options.requests?.requestEnded(batch), REPORT_GRACE_MS).unref());
      inFlight.push({ batch, answer });
    }
  };
  send();
  while (inFlight.length > 0) {
    const { batch, answer } = inFlight.shift() as { batch: PlannedBatch; answer: Promise<MatrixResult> };
    try {
      const result = await answer;
      send();
      // the batch's lines and its done mark in one write: a resume never counts a batch twice
      writer.append([...tallyBatch(batch, result), { kind: 'done', batch: batch.id, executions: result.executed }]);
      done.add(batch.id);
      progress.update(result.executed, `${batch.algorithm} × ${batch.targets.length} targets`, batch.source);
    } catch (error) {
      if (error instanceof AgentError && error.code === 'hang' && error.hang) {
        // the target is stuck in the kernel: record what hung, take it out, let the caller restart
        const line = hangLineOf(batch, error.hang, options.onHang ?? 'stopped');
        writer.append([line]);
        for (const taken of targetsTakenOutBy(line, plan)) out.add(targetKey(taken.algorithm, taken.target));
        return { complete: false, incompleteReason: describeHang(line), hang: line, ...progress.finish() };
      }
      if (error instanceof AgentError) {
        send();
        writer.append([{ kind: 'incident', algorithm: batch.algorithm, source: batch.source, message: error.message }]);
        continue;
      }
      if (error instanceof TargetError) {
        const fatal = await options.fatalReport?.();
        if (fatal) return { complete: false, incompleteReason: `the kernel panicked: ${fatal.line.title}`, fatal, ...progress.finish() };
        const message = `${batch.algorithm} (${batch.source}): ${error.message}`;
        writer.append([{ kind: 'incident', algorithm: batch.algorithm, source: batch.source, message: error.message, link: true }]);
        return { complete: false, incompleteReason: message, ...progress.finish() };
      }
      throw error;
    }
  }
  return { complete: true, ...progress.finish() };
}
