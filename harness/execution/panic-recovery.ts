/**
 * After a kernel panic took the target down mid-request: which case did it? The agent died with
 * the kernel and reported nothing, so on a target the harness can restart (a QEMU guest) the
 * request is replayed for the driver the panic names, one case × strategy per request: the one
 * that loses the link again is the culprit. The guest is then restarted once more and the run goes
 * on without that driver (and its generic twin), as after a hang. A board is not restarted from
 * here: the run stops for `--resume`, the panic attributed to the request only.
 */
import type { AgentClient } from '../targets/agent-client.js';
import { AgentError } from '../targets/agent-client.js';
import { TargetError } from '../core/errors.js';
import type { CaseBody, SplitStrategy } from '../protocol/messages.js';
import type { PlannedBatch, PlannedTarget } from '../plan/plan.js';
import type { HangLine } from '../results/result-model.js';
import { matrixRequest } from './execute-plan.js';
import type { FatalReport } from './kernel-watch.js';
import type { RunSession } from './run-session.js';
import { operationOf } from './tally.js';

/** The request that brought the panic back: its target, case and strategy, and how long it ran. */
export interface PanicCulprit {
  target: PlannedTarget;
  index: number;
  strategy: SplitStrategy;
  seconds: number;
}

/** Bytes of data an operation is given (AEAD: associated data + text), from the case as sent. */
export function payloadBytes(body: CaseBody): number {
  const decoded = (base64: string | undefined): number => (base64 === undefined ? 0 : Buffer.from(base64, 'base64').length);
  switch (body.type) {
    case 'hash':
      return decoded(body.msg);
    case 'aead':
      return decoded(body.assoc) + decoded(body.input);
    case 'skcipher':
      return decoded(body.input);
    default:
      return 0;
  }
}

/** The targets a replay tries: those that select the driver the panic names, else every one of the batch. */
export function replayTargets(batch: PlannedBatch, driver: string | undefined): PlannedTarget[] {
  if (driver === undefined) return batch.targets;
  const own = batch.targets.find((target) => target.name === driver);
  // the driver's own name binds it, even in a batch that reaches it only through the generic name
  return [own ?? { name: driver, generic: false }];
}

/** The single requests of a replay, in the order the agent would have run them. */
export function* replayRequests(batch: PlannedBatch, driver: string | undefined): Generator<{ request: PlannedBatch; culprit: Omit<PanicCulprit, 'seconds'> }> {
  for (const target of replayTargets(batch, driver)) {
    for (const [index, vectorCase] of batch.cases.entries()) {
      for (const strategy of batch.strategies.filter((one) => !vectorCase.strategies || vectorCase.strategies.includes(one))) {
        // no comparison: a replay only asks whether the kernel survives the case
        const request: PlannedBatch = { ...batch, targets: [target], cases: [vectorCase], strategies: [strategy], differential: false, executions: 1 };
        yield { request, culprit: { target, index, strategy } };
      }
    }
  }
}

/** Replay until a request loses the link (the culprit) or every one is answered (not reproduced). */
export async function replayUntilLost(agent: AgentClient, batch: PlannedBatch, driver: string | undefined, options: { hangSec?: number; requestTimeoutMs: number }): Promise<{ culprit?: PanicCulprit; requests: number }> {
  let requests = 0;
  for (const { request, culprit } of replayRequests(batch, driver)) {
    requests++;
    const sentAt = Date.now();
    try {
      await agent.request('matrix', matrixRequest(request, options.hangSec), options.requestTimeoutMs);
    } catch (error) {
      if (error instanceof TargetError || (error instanceof AgentError && error.code === 'hang')) {
        return { culprit: { ...culprit, seconds: Number(((Date.now() - sentAt) / 1000).toFixed(2)) }, requests };
      }
      if (!(error instanceof AgentError)) throw error;
      // a case the driver refuses: not the one that panics
    }
  }
  return { requests };
}

/** The hang line of a panic: the culprit's case when the replay found it, else the request and why its case is unknown. */
export function panicHangLine(fatal: FatalReport, culprit: PanicCulprit | undefined, then: HangLine['then'], unknownBecause = 'not replayed'): HangLine {
  const { batch } = fatal;
  const target = culprit?.target ?? replayTargets(batch, fatal.driver)[0] ?? { name: fatal.driver ?? '?', generic: false };
  const vectorCase = culprit ? batch.cases[culprit.index] : undefined;
  return {
    kind: 'hang',
    algorithm: batch.algorithm,
    target: target.name,
    generic: target.generic,
    ...(target.boundDriver !== undefined ? { boundDriver: target.boundDriver } : {}),
    source: batch.source,
    case: vectorCase?.id ?? `one of the ${batch.cases.length} cases of the request (${unknownBecause})`,
    strategy: culprit?.strategy ?? (batch.strategies[0] as SplitStrategy),
    ...(vectorCase ? { op: operationOf(vectorCase.body), expectation: vectorCase.expectation } : {}),
    bytes: vectorCase ? payloadBytes(vectorCase.body) : 0,
    seconds: culprit?.seconds ?? 0,
    ...(batch.differential && vectorCase ? { seed: vectorCase.id } : {}),
    then,
    fault: fatal.line.title,
  };
}

export interface PanicRecovery {
  hang: HangLine;
  /** single requests replayed to find the case */
  replayed: number;
}

/**
 * Restart the guest, replay to find the case, restart again when the replay brought the panic
 * back; a target that cannot be restarted (a board, restarts used up) stops the run.
 */
export async function recoverFromPanic(fatal: FatalReport, session: RunSession, options: { hangSec?: number; requestTimeoutMs: number; log: (line: string) => void }): Promise<PanicRecovery> {
  if (!session.canRestart()) return { hang: panicHangLine(fatal, undefined, 'stopped'), replayed: 0 };
  options.log(`kernel panic: ${fatal.line.title}\nrestarting ${session.board.name} (restart ${session.restarts + 1}) to replay ${fatal.batch.algorithm} (${fatal.batch.source}) case by case for ${fatal.driver ?? 'each target'}`);
  await session.restart();
  const { culprit, requests } = await replayUntilLost(session.target.agent, fatal.batch, fatal.driver, options);
  if (!culprit) {
    options.log(`kernel panic: not reproduced by ${requests} single requests`);
    return { hang: panicHangLine(fatal, undefined, 'restarted', `not reproduced by ${requests} single requests`), replayed: requests };
  }
  if (!session.canRestart()) return { hang: panicHangLine(fatal, culprit, 'stopped'), replayed: requests };
  await session.restart();
  return { hang: panicHangLine(fatal, culprit, 'restarted'), replayed: requests };
}
