import assert from 'node:assert/strict';
import { tallyBatch } from '../../../harness/execution/tally.js';
import { matrixRequest } from '../../../harness/execution/execute-plan.js';
import type { PlannedBatch } from '../../../harness/plan/plan.js';
import type { VectorCase } from '../../../vectors/vector-case.js';

const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');

const aeadCase = (id: string, expectation: VectorCase['expectation'] = 'valid'): VectorCase => ({
  id,
  expectation,
  comment: 'a comment',
  flags: ['ModifiedTag'],
  body: { type: 'aead', key: b64('00'.repeat(16)), iv: b64('00'.repeat(12)), assoc: '', authsize: 16, op: 'decrypt', input: b64('aa'.repeat(16)), expect: b64('') , expectError: 'EBADMSG' },
});

const batch = (cases: VectorCase[], differential = false): PlannedBatch => ({
  id: 'gcm(aes)|test',
  algorithm: 'gcm(aes)',
  type: 'aead',
  source: 'wycheproof/testvectors_v1/aes_gcm_test.json',
  targets: [
    { name: 'gcm(aes)', generic: true, boundDriver: 'generic-gcm-aesni' },
    { name: 'generic-gcm-aesni', generic: false, priority: 400 },
  ],
  strategies: ['oneshot', 'page-cross'],
  cases,
  differential,
  executions: cases.length * 4,
});

describe('run/tally', () => {
  it('counts passes as asked minus answered, and keeps every failure with case id, strategy and bytes', () => {
    const planned = batch([aeadCase('tcId 1'), aeadCase('tcId 2'), aeadCase('tcId 3')]);
    const lines = tallyBatch(planned, {
      executed: 12,
      outcomes: [{ index: 1, ref: '1', alg: 'generic-gcm-aesni', strategy: 'page-cross', status: 'fail', error: 'succeeded, expected EBADMSG', got: b64('0102') }],
    });
    assert.equal(lines.length, 4);
    const failing = lines.find((line) => line.target === 'generic-gcm-aesni' && line.strategy === 'page-cross');
    assert.deepEqual([failing?.passed, failing?.failed], [2, 1]);
    assert.deepEqual(failing?.failures[0], {
      source: 'wycheproof/testvectors_v1/aes_gcm_test.json',
      case: 'tcId 2',
      strategy: 'page-cross',
      status: 'fail',
      expectation: 'valid',
      op: 'decrypt',
      expected: '',
      got: '0102',
      error: 'succeeded, expected EBADMSG',
      comment: 'a comment',
      flags: ['ModifiedTag'],
    });
    const generic = lines.find((line) => line.generic && line.strategy === 'oneshot');
    assert.deepEqual([generic?.passed, generic?.failed, generic?.boundDriver], [3, 0, 'generic-gcm-aesni']);
  });

  it('acceptable cases are counted as acceptable whichever way they went', () => {
    const planned = batch([aeadCase('tcId 9', 'acceptable')]);
    const outcomes = planned.targets.flatMap((target, t) =>
      planned.strategies.map((strategy) => ({ index: 0, ref: '0', alg: target.name, strategy, status: t === 0 ? ('pass' as const) : ('fail' as const) })),
    );
    const lines = tallyBatch(planned, { executed: 4, outcomes });
    for (const line of lines) assert.deepEqual([line.passed, line.failed, line.acceptable], [0, 0, 1]);
    assert.equal(lines.find((line) => line.target === 'gcm(aes)')?.acceptables?.[0]?.outcome, 'accepted');
    assert.equal(lines.find((line) => line.target === 'generic-gcm-aesni')?.acceptables?.[0]?.outcome, 'rejected');
  });

  it('rejects an answer for something the batch did not ask', () => {
    assert.throws(() => tallyBatch(batch([aeadCase('tcId 1')]), { executed: 1, outcomes: [{ index: 5, ref: '5', alg: 'gcm(aes)', strategy: 'oneshot', status: 'fail' }] }), /did not ask for/);
  });

  it('differential: a failing reference removes that case from the other counts; mismatches carry the seed', () => {
    const planned = batch([aeadCase('seed abc#0'), aeadCase('seed abc#1')], true);
    const lines = tallyBatch(planned, {
      executed: 5,
      outcomes: [
        { index: 0, ref: '0', alg: 'gcm(aes)', strategy: 'oneshot', status: 'error', error: 'EINVAL', step: 'send' },
        { index: 1, ref: '1', alg: 'generic-gcm-aesni', strategy: 'oneshot', status: 'fail', got: b64('ff'), expected: b64('00') },
      ],
    });
    const reference = lines.filter((line) => line.target === 'gcm(aes)');
    assert.deepEqual(reference.map((line) => [line.strategy, line.passed, line.failed]), [['oneshot', 1, 1], ['page-cross', 1, 0]]);
    const other = lines.find((line) => line.target === 'generic-gcm-aesni' && line.strategy === 'oneshot');
    assert.deepEqual([other?.passed, other?.failed], [0, 1]);
    assert.equal(other?.failures[0]?.seed, 'seed abc#1');
    assert.equal(other?.failures[0]?.expected, '00');
  });

  it('matrix requests carry the case bodies, acceptable cases ask for every outcome, MCT keeps its own strategies', () => {
    const mct: VectorCase = { id: 'mct', expectation: 'valid', strategies: ['oneshot'], body: { type: 'hash-mct', variant: 'sha2', seed: 'AA==', expect: ['AA=='] } };
    const request = matrixRequest(batch([aeadCase('a', 'acceptable'), mct]));
    assert.deepEqual(request.algs, ['gcm(aes)', 'generic-gcm-aesni']);
    assert.equal(request.cases[0]?.report, true);
    assert.equal(request.cases[1]?.report, undefined);
    assert.deepEqual(request.cases[1]?.strategies, ['oneshot']);
  });
});
