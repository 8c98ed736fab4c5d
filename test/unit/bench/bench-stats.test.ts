import assert from 'node:assert/strict';
import { intervalOf, judge, median, pointStats, rateOf, ratio, ratioInterval } from '../../../harness/bench/bench-stats.js';

describe('bench/bench-stats', () => {
  it('median of odd and even counts, NaN for none', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });

  it('a repetition rate is operations over its own elapsed time', () => {
    assert.equal(rateOf({ ops: 500, ns: 250_000_000 }), 2000);
    assert.ok(Number.isNaN(rateOf({ ops: 0, ns: 1 })));
  });

  it('a point: median rate, MB/s of the payload, µs per operation and the spread of the repetitions', () => {
    // 1000, 1100, 900, 1050, 4000 ops/s: the outlier moves the spread, not the median
    const stats = pointStats(4096, [
      { ops: 100, ns: 100_000_000 },
      { ops: 110, ns: 100_000_000 },
      { ops: 90, ns: 100_000_000 },
      { ops: 105, ns: 100_000_000 },
      { ops: 400, ns: 100_000_000 },
    ]);
    assert.equal(stats.opsPerSecond, 1050);
    assert.equal(stats.mbPerSecond, (1050 * 4096) / 1e6);
    assert.ok(Math.abs(stats.usPerOp - 952.38) < 0.01);
    assert.equal(stats.minOpsPerSecond, 900);
    assert.equal(stats.maxOpsPerSecond, 4000);
    assert.ok(Math.abs(stats.spread - 3100 / 1050) < 1e-9);
    assert.equal(stats.repetitions, 5);
    assert.equal(stats.totalOps, 805);
  });

  it("a point's 95 % interval of the mean in MB/s; min–max stands in for a single repetition", () => {
    const stats = pointStats(1000, [
      { ops: 100, ns: 100_000_000 },
      { ops: 110, ns: 100_000_000 },
      { ops: 90, ns: 100_000_000 },
    ]);
    // rates 1000, 1100, 900: mean 1000, s = 100, half-width 4.303 × 100 / √3
    const half = (4.303 * 100) / Math.sqrt(3);
    assert.ok(Math.abs(stats.lowMb - ((1000 - half) * 1000) / 1e6) < 1e-9);
    assert.ok(Math.abs(stats.highMb - ((1000 + half) * 1000) / 1e6) < 1e-9);
    assert.ok(Math.abs(stats.precision - half / 1000) < 1e-9);
    const single = pointStats(1000, [{ ops: 100, ns: 100_000_000 }]);
    assert.deepEqual([single.lowMb, single.highMb, single.precision], [1, 1, Infinity]);
    assert.deepEqual(intervalOf(single), { value: 1, low: 1, high: 1 });
  });

  it('a ratio carries the interval its two figures allow, judged against a threshold', () => {
    const a = { value: 50, low: 45, high: 55 };
    const b = { value: 40, low: 38, high: 42 };
    const faster = ratioInterval(a, b)!;
    assert.equal(faster.value, 1.25);
    assert.ok(Math.abs(faster.low - 45 / 42) < 1e-12 && Math.abs(faster.high - 55 / 38) < 1e-12);
    assert.equal(judge(faster, 1), 'above', 'the slowest a could be beats the fastest b could be');
    assert.equal(judge(faster, 1.2), 'inconclusive');
    assert.equal(judge(faster, 1.5), 'below');
    assert.equal(ratioInterval(a, { value: 40, low: 0, high: 80 })?.high, Infinity);
    assert.equal(ratioInterval({ value: 0, low: 0, high: 0 }, b), undefined);
  });

  it('ratio only of two positive figures', () => {
    assert.equal(ratio(3, 4), 0.75);
    assert.equal(ratio(undefined, 4), undefined);
    assert.equal(ratio(3, 0), undefined);
    assert.equal(ratio(NaN, 1), undefined);
  });
});
