import assert from 'node:assert/strict';
import { benchTime, benchTimeLines } from '../../../harness/results/bench-time.js';
import type { BenchLine } from '../../../harness/results/result-model.js';
import { withRates } from '../../../harness/execution/execute-bench.js';

const line = (engine: BenchLine['engine'], path: BenchLine['path'], seconds: number | undefined): BenchLine => ({
  kind: 'bench',
  algorithm: 'cbc(aes)',
  target: 'cbc-aes-aesni',
  generic: false,
  op: 'encrypt',
  path,
  engine,
  keyBytes: 16,
  points: [
    { size: 64, repetitions: [{ ops: 1, ns: 30e6 }, { ops: 1, ns: 30e6 }, { ops: 1, ns: 30e6 }], stopped: 'precise' },
    { size: 4096, repetitions: [{ ops: 1, ns: 40e6 }, { ops: 1, ns: 40e6 }, { ops: 1, ns: 40e6 }, { ops: 1, ns: 40e6 }], stopped: 'time-share' },
  ],
  ...(seconds !== undefined ? { seconds } : {}),
});

describe('results/bench-time', () => {
  it('per engine and path: requests, points, repetitions, measured and wall time, why points stopped', () => {
    const time = benchTime([line('agent', 'copy', 0.5), line('agent', 'copy', 0.5), line('c-reference', 'copy', 1.25)], [{ kind: 'tcrypt', params: ['mode=500', 'sec=0'], seconds: 1.4, figures: [] }]);
    assert.deepEqual(
      time.rows.map((row) => [row.what, row.requests, row.points, row.repetitions, Number(row.measuredSeconds.toFixed(2)), row.wallSeconds, row.stopped]),
      [
        ['agent copy', 2, 4, 14, 0.5, 1, { precise: 2, 'time-share': 2 }],
        ['c-reference copy', 1, 2, 7, 0.25, 1.25, { precise: 1, 'time-share': 1 }],
      ],
    );
    const text = benchTimeLines(time);
    assert.match(text[0] as string, /agent copy .* 2 requests, +4 points, +14 repetitions: 0\.5 s measured, 1\.0 s wall, 0\.5 s besides the repetitions, 0\.25 s per request; stopped: precise 2, time-share 2$/);
    assert.match(text[2] as string, /tcrypt mode=500 sec=0 +1\.4 s in the kernel, 0 figures kept/);
  });

  it('older runs without wall times say so', () => {
    assert.match(benchTimeLines(benchTime([line('agent', 'zerocopy', undefined)], []))[0] as string, /0\.3 s measured, wall time not recorded;/);
  });
});

describe('execution/execute-bench withRates', () => {
  it("turns sec=0 cycle counts into operations per second with the kernel's cycle rate, and leaves rates alone", () => {
    const figures = [
      { algorithm: 'cbc(aes)', driver: 'cbc-aes-aesni', op: 'encrypt' as const, size: 4096, cycles: 30_000 },
      { algorithm: 'cbc(aes)', driver: 'cbc-aes-aesni', op: 'encrypt' as const, size: 64, opsPerSecond: 5 },
    ];
    assert.deepEqual(withRates(figures, 3e9).map((figure) => figure.opsPerSecond), [100_000, 5]);
    assert.equal(withRates(figures, undefined)[0]?.opsPerSecond, undefined, 'no rate known: cycles only, not compared');
  });
});
