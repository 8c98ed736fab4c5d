import assert from 'node:assert/strict';
import { MatrixPool, mergeSlices, slicesByAlg, slicesOf } from '../../../harness/agent/matrix-pool.js';
import { AfAlgSession } from '../../../harness/agent/afalg-session.js';
import type { MatrixRequestBody } from '../../../harness/protocol/messages.js';

describe('agent/matrix-pool', () => {
  it('slicesOf: cuts every case into contiguous slices, about six per worker, none below four cases', () => {
    const slices = slicesOf(Array.from({ length: 100 }, () => ({})), 2);
    assert.equal(slices.length, 12);
    assert.deepEqual(slices[0], { offset: 0, size: 9 });
    assert.equal(slices.reduce((sum, slice) => sum + slice.size, 0), 100);
    slices.forEach((slice, i) => i > 0 && assert.equal(slice.offset, (slices[i - 1]?.offset ?? 0) + (slices[i - 1]?.size ?? 0)));
    assert.deepEqual(slicesOf(Array.from({ length: 10 }, () => ({})), 2), [{ offset: 0, size: 4 }, { offset: 4, size: 4 }, { offset: 8, size: 2 }]);
    assert.deepEqual(slicesOf(Array.from({ length: 10 }, () => ({})), 1), [{ offset: 0, size: 10 }]);
    assert.deepEqual(slicesOf([], 2), []);
  });

  it('slicesOf: keeps a run of cases that name sockets in one slice', () => {
    // a cut would fall between cases 3 and 4: the run 3…6 stays whole
    const cases = [{}, {}, {}, { socket: 0 }, { socket: 1 }, { socket: 2 }, { socket: 0 }, {}, {}, {}, {}, {}];
    assert.deepEqual(slicesOf(cases, 2), [{ offset: 0, size: 7 }, { offset: 7, size: 4 }, { offset: 11, size: 1 }]);
  });

  it('mergeSlices: counts indexes from the request start, in case order whatever order the slices came back in', () => {
    const merged = mergeSlices([
      { slice: { offset: 4, size: 3 }, result: { executed: 3, outcomes: [{ index: 1, ref: '1', alg: 'b', strategy: 'oneshot', status: 'fail' }] } },
      { slice: { offset: 0, size: 4 }, result: { executed: 2, outcomes: [{ index: 0, ref: '0', alg: 'a', strategy: 'chunks', status: 'error', error: 'EINVAL' }] } },
    ]);
    assert.equal(merged.executed, 5);
    assert.deepEqual(
      merged.outcomes.map((outcome) => [outcome.index, outcome.ref, outcome.alg]),
      [
        [0, '0', 'a'],
        [5, '5', 'b'],
      ],
    );
  });

  it('slicesByAlg: a request with too few cases to share is shared by transform, unless it is differential', () => {
    const few = { algs: ['a', 'b', 'c'], cases: [{ type: 'hash' as const, msg: '' }], differential: false };
    assert.deepEqual(slicesByAlg(few, 2), [
      { offset: 0, size: 1, algs: { offset: 0, count: 1 } },
      { offset: 0, size: 1, algs: { offset: 1, count: 1 } },
      { offset: 0, size: 1, algs: { offset: 2, count: 1 } },
    ]);
    assert.equal(slicesByAlg({ ...few, differential: true }, 2), undefined);
    assert.equal(slicesByAlg(few, 1), undefined);
    assert.equal(slicesByAlg({ ...few, cases: Array.from({ length: 16 }, () => few.cases[0] as (typeof few.cases)[number]) }, 2), undefined);
  });

  it('mergeSlices: slices by transform come back in the order one session answers, by case then transform', () => {
    const outcome = (index: number, alg: string) => ({ index, ref: String(index), alg, strategy: 'oneshot' as const, status: 'fail' as const });
    const merged = mergeSlices([
      { slice: { offset: 0, size: 2, algs: { offset: 1, count: 1 } }, result: { executed: 2, outcomes: [outcome(0, 'b'), outcome(1, 'b')] } },
      { slice: { offset: 0, size: 2, algs: { offset: 0, count: 1 } }, result: { executed: 2, outcomes: [outcome(0, 'a'), outcome(1, 'a')] } },
    ]);
    assert.deepEqual(
      merged.outcomes.map((one) => `${one.index}${one.alg}`),
      ['0a', '0b', '1a', '1b'],
    );
  });

  it('answers a request of few cases, shared by transform, exactly as one session does on this thread', async function () {
    this.timeout(20_000);
    const body: MatrixRequestBody = {
      algs: ['sha1', 'sha256', 'sha512'],
      strategies: ['oneshot', 'page-cross'],
      differential: false,
      cases: Array.from({ length: 3 }, (_, i) => ({ type: 'hash' as const, msg: Buffer.alloc(i + 1, i).toString('base64'), expect: '' })),
    };
    const pool = new MatrixPool(2);
    try {
      const pooled = await pool.run(body);
      assert.equal(pooled.executed, 3 * 3 * 2);
      assert.deepEqual(pooled, new AfAlgSession().runMatrix(body));
    } finally {
      await pool.close();
    }
  });

  it('answers a request on two workers exactly as one session does on this thread', async function () {
    this.timeout(20_000);
    // this host has no AF_ALG: every execution ends in a socket error, which is an outcome like any other
    const body: MatrixRequestBody = {
      algs: ['sha256', 'sha256-generic'],
      strategies: ['oneshot', 'chunks'],
      differential: false,
      cases: Array.from({ length: 37 }, (_, i) => ({ type: 'hash' as const, msg: Buffer.alloc(i, i).toString('base64'), expect: '' })),
    };
    const pool = new MatrixPool(2);
    try {
      const pooled = await pool.run(body);
      const inThread = new AfAlgSession().runMatrix(body);
      assert.equal(pooled.executed, 37 * 4);
      assert.equal(pooled.outcomes.length, 37 * 4);
      assert.deepEqual(pooled, inThread);
    } finally {
      await pool.close();
    }
  });
});
