/**
 * Execution: sends the plan's batches to the agent one matrix request at a time and records each
 * answer before asking the next question. A target that stops answering ends the run with what
 * was gathered; an agent error on one batch is recorded and the run goes on.
 */
import type { AgentClient } from '../agent-client.js';
import { AgentError } from '../agent-client.js';
import { TargetError } from '../errors.js';
import type { MatrixRequestBody, MatrixResult } from '../protocol/messages.js';
import type { PlannedBatch, RunPlan } from '../plan/plan.js';
import type { ResultsWriter } from '../results/results-writer.js';
import { tallyBatch } from './tally.js';
import { RunProgress } from './run-progress.js';

export interface ExecutionResult {
  complete: boolean;
  incompleteReason?: string;
  executed: number;
  seconds: number;
  rate: number;
}

export function matrixRequest(batch: PlannedBatch): MatrixRequestBody {
  return {
    algs: batch.targets.map((target) => target.name),
    strategies: batch.strategies,
    differential: batch.differential,
    cases: batch.cases.map((vectorCase) => ({
      ...vectorCase.body,
      ...(vectorCase.expectation === 'acceptable' ? { report: true } : {}),
      ...(vectorCase.strategies ? { strategies: vectorCase.strategies } : {}),
    })),
  };
}

/**
 * Keeps `depth` requests in flight (default 2) so the link and the host's JSON work overlap the
 * agent's; answers are still recorded in plan order.
 */
export async function executePlan(
  agent: AgentClient,
  plan: RunPlan,
  writer: ResultsWriter,
  options: { requestTimeoutMs: number; progress?: RunProgress; depth?: number; done?: ReadonlySet<string> },
): Promise<ExecutionResult> {
  const progress = options.progress ?? new RunProgress(plan.executions, { unit: 'executions' });
  const depth = Math.max(1, options.depth ?? 2);
  const done = options.done ?? new Set<string>();
  // a resumed run has its notes already
  if (done.size === 0) writer.append(plan.notes);
  const batches = plan.batches.filter((batch) => !done.has(batch.id));
  const inFlight: Array<{ batch: PlannedBatch; answer: Promise<MatrixResult> }> = [];
  let next = 0;
  const send = (): void => {
    while (inFlight.length < depth && next < batches.length) {
      const batch = batches[next++] as PlannedBatch;
      const answer = agent.request('matrix', matrixRequest(batch), options.requestTimeoutMs);
      answer.catch(() => undefined); // handled in order below
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
      progress.update(result.executed, `${batch.algorithm} × ${batch.targets.length} targets`, batch.source);
    } catch (error) {
      if (error instanceof AgentError) {
        send();
        writer.append([{ kind: 'incident', algorithm: batch.algorithm, source: batch.source, message: error.message }]);
        continue;
      }
      if (error instanceof TargetError) {
        const message = `${batch.algorithm} (${batch.source}): ${error.message}`;
        writer.append([{ kind: 'incident', algorithm: batch.algorithm, source: batch.source, message: error.message, link: true }]);
        return { complete: false, incompleteReason: message, ...progress.finish() };
      }
      throw error;
    }
  }
  return { complete: true, ...progress.finish() };
}
