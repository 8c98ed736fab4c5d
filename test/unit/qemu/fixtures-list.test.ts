import assert from 'node:assert/strict';
import { KERNEL_FAULT_FIXTURES, allFixtures, listFixtures } from '../../../qemu/fixtures.js';

describe('fixture lists', () => {
  it("'all' is every fixture but the kernel-fault ones, which exist as sources and are loaded only by name", () => {
    const every = listFixtures();
    for (const name of KERNEL_FAULT_FIXTURES) assert.ok(every.includes(name), `qemu/fixtures/afalg_fixture_${name}.c`);
    assert.deepEqual(allFixtures(), every.filter((name) => !KERNEL_FAULT_FIXTURES.includes(name)));
    assert.ok(allFixtures().includes('xts_hang'));
    assert.ok(!allFixtures().includes('oops'));
  });
});
