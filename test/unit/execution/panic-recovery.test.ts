import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AgentClient, AgentError } from '../../../harness/targets/agent-client.js';
import { TargetError } from '../../../harness/core/errors.js';
import { executePlan } from '../../../harness/execution/execute-plan.js';
import type { FatalReport } from '../../../harness/execution/kernel-watch.js';
import { panicHangLine, payloadBytes, recoverFromPanic, replayRequests, replayUntilLost } from '../../../harness/execution/panic-recovery.js';
import type { RunSession } from '../../../harness/execution/run-session.js';
import { RunProgress } from '../../../harness/execution/run-progress.js';
import { ResultsWriter } from '../../../harness/results/results-writer.js';
import type { KernelEventLine } from '../../../harness/results/result-model.js';
import type { PlannedBatch, RunPlan } from '../../../harness/plan/plan.js';
import type { MatrixRequestBody, MatrixResult } from '../../../harness/protocol/messages.js';
import type { VectorCase } from '../../../vectors/vector-case.js';
import { useTempDir } from '../../support/temp-dir.js';

const b64 = (length: number): string => Buffer.alloc(length, 1).toString('base64');
const ecbCase = (id: string, length: number): VectorCase => ({
  id,
  expectation: 'valid',
  body: { type: 'skcipher', key: b64(16), op: 'encrypt', input: b64(length), expect: b64(length) },
});

const PANIC_DRIVER = 'ecb-aes-fixture-panic';
const batch: PlannedBatch = {
  id: 'mmt128',
  algorithm: 'ecb(aes)',
  type: 'skcipher',
  source: 'nist/ciphers/AES/ECB/ECBMMT128.rsp',
  // the generic name binds the panicking driver; the batch asks for it by both names
  targets: [
    { name: 'ecb(aes)', generic: true, boundDriver: PANIC_DRIVER },
    { name: PANIC_DRIVER, generic: false, priority: 1330 },
    { name: 'ecb-aes-aesni', generic: false, priority: 401 },
  ],
  strategies: ['oneshot', 'chunks'],
  cases: [ecbCase('COUNT 0', 16), ecbCase('COUNT 8', 144), { ...ecbCase('COUNT 9', 160), strategies: ['oneshot'] }],
  differential: false,
  executions: 15,
};

const panicLine: KernelEventLine = {
  kind: 'kernel-event',
  event: 'panic',
  title: 'Kernel panic - not syncing: afalg fixture: engine state lost on a 144-byte request',
  function: 'fixture_panic_check',
  module: 'afalg_fixture_panic',
  phase: 'vectors',
  algorithm: 'ecb(aes)',
  source: batch.source,
  targets: batch.targets.map((target) => target.name),
  driver: PANIC_DRIVER,
  text: '[   21.168231] Kernel panic - not syncing: …',
};
const fatal: FatalReport = { line: panicLine, batch, driver: PANIC_DRIVER };

/** An agent whose kernel panics (the link is lost) on a request of a 144-byte case to the panicking driver. */
function panickingAgent(asked: MatrixRequestBody[]): AgentClient {
  return {
    request(op: string, body: MatrixRequestBody): Promise<MatrixResult> {
      assert.equal(op, 'matrix');
      asked.push(body);
      const panics = body.algs.some((name) => name === PANIC_DRIVER || name === 'ecb(aes)') && body.cases.some((one) => one.type === 'skcipher' && Buffer.from(one.input, 'base64').length === 144);
      if (panics) return Promise.reject(new TargetError("the agent link closed while waiting for 'matrix'"));
      if (body.cases.some((one) => one.type === 'skcipher' && Buffer.from(one.input, 'base64').length === 160)) return Promise.reject(new AgentError('matrix', 'EINVAL', 'error'));
      return Promise.resolve({ executed: body.cases.length * body.algs.length * body.strategies.length, outcomes: [] });
    },
  } as unknown as AgentClient;
}

/** A session of a target that restarts `restartsLeft` times, each restarted target's agent from `agentOf`. */
function fakeSession(restartsLeft: number, agentOf: () => AgentClient): { session: RunSession; restartsDone: () => number } {
  const session = {
    board: { name: 'qemu-x86_64' },
    restartsDone: 0,
    target: { agent: agentOf() },
    canRestart: () => session.restartsDone < restartsLeft,
    get restarts() {
      return session.restartsDone;
    },
    restart: () => {
      session.restartsDone++;
      session.target = { agent: agentOf() };
      return Promise.resolve(session.target);
    },
  };
  return { session: session as unknown as RunSession, restartsDone: () => session.restartsDone };
}

