import assert from 'node:assert/strict';
import path from 'node:path';
import { loadBoardOrImage } from '../../../harness/board/board-or-image.js';
import { findOnPath } from '../../../harness/core/exec.js';
import { expectBadInput } from '../../support/bad-input.js';
import { useTempDir } from '../../support/temp-dir.js';
import { writeBuildrootImages } from '../qemu/user-image-fixture.js';

describe('loadBoardOrImage', () => {
  const temp = useTempDir('board-or-image-');

  it('a board name is a board file', () => {
    assert.equal(loadBoardOrImage('qemu-x86_64').transport, 'qemu');
  });

  it('buildroot:DIR is a serial board on the image console: root, no password, the image kept as userImage', function () {
    if (!findOnPath('qemu-system-aarch64')) this.skip();
    const dir = writeBuildrootImages(path.join(temp.path, 'images'), 'Image', ['rootfs.cpio']);
    const board = loadBoardOrImage(`buildroot:${dir}`);
    assert.equal(board.name, `buildroot:${dir}`);
    assert.equal(board.arch, 'aarch64');
    assert.equal(board.transport, 'serial');
    assert.equal(board.userImage, `buildroot:${dir}`);
    assert.equal(board.file, `buildroot:${dir}`);
    assert.deepEqual(board.serial?.login, { user: 'root' });
  });

  it("buildroot:DIR with a kernel and no rootfs is a kernel: board: the harness's initramfs around that kernel", function () {
    if (!findOnPath('qemu-system-x86_64')) this.skip();
    const dir = writeBuildrootImages(path.join(temp.path, 'kernel-only'), 'bzImage', []);
    const board = loadBoardOrImage(`buildroot:${dir}`);
    assert.equal(board.transport, 'qemu');
    assert.equal(board.userImage, undefined);
    assert.deepEqual(board.qemu?.kernel, { image: path.join(dir, 'bzImage') });
    assert.equal(board.qemu?.kernelPackage, undefined);
  });

  it('a missing image is one clear line', () => {
    expectBadInput(() => loadBoardOrImage(`buildroot:${temp.path}/nothing`), /nothing: no such directory \(buildroot: takes Buildroot's output\/images\)/);
  });
});
