import assert from 'node:assert/strict';
import { meanInterval, relativePrecision, stopReason, stoppingRuleOf, tQuantile975, type StoppingRule } from '../../../harness/protocol/bench-stopping.js';

const rule = (change: Partial<StoppingRule> = {}): StoppingRule => ({ min: 3, max: 10, precision: 0.03, budgetMs: Infinity, repetitionMs: 30, ...change });

describe('protocol/bench-stopping', () => {
  it("the 95 % interval of the mean: Student's t for few repetitions, none below two", () => {
    assert.equal(tQuantile975(2), 4.303);
    assert.equal(tQuantile975(100), 1.96);
    const { mean, halfWidth } = meanInterval([100, 110, 90]);
    assert.equal(mean, 100);
    // s = 10, n = 3: 4.303 × 10 / √3
    assert.ok(Math.abs(halfWidth - (4.303 * 10) / Math.sqrt(3)) < 1e-9);
    assert.equal(meanInterval([5]).halfWidth, Infinity);
    assert.equal(relativePrecision([5]), Infinity);
  });

  it('never stops below the minimum, whatever the spread or the time', () => {
    assert.equal(stopReason([100, 100], 1e9, rule({ budgetMs: 1 })), undefined);
  });

  it('stops as soon as the interval is within the precision', () => {
    // ±0.3 % around 1000: well within 3 %
    assert.equal(stopReason([1000, 1002, 998], 100, rule()), 'precise');
    // ±10 % spread at three repetitions: go on
    assert.equal(stopReason([1000, 1100, 900], 100, rule()), undefined);
  });

  it('stops noisy points at the maximum count, or when the next repetition would pass the time share', () => {
    const noisy = [1000, 1400, 700, 1200, 800, 1300, 900, 1100, 600, 1500];
    assert.equal(stopReason(noisy, 300, rule()), 'max-repetitions');
    assert.equal(stopReason(noisy.slice(0, 4), 100, rule({ budgetMs: 129 })), 'time-share');
    assert.equal(stopReason(noisy.slice(0, 4), 100, rule({ budgetMs: 130 })), undefined);
  });

  it('a request without maxRepetitions is the old fixed count', () => {
    const fixed = stoppingRuleOf({ repetitions: 5, repetitionMs: 100 });
    assert.deepEqual([fixed.min, fixed.max, fixed.precision], [5, 5, 0]);
    assert.equal(stopReason([1, 1, 1, 1], 0, fixed), undefined, 'even identical rates do not stop a fixed count early');
    assert.equal(stopReason([1, 1, 1, 1, 1], 0, fixed), 'max-repetitions');
    const adaptive = stoppingRuleOf({ repetitions: 3, repetitionMs: 30, maxRepetitions: 8, targetPrecision: 0.05, pointBudgetMs: 400 });
    assert.deepEqual(adaptive, { min: 3, max: 8, precision: 0.05, budgetMs: 400, repetitionMs: 30 });
  });
});