describe('execution/panic-recovery', () => {
  const tmp = useTempDir('afalg-panic-recovery-');

  it('payloadBytes: the data an operation is given (AEAD: associated data + text)', () => {
    assert.equal(payloadBytes(ecbCase('x', 144).body), 144);
    assert.equal(payloadBytes({ type: 'aead', key: b64(16), iv: b64(12), assoc: b64(20), authsize: 16, op: 'encrypt', input: b64(64) }), 84);
    assert.equal(payloadBytes({ type: 'hash', msg: b64(3) }), 3);
  });

  it("replays the panicking driver by its own name, case × strategy, each case's own strategies kept", () => {
    const requests = [...replayRequests(batch, PANIC_DRIVER)];
    assert.deepEqual(requests.map(({ culprit }) => `${culprit.target.name} ${culprit.index} ${culprit.strategy}`), [
      `${PANIC_DRIVER} 0 oneshot`, `${PANIC_DRIVER} 0 chunks`, `${PANIC_DRIVER} 1 oneshot`, `${PANIC_DRIVER} 1 chunks`, `${PANIC_DRIVER} 2 oneshot`,
    ]);
    for (const { request } of requests) assert.deepEqual([request.cases.length, request.strategies.length, request.differential], [1, 1, false]);
    // a panic that names no known driver: every target of the request is replayed
    assert.equal([...replayRequests(batch, undefined)].length, 15);
  });

  it('replayUntilLost: the request that loses the link again is the culprit; refused cases are passed over', async () => {
    const asked: MatrixRequestBody[] = [];
    const { culprit, requests } = await replayUntilLost(panickingAgent(asked), batch, PANIC_DRIVER, { requestTimeoutMs: 1000 });
    assert.deepEqual([culprit?.target.name, culprit?.index, culprit?.strategy, requests], [PANIC_DRIVER, 1, 'oneshot', 3]);
    assert.deepEqual(asked.map((body) => body.algs), [[PANIC_DRIVER], [PANIC_DRIVER], [PANIC_DRIVER]]);
    const later: PlannedBatch = { ...batch, cases: [ecbCase('COUNT 0', 16), { ...ecbCase('COUNT 9', 160), strategies: ['oneshot'] }] };
    assert.deepEqual(await replayUntilLost(panickingAgent([]), later, PANIC_DRIVER, { requestTimeoutMs: 1000 }), { requests: 3 });
  });

  it('panicHangLine: the culprit case with the panic as its fault; unknown, the request and why', () => {
    const line = panicHangLine(fatal, { target: { name: PANIC_DRIVER, generic: false }, index: 1, strategy: 'oneshot', seconds: 0.4 }, 'restarted');
    assert.deepEqual(
      [line.target, line.generic, line.case, line.strategy, line.op, line.bytes, line.seconds, line.then, line.fault],
      [PANIC_DRIVER, false, 'COUNT 8', 'oneshot', 'encrypt', 144, 0.4, 'restarted', panicLine.title],
    );
    const unknown = panicHangLine(fatal, undefined, 'stopped');
    assert.deepEqual([unknown.target, unknown.case, unknown.then], [PANIC_DRIVER, 'one of the 3 cases of the request (not replayed)', 'stopped']);
  });

  it('recoverFromPanic on a QEMU guest: restart, replay to the culprit, restart again', async () => {
    const { session, restartsDone } = fakeSession(8, () => panickingAgent([]));
    const logged: string[] = [];
    const { hang, replayed } = await recoverFromPanic(fatal, session, { requestTimeoutMs: 1000, log: (line) => logged.push(line) });
    assert.deepEqual([hang.case, hang.bytes, hang.then, replayed, restartsDone()], ['COUNT 8', 144, 'restarted', 3, 2]);
    assert.match(logged.join('\n'), /restarting qemu-x86_64 \(restart 1\) to replay ecb\(aes\) \(nist\/ciphers\/AES\/ECB\/ECBMMT128\.rsp\) case by case for ecb-aes-fixture-panic/);
  });

  it('recoverFromPanic on a board (no restart from here): the run stops, the panic on the request, nothing replayed', async () => {
    const asked: MatrixRequestBody[] = [];
    const { session } = fakeSession(0, () => panickingAgent(asked));
    const { hang, replayed } = await recoverFromPanic(fatal, session, { requestTimeoutMs: 1000, log: () => undefined });
    assert.deepEqual([hang.target, hang.then, hang.fault, replayed, asked.length], [PANIC_DRIVER, 'stopped', panicLine.title, 0, 0]);
  });

  it('executePlan: a link lost to a panic stops execution with the panic and writes no link incident', async () => {
    const plan: RunPlan = { algorithms: ['ecb(aes)'], absent: [], notes: [], batches: [batch], executions: batch.executions };
    const writer = new ResultsWriter(path.join(tmp.path, 'run'));
    const result = await executePlan(panickingAgent([]), plan, writer, {
      requestTimeoutMs: 1000,
      progress: new RunProgress(plan.executions, { out: fs.createWriteStream('/dev/null') as unknown as NodeJS.WriteStream }),
      fatalReport: () => Promise.resolve(fatal),
    });
    writer.close();
    assert.equal(result.complete, false);
    assert.equal(result.fatal, fatal);
    assert.match(result.incompleteReason ?? '', /^the kernel panicked: Kernel panic - not syncing/);
    assert.doesNotMatch(fs.readFileSync(path.join(tmp.path, 'run', 'results.jsonl'), 'utf8'), /"incident"/);
  });
});
