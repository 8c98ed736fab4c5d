/**
 * Execution: sends the plan's batches to the agent one matrix request at a time and records each
 * answer before asking the next question. A target that stops answering ends the run with what
 * was gathered; an agent error on one batch is recorded and the run goes on.
 */
import type { AgentClient } from '../agent-client.js';
import { AgentError } from '../agent-client.js';
import { TargetError } from '../errors.js';
import type { MatrixRequestBody } from '../protocol/messages.js';
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

export async function executePlan(
  agent: AgentClient,
  plan: RunPlan,
  writer: ResultsWriter,
  options: { requestTimeoutMs: number; progress?: RunProgress },
): Promise<ExecutionResult> {
  const progress = options.progress ?? new RunProgress(plan.executions);
  writer.append(plan.notes);
  for (const batch of plan.batches) {
    try {
      const result = await agent.request('matrix', matrixRequest(batch), options.requestTimeoutMs);
      writer.append(tallyBatch(batch, result));
      progress.update(result.executed, { algorithm: batch.algorithm, source: batch.source, targets: batch.targets.length });
    } catch (error) {
      if (error instanceof AgentError) {
        writer.append([{ kind: 'incident', algorithm: batch.algorithm, source: batch.source, message: error.message }]);
        continue;
      }
      if (error instanceof TargetError) {
        const message = `${batch.algorithm} (${batch.source}): ${error.message}`;
        writer.append([{ kind: 'incident', algorithm: batch.algorithm, source: batch.source, message: error.message }]);
        return { complete: false, incompleteReason: message, ...progress.finish() };
      }
      throw error;
    }
  }
  return { complete: true, ...progress.finish() };
}
