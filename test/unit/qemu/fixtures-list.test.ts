import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { KERNEL_FAULT_FIXTURES, allFixtures, fixturesDir, listFixtures, sharedHeaders } from '../../../qemu/fixtures.js';

describe('fixture lists', () => {
  it("'all' is every fixture but the kernel-fault ones, which exist as sources and are loaded only by name", () => {
    const every = listFixtures();
    for (const name of KERNEL_FAULT_FIXTURES) assert.ok(every.includes(name), `qemu/fixtures/afalg_fixture_${name}.c`);
    assert.deepEqual(allFixtures(), every.filter((name) => !KERNEL_FAULT_FIXTURES.includes(name)));
    assert.ok(allFixtures().includes('xts_hang'));
    assert.ok(!allFixtures().includes('oops'));
  });
});

describe('fixture shared headers', () => {
  it('every header a fixture (or a shared header) includes from qemu/fixtures goes with the build', () => {
    const shipped = sharedHeaders().map((file) => path.basename(file));
    assert.ok(shipped.includes('afalg_fixture_aead_fallback.h') && shipped.includes('afalg_fixture_skcipher_fallback.h'));
    const sources = [...listFixtures().map((name) => `afalg_fixture_${name}.c`), ...shipped];
    for (const source of sources) {
      const text = fs.readFileSync(path.join(fixturesDir, source), 'utf8');
      for (const [, header] of text.matchAll(/^#include "([^"]+)"/gm)) {
        assert.ok(shipped.includes(header ?? ''), `${source} includes "${header}", which buildFixtures does not copy`);
      }
    }
  });
});
