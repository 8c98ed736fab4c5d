import assert from 'node:assert/strict';
import { DEBIAN_INTERPRETERS, DEBIAN_TRIPLETS } from '../../../../qemu/apt/debian.js';

describe('qemu/apt/debian', () => {
  it('knows the loader path of each Debian architecture', () => {
    assert.equal(DEBIAN_INTERPRETERS.arm64, '/lib/ld-linux-aarch64.so.1');
    assert.equal(DEBIAN_INTERPRETERS.armhf, '/lib/ld-linux-armhf.so.3');
    assert.equal(DEBIAN_TRIPLETS.armhf, 'arm-linux-gnueabihf');
  });
});
