import assert from 'node:assert/strict';
import { AGENT_REQUEST_OVERHEAD_SECONDS, C_REQUEST_OVERHEAD_SECONDS, CORE_BENCH_SIZES, MIN_REPETITION_MS, fitBudget, pointShareMs, type BudgetedRequest } from '../../../harness/bench/bench-budget.js';
import type { BenchRequestBody } from '../../../harness/protocol/messages.js';

const SIZES = [16, 64, 256, 1024, 4096, 16384, 65536];
const request = (sizes = SIZES): BenchRequestBody => ({ type: 'skcipher', alg: 'cbc(aes)', operation: 'encrypt', path: 'copy', sizes, warmupMs: 15, repetitionMs: 30, repetitions: 3, maxRepetitions: 10, targetPrecision: 0.03 });
const benches = (agent: number, c: number, sizes = SIZES): BudgetedRequest[] => [
  ...Array.from({ length: agent }, () => ({ engine: 'agent' as const, request: request(sizes) })),
  ...Array.from({ length: c }, () => ({ engine: 'c-reference' as const, request: request(sizes) })),
];
/** the minimum of a plan: overhead + every point at its minimum repetitions + tcrypt */
const minimumOf = (plan: BudgetedRequest[], tcrypt: number): number =>
  tcrypt + plan.reduce((sum, one) => sum + (one.engine === 'agent' ? AGENT_REQUEST_OVERHEAD_SECONDS : C_REQUEST_OVERHEAD_SECONDS) + (one.request.sizes.length * (one.request.warmupMs + 3 * one.request.repetitionMs)) / 1000, 0);

describe('bench/bench-budget', () => {
  it('a budget that fits: nothing cut, the spare time shared out per point up to the maximum repetitions', () => {
    const planned = benches(4, 2);
    const plan = fitBudget(planned, 60, 5);
    assert.deepEqual(plan.cuts, []);
    assert.equal(plan.benches.length, 6);
    assert.ok(Math.abs(plan.minimumSeconds - minimumOf(planned, 5)) < 1e-9);
    // (60 − 5 − overhead) over 42 points is more than 10 repetitions' worth: capped at 15 + 10 × 30 ms
    assert.equal(plan.pointBudgetMs, 315);
    assert.ok(plan.benches.every((one) => one.request.pointBudgetMs === 315 && one.request.sizes.length === 7));
  });

  it('a tight budget: every point gets its share, never below the minimum repetitions', () => {
    const plan = fitBudget(benches(4, 2), minimumOf(benches(4, 2), 5) + 2, 5);
    assert.deepEqual(plan.cuts, []);
    // 2 s over 42 points above the minimum of 105 ms
    assert.equal(plan.pointBudgetMs, Math.round(105 + 2000 / 42));
  });

  it('a budget below the minimum: the sizes outside 64 B / 4 KiB / 64 KiB go first, and the cut is said', () => {
    const planned = benches(50, 25);
    const plan = fitBudget(planned, 90, 7);
    assert.ok(plan.benches.every((one) => one.request.sizes.join() === CORE_BENCH_SIZES.join()));
    assert.equal(plan.cuts.length, 1);
    assert.match(plan.cuts[0] as string, /^sizes 16, 256, 1024, 16384 not measured: the budget of 90 s is below the \d+ s their minimum repetitions need \(64 B, 4 KiB, 64 KiB kept\)$/);
    assert.ok(plan.minimumSeconds <= 90);
    assert.ok(plan.pointBudgetMs >= 105);
  });

  it('still too short: repetitions shorten (not below the floor), then the run goes over and says by how much', () => {
    const shortened = fitBudget(benches(50, 25), 60, 7);
    assert.equal(shortened.cuts.length, 2);
    assert.match(shortened.cuts[1] as string, /^repetitions shortened from 30 ms to \d+ ms to fit the budget of 60 s$/);
    const repetitionMs = shortened.benches[0]?.request.repetitionMs ?? 0;
    assert.ok(repetitionMs >= MIN_REPETITION_MS && repetitionMs < 30);
    const over = fitBudget(benches(50, 25), 20, 7);
    assert.equal(over.benches[0]?.request.repetitionMs, MIN_REPETITION_MS);
    assert.match(over.cuts.at(-1) as string, /^over budget: the minimum of 3 repetitions per point needs about \d+ s, more than the budget of 20 s; measured anyway$/);
    assert.equal(over.benches.length, 75, 'no request is dropped: 64 B, 4 KiB and 64 KiB of every driver stay');
  });

  it('no budget: every point may run to its maximum', () => {
    const plan = fitBudget(benches(2, 1), Infinity, 5);
    assert.deepEqual([plan.cuts, plan.pointBudgetMs], [[], 315]);
  });

  it('a share is what is left over the points left, between the minimum and the maximum', () => {
    assert.equal(pointShareMs(10, 50, request()), 200);
    assert.equal(pointShareMs(1, 50, request()), 105, 'never below the minimum repetitions');
    assert.equal(pointShareMs(-5, 50, request()), 105, 'overdrawn: still the minimum');
    assert.equal(pointShareMs(100, 50, request()), 315, 'never above the maximum repetitions');
  });
});
