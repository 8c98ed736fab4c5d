import assert from 'node:assert/strict';
import { cycleRateOf } from '../../../harness/protocol/cycle-rate.js';

describe('protocol/cycle-rate', () => {
  it("takes the TSC's refined calibration over the first detection, in Hz", () => {
    const records = ['Linux version 6.1.0-56-amd64', 'tsc: Detected 2994.374 MHz processor', 'clocksource: tsc-early: mask: 0xffffffffffffffff', 'tsc: Refined TSC clocksource calibration: 2994.371 MHz'];
    assert.equal(cycleRateOf(records), 2_994_371_000);
    assert.equal(cycleRateOf(records.slice(0, 2)), 2_994_374_000);
  });

  it("reads arm64's architected timer, and says nothing when no record tells", () => {
    assert.equal(cycleRateOf(['arch_timer: cp15 timer(s) running at 62.50MHz (virt).']), 62_500_000);
    assert.equal(cycleRateOf(['random: crng init done']), undefined);
  });
});
