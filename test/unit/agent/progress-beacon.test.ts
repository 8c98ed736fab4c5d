import assert from 'node:assert/strict';
import { ProgressBeacon, StallWatch } from '../../../harness/agent/progress-beacon.js';

describe('agent/progress-beacon', () => {
  it('carries the position of the last operation marked, and a sequence that moves with every mark or beat', () => {
    const beacon = ProgressBeacon.create();
    beacon.mark(7, 2, 3);
    const first = beacon.read();
    assert.deepEqual({ ...first, sequence: undefined }, { sequence: undefined, caseIndex: 7, algIndex: 2, strategyIndex: 3 });
    beacon.beat();
    assert.equal(beacon.read().sequence, first.sequence + 1);
    assert.equal(beacon.read().caseIndex, 7);
  });

  it('is shared memory: a second view of the same cells (as a worker has) sees the marks', () => {
    const beacon = ProgressBeacon.create();
    const workerView = new ProgressBeacon(beacon.cells);
    workerView.mark(41, 1, 0);
    assert.equal(beacon.read().caseIndex, 41);
  });

  it('StallWatch: counts time only while the sequence stands still', () => {
    const beacon = ProgressBeacon.create();
    const watch = new StallWatch(beacon, 1_000);
    assert.equal(watch.stalledMs(1_500), 500);
    beacon.mark(0, 0, 0);
    assert.equal(watch.stalledMs(2_000), 0, 'a mark is progress');
    assert.equal(watch.stalledMs(9_000), 7_000);
    beacon.beat();
    assert.equal(watch.stalledMs(9_100), 0, 'a beat (long Monte-Carlo case) is progress');
    assert.equal(watch.stalledMs(30_100), 21_000);
  });
});
