import assert from 'node:assert/strict';
import { asQemuBoard, loadBoard, type QemuBoard } from '../../../../harness/board/board.js';
import { hashRecipe } from '../../../../qemu/image/image-cache.js';

describe('qemu/image/image-cache', () => {
  describe('recipe', () => {
    const x86 = asQemuBoard(loadBoard('qemu-x86_64'));
    const arm = asQemuBoard(loadBoard('qemu-aarch64'));
    const kernel = { name: 'linux-image-6.1.0-56-arm64', version: '6.1.192-2' };
    const busybox = { name: 'busybox-static', version: '1:1.35.0-4+deb12u1+b1' };
    const node = [
      { name: 'libnode108', version: '18.20.4+dfsg-1~deb12u3', arch: 'arm64' },
      { name: 'nodejs', version: '18.20.4+dfsg-1~deb12u3', arch: 'arm64' },
    ];
    const withQemu = (board: QemuBoard, changes: Partial<QemuBoard['qemu']>): QemuBoard => ({ ...board, qemu: { ...board.qemu, ...changes } });

    it('hashes the node packages and their versions for agentNode image boards', () => {
      const base = hashRecipe(arm, kernel, busybox, node, 'init');
      assert.match(base, /^[0-9a-f]{16}$/);
      assert.equal(hashRecipe(arm, kernel, busybox, node, 'init'), base);
      const bumped = node.map((pkg) => (pkg.name === 'nodejs' ? { ...pkg, version: '18.20.4+dfsg-1~deb12u4' } : pkg));
      assert.notEqual(hashRecipe(arm, kernel, busybox, bumped, 'init'), base);
      assert.notEqual(hashRecipe(arm, kernel, busybox, node.slice(1), 'init'), base);
      assert.notEqual(hashRecipe(withQemu(arm, { agentNode: 'host' }), kernel, busybox, node, 'init'), base);
    });

    it('leaves the recipe of host-node boards as it was (node packages play no part)', () => {
      const base = hashRecipe(x86, kernel, busybox, undefined, 'init');
      assert.equal(hashRecipe(x86, kernel, busybox, node, 'init'), base);
      assert.equal(hashRecipe(withQemu(x86, { agentNode: 'host' }), kernel, busybox, undefined, 'init'), base);
      assert.notEqual(hashRecipe(x86, kernel, busybox, undefined, 'other init'), base);
    });
  });
});
