import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AgentClient, AgentError } from '../../../harness/targets/agent-client.js';
import { executePlan, targetsTakenOutBy } from '../../../harness/execution/execute-plan.js';
import { RunProgress } from '../../../harness/execution/run-progress.js';
import { ResultsWriter } from '../../../harness/results/results-writer.js';
import type { HangLine, ResultLine } from '../../../harness/results/result-model.js';
import type { PlannedBatch, RunPlan } from '../../../harness/plan/plan.js';
import type { MatrixRequestBody, MatrixResult } from '../../../harness/protocol/messages.js';
import type { VectorCase } from '../../../vectors/vector-case.js';
import { useTempDir } from '../../support/temp-dir.js';

const b64 = (length: number): string => Buffer.alloc(length, 1).toString('base64');
const xtsCase = (id: string, length: number): VectorCase => ({
  id,
  expectation: 'valid',
  body: { type: 'skcipher', key: b64(32), iv: b64(16), op: 'encrypt', input: b64(length), expect: b64(length) },
});

const TARGETS = [
  { name: 'xts(aes)', generic: true, boundDriver: 'xts-aes-fixture-hang' },
  { name: 'xts-aes-fixture-hang', generic: false, priority: 1200 },
  { name: 'xts-aes-aesni', generic: false, priority: 401 },
];

function batch(id: string, cases: VectorCase[]): PlannedBatch {
  return { id, algorithm: 'xts(aes)', type: 'skcipher', source: 'wycheproof/testvectors_v1/aes_xts_test.json', targets: TARGETS, strategies: ['oneshot'], cases, differential: false, executions: cases.length * TARGETS.length };
}

const plan: RunPlan = {
  algorithms: ['xts(aes)'],
  absent: [],
  notes: [{ kind: 'skip', algorithm: 'xts(aes)', source: 's', reason: 'r', count: 1, cases: ['x'] }],
  batches: [batch('b1', [xtsCase('tcId 1', 32), xtsCase('tcId 2', 48)]), batch('b2', [xtsCase('tcId 21', 64), xtsCase('tcId 22', 68)]), batch('b3', [xtsCase('tcId 40', 96)])],
  executions: 15,
};

/** An agent that hangs on any request asking a target in `hangs` for a case of 68 bytes. */
function fakeAgent(asked: MatrixRequestBody[], hangs: Set<string>): AgentClient {
  return {
    request(op: string, body: MatrixRequestBody): Promise<MatrixResult> {
      assert.equal(op, 'matrix');
      asked.push(body);
      const index = body.cases.findIndex((one) => one.type === 'skcipher' && Buffer.from(one.input, 'base64').length === 68);
      const alg = body.algs.find((name) => hangs.has(name));
      if (index >= 0 && alg) {
        return Promise.reject(new AgentError('matrix', 'hung', 'hang', { alg, strategy: 'oneshot', index, op: 'encrypt', bytes: 68, seconds: 5 }));
      }
      return Promise.resolve({ executed: body.cases.length * body.algs.length * body.strategies.length, outcomes: [] });
    },
  } as unknown as AgentClient;
}

function readLines(dir: string): ResultLine[] {
  return fs.readFileSync(path.join(dir, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as ResultLine);
}

describe('run/execute-plan', () => {
  const tmp = useTempDir('afalg-execute-plan-');
  const quiet = (): RunProgress => new RunProgress(plan.executions, { out: fs.createWriteStream('/dev/null') as unknown as NodeJS.WriteStream });

  it('a hang: records the request that hung, takes the generic name and its bound driver out, and stops for a restart', async () => {
    const writer = new ResultsWriter(path.join(tmp.path, 'first'));
    const asked: MatrixRequestBody[] = [];
    const done = new Set<string>();
    const out = new Set<string>();
    const result = await executePlan(fakeAgent(asked, new Set(['xts(aes)', 'xts-aes-fixture-hang'])), plan, writer, {
      requestTimeoutMs: 1000,
      hangSec: 5,
      depth: 1,
      done,
      out,
      writeNotes: true,
      onHang: 'restarted',
      progress: quiet(),
    });
    writer.close();
    assert.equal(result.complete, false);
    assert.ok(result.hang);
    assert.deepEqual([...done], ['b1']);
    assert.equal(asked[1]?.hangSec, 5, 'the hang limit goes to the agent');
    const hang = readLines(writer.dir).find((line): line is HangLine => line.kind === 'hang');
    assert.deepEqual(hang, {
      kind: 'hang',
      algorithm: 'xts(aes)',
      target: 'xts(aes)',
      generic: true,
      boundDriver: 'xts-aes-fixture-hang',
      source: 'wycheproof/testvectors_v1/aes_xts_test.json',
      case: 'tcId 22',
      strategy: 'oneshot',
      op: 'encrypt',
      expectation: 'valid',
      bytes: 68,
      seconds: 5,
      then: 'restarted',
    });
    assert.match(result.incompleteReason ?? '', /xts\(aes\) \(bound to xts-aes-fixture-hang\) hung: encrypt of 68 bytes, .* tcId 22 \[oneshot\], no answer within 5 s/);
    assert.deepEqual([...out].sort(), ['xts(aes)\0xts(aes)', 'xts(aes)\0xts-aes-fixture-hang']);

    // after the restart: the hung batch again and the rest, without the targets taken out, and no notes twice
    const again: MatrixRequestBody[] = [];
    const restarted = new ResultsWriter(writer.dir);
    const resumed = await executePlan(fakeAgent(again, new Set(['xts(aes)', 'xts-aes-fixture-hang'])), plan, restarted, { requestTimeoutMs: 1000, depth: 2, done, out, writeNotes: false, progress: quiet() });
    restarted.close();
    assert.equal(resumed.complete, true);
    assert.deepEqual(
      again.map((body) => body.algs),
      [['xts-aes-aesni'], ['xts-aes-aesni']],
    );
    const lines = readLines(writer.dir);
    assert.equal(lines.filter((line) => line.kind === 'skip').length, 1);
    assert.deepEqual(
      lines.filter((line) => line.kind === 'done').map((line) => (line.kind === 'done' ? line.batch : '')),
      ['b1', 'b2', 'b3'],
    );
  });

  it('a hung driver takes out the generic name bound to it, and a batch with no target left is marked done unasked', async () => {
    const hang = { algorithm: 'xts(aes)', target: 'xts-aes-fixture-hang', generic: false };
    assert.deepEqual(targetsTakenOutBy(hang, plan).map(({ target }) => target).sort(), ['xts(aes)', 'xts-aes-fixture-hang']);
    assert.ok(targetsTakenOutBy(hang, plan).every(({ algorithm }) => algorithm === 'xts(aes)'));
    const everyone = new Set(TARGETS.map((target) => `xts(aes)\0${target.name}`));
    const writer = new ResultsWriter(path.join(tmp.path, 'empty'));
    const asked: MatrixRequestBody[] = [];
    const result = await executePlan(fakeAgent(asked, new Set()), plan, writer, { requestTimeoutMs: 1000, out: everyone, writeNotes: false, progress: quiet() });
    writer.close();
    assert.equal(result.complete, true);
    assert.equal(asked.length, 0);
    assert.deepEqual(
      readLines(writer.dir).map((line) => (line.kind === 'done' ? line.executions : -1)),
      [0, 0, 0],
    );
  });
});
