import assert from 'node:assert/strict';
import { asQemuBoard, listBoards, loadBoard } from '../../../harness/board/board.js';
import { packageSources } from '../../../qemu/image/package-resolution.js';
import { sourcesList } from '../../../qemu/apt/sources.js';

/** The kernel matrix's built-in boards: Debian's own kernels of each suite, through private apt lists. */
const MATRIX = [
  { board: 'qemu-x86_64-bullseye', suite: 'bullseye', arch: 'amd64', builtinVirtio: false },
  { board: 'qemu-x86_64-trixie', suite: 'trixie', arch: 'amd64', builtinVirtio: true },
  { board: 'qemu-aarch64-trixie', suite: 'trixie', arch: 'arm64', builtinVirtio: true },
] as const;

describe('qemu: the kernel matrix boards (bullseye 5.10, trixie 6.12)', () => {
  it('are bundled', () => {
    for (const { board } of MATRIX) assert.ok(listBoards().includes(board), board);
  });

  for (const expected of MATRIX) {
    it(`${expected.board}: ${expected.suite}'s ${expected.arch} kernel from private lists of its own suite`, () => {
      const board = asQemuBoard(loadBoard(expected.board));
      assert.equal(board.qemu.debianSuite, expected.suite);
      assert.equal(board.qemu.debianArch, expected.arch);
      const sources = packageSources(board, 'amd64', () => undefined);
      assert.equal(sources.foreign, true);
      assert.match(sources.privateApt?.layout.root ?? '', new RegExp(`/apt/${expected.arch}-${expected.suite}$`));
      // trixie builds virtio_pci and virtio_console in; naming them would fail the module selection
      assert.equal(board.qemu.modules.include.includes('virtio_pci'), !expected.builtinVirtio);
      assert.ok(board.qemu.modules.preload.includes('virtio_crypto'));
    });
  }

  it("a stable suite's lists take its -updates and -security suites too (bullseye's current kernel is in -security)", () => {
    const lines = sourcesList('amd64', { debian: 'http://m/debian', security: 'http://m/debian-security' }, 'bullseye').trim().split('\n');
    assert.deepEqual(
      lines.map((line) => line.split(' ').slice(-3).join(' ')),
      ['http://m/debian bullseye main', 'http://m/debian bullseye-updates main', 'http://m/debian-security bullseye-security main'],
    );
  });
});
