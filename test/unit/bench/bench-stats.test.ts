import assert from 'node:assert/strict';
import { median, pointStats, rateOf, ratio } from '../../../harness/bench/bench-stats.js';

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

  it('ratio only of two positive figures', () => {
    assert.equal(ratio(3, 4), 0.75);
    assert.equal(ratio(undefined, 4), undefined);
    assert.equal(ratio(3, 0), undefined);
    assert.equal(ratio(NaN, 1), undefined);
  });
});
