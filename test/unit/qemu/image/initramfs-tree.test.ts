import assert from 'node:assert/strict';
import { appletsFor } from '../../../../qemu/image/initramfs-tree.js';

describe('qemu/image/initramfs-tree', () => {
  it('links env only into images whose init runs the image node', () => {
    assert.ok(appletsFor('image').includes('env'));
    assert.ok(!appletsFor('host').includes('env'));
    assert.deepEqual(appletsFor('image').filter((applet) => applet !== 'env'), appletsFor('host'));
  });
});
