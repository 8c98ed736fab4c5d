/**
 * Turns one matrix answer into result lines: counts per target × strategy, every failure with its
 * case id, strategy, expected and got. The agent answers only what did not plainly pass, so passes
 * are what was asked for minus what came back.
 */
import type { CaseBody, MatrixOutcome, MatrixResult, SplitStrategy } from '../protocol/messages.js';
import type { CaseFailure, TallyLine } from '../results/result-model.js';
import type { PlannedBatch } from '../plan/plan.js';
import type { VectorCase } from '../../vectors/vector-case.js';

const hex = (base64: string | undefined): string | undefined => (base64 === undefined ? undefined : Buffer.from(base64, 'base64').toString('hex'));

export function operationOf(body: CaseBody): string {
  switch (body.type) {
    case 'hash':
      return body.key !== undefined ? 'mac' : 'digest';
    case 'hash-mct':
      return 'mct';
    case 'skcipher':
    case 'aead':
      return body.op;
    default:
      return 'generate';
  }
}

function expectedOf(body: CaseBody, outcome: MatrixOutcome): string | undefined {
  if (outcome.expected !== undefined) return hex(outcome.expected);
  if (body.type === 'hash-mct') {
    const checkpoint = /^checkpoint (\d+)$/.exec(outcome.step ?? '');
    return checkpoint ? hex(body.expect[Number(checkpoint[1])]) : undefined;
  }
  return 'expect' in body && typeof body.expect === 'string' ? hex(body.expect) : undefined;
}

function failureOf(batch: PlannedBatch, vectorCase: VectorCase, outcome: MatrixOutcome): CaseFailure {
  const body = vectorCase.body;
  const failure: CaseFailure = {
    source: batch.source,
    case: vectorCase.id,
    strategy: outcome.strategy,
    status: outcome.status === 'error' ? 'error' : 'fail',
    expectation: vectorCase.expectation,
    op: operationOf(body),
  };
  const expected = expectedOf(body, outcome);
  if (expected !== undefined) failure.expected = expected;
  const got = hex(outcome.got);
  if (got !== undefined) failure.got = got;
  if (outcome.error !== undefined) failure.error = outcome.error;
  else if (body.type === 'hash' && body.expectMismatch) failure.error = 'computed the tag the vector marks invalid';
  if (outcome.step !== undefined) failure.step = outcome.step;
  if (vectorCase.comment) failure.comment = vectorCase.comment;
  if (vectorCase.flags && vectorCase.flags.length > 0) failure.flags = vectorCase.flags;
  if (batch.differential) failure.seed = vectorCase.id;
  return failure;
}

export function tallyBatch(batch: PlannedBatch, result: MatrixResult): TallyLine[] {
  const lines = new Map<string, TallyLine>();
  const keyOf = (target: string, strategy: SplitStrategy): string => `${target}\0${strategy}`;
  const asked = new Map<string, number>();
  for (const target of batch.targets) {
    for (const strategy of batch.strategies) {
      lines.set(keyOf(target.name, strategy), {
        kind: 'tally',
        algorithm: batch.algorithm,
        target: target.name,
        generic: target.generic,
        ...(target.boundDriver ? { boundDriver: target.boundDriver } : {}),
        ...(target.executor ? { executor: target.executor } : {}),
        source: batch.source,
        strategy,
        passed: 0,
        failed: 0,
        acceptable: 0,
        failures: [],
      });
    }
  }
  for (const vectorCase of batch.cases) {
    for (const strategy of vectorCase.strategies ?? batch.strategies) {
      for (const target of batch.targets) {
        const key = keyOf(target.name, strategy);
        asked.set(key, (asked.get(key) ?? 0) + 1);
      }
    }
  }
  const reference = batch.differential ? batch.targets[0]?.name : undefined;
  for (const outcome of result.outcomes) {
    const vectorCase = batch.cases[outcome.index];
    const line = lines.get(keyOf(outcome.alg, outcome.strategy));
    if (!vectorCase || !line) throw new Error(`agent answered for case ${outcome.index} of ${outcome.alg}/${outcome.strategy}, which the batch did not ask for`);
    if (vectorCase.expectation === 'acceptable') {
      line.acceptable++;
      (line.acceptables ??= []).push({
        source: batch.source,
        case: vectorCase.id,
        strategy: outcome.strategy,
        outcome: outcome.status === 'pass' ? 'accepted' : 'rejected',
        ...(outcome.error !== undefined ? { error: outcome.error } : {}),
      });
      continue;
    }
    if (outcome.status === 'pass') continue;
    line.failed++;
    line.failures.push(failureOf(batch, vectorCase, outcome));
    if (outcome.alg === reference && outcome.strategy === 'oneshot') {
      // the reference failed: nothing else ran for this case
      for (const strategy of vectorCase.strategies ?? batch.strategies) {
        for (const target of batch.targets) {
          if (target.name === reference && strategy === 'oneshot') continue;
          const key = keyOf(target.name, strategy);
          asked.set(key, (asked.get(key) ?? 0) - 1);
        }
      }
    }
  }
  for (const [key, line] of lines) line.passed = (asked.get(key) ?? 0) - line.failed - line.acceptable;
  return [...lines.values()].filter((line) => line.passed + line.failed + line.acceptable > 0);
}
