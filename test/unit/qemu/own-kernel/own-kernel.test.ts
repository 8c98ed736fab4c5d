/**
 * "My kernel tree": the kernel: spec, the release read from a kernel image, the modules dir or
 * tgz resolved to lib/modules/<release>, the root modules a disk root needs — and the bad input of
 * each as one line naming the file, exit 2, before anything is built or booted.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BadInputError, EXIT } from '../../../../harness/core/errors.js';
import { loadBoardOrImage } from '../../../../harness/board/board-or-image.js';
import { asQemuBoard, loadBoard, type QemuBoardConfig } from '../../../../harness/board/board.js';
import { kernelImageRelease } from '../../../../qemu/kernel-image.js';
import { parseKernelSpec } from '../../../../qemu/own-kernel/kernel-spec.js';
import { readModuleTree } from '../../../../qemu/own-kernel/modules-source.js';
import { ownKernelFiles, reconcileRelease } from '../../../../qemu/own-kernel/own-kernel-image.js';
import { rootModulesNeeded } from '../../../../qemu/own-kernel/root-loader.js';
import { expectBadInput } from '../../../support/bad-input.js';
import { useTempDir } from '../../../support/temp-dir.js';
import { kernelBytes } from '../user-image-fixture.js';

const RELEASE = '6.6.75-yocto-standard';

/** A bzImage whose boot header names RELEASE (kernel_version at 0x20e points, from 0x200, at the string). */
function bzImageOf(release: string): Buffer {
  const bytes = kernelBytes('bzImage');
  bytes.writeUInt16LE(0x400, 0x20e);
  bytes.write(`${release} (oe-user@oe-host) #1 SMP PREEMPT\0`, 0x600, 'latin1');
  return bytes;
}

/** lib/modules/<release> under base, with a modules.dep of these modules. */
function writeModules(base: string, release: string, modules: string[]): string {
  const root = path.join(base, 'lib', 'modules', release);
  for (const file of modules) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), 'not really a module');
  }
  fs.writeFileSync(path.join(root, 'modules.dep'), modules.map((file) => `${file}:\n`).join(''));
  return base;
}

async function expectBadInputAsync(fn: () => Promise<unknown>, expected: RegExp): Promise<void> {
  const caught = await fn().then(() => undefined, (error: unknown) => error);
  assert.ok(caught instanceof BadInputError, `expected BadInputError, got ${String(caught)}`);
  assert.equal(caught.exitCode, EXIT.badInput);
  assert.ok(!caught.message.includes('\n'), caught.message);
  assert.match(caught.message, expected);
}

describe('qemu/own-kernel', () => {
  const temp = useTempDir('own-kernel-');

  describe('the kernel release from the image', () => {
    it("a bzImage's boot header, an ELF vmlinux's banner; a zImage's is compressed", () => {
      const bzImage = path.join(temp.path, 'bzImage');
      fs.writeFileSync(bzImage, bzImageOf(RELEASE));
      assert.equal(kernelImageRelease(bzImage, 'bzImage'), RELEASE);
      const vmlinux = path.join(temp.path, 'vmlinux');
      fs.writeFileSync(vmlinux, Buffer.concat([Buffer.alloc(64), Buffer.from('Linux version %s\0Linux version 6.12.9-arm64 (builder) #1\0')]));
      assert.equal(kernelImageRelease(vmlinux, 'vmlinux'), '6.12.9-arm64');
      assert.equal(kernelImageRelease(bzImage, 'zImage'), undefined);
    });

    it('a header without a release string reads as unknown, not as garbage', () => {
      const file = path.join(temp.path, 'bare-bzImage');
      fs.writeFileSync(file, kernelBytes('bzImage'));
      assert.equal(kernelImageRelease(file, 'bzImage'), undefined);
    });
  });

  describe('kernel: specs', () => {
    it('a kernel tree gives arch/x86/boot/bzImage and .config; options name modules, dtb and config', () => {
      const tree = path.join(temp.path, 'linux');
      fs.mkdirSync(path.join(tree, 'arch', 'x86', 'boot'), { recursive: true });
      fs.writeFileSync(path.join(tree, 'arch', 'x86', 'boot', 'bzImage'), bzImageOf(RELEASE));
      fs.writeFileSync(path.join(tree, '.config'), 'CONFIG_CRYPTO_USER_API_HASH=y\n');
      assert.deepEqual(parseKernelSpec(`kernel:${tree},modules=${temp.path}/mods`), {
        image: path.join(tree, 'arch', 'x86', 'boot', 'bzImage'),
        config: path.join(tree, '.config'),
        modules: path.join(temp.path, 'mods'),
      });
      assert.equal(parseKernelSpec(`kernel:${tree},modules=~/mods`).modules, path.join(os.homedir(), 'mods'));
    });

    it("kernel:FILE is the built-in board of the kernel's architecture with the files in place of Debian's package", () => {
      const board = loadBoardOrImage(`kernel:${path.join(temp.path, 'linux')}`);
      assert.equal(board.transport, 'qemu');
      assert.equal(board.qemu?.kernelPackage, undefined);
      assert.equal(board.qemu?.kernel?.image, path.join(temp.path, 'linux', 'arch', 'x86', 'boot', 'bzImage'));
      assert.equal(board.qemu?.machine, 'pc');
      assert.ok((board.timeouts?.agentReadySec ?? 0) >= 180);
    });

    it("a board file's qemu.kernel replaces kernelPackage, its paths relative to the board file; both or neither is refused", () => {
      const qemu = { ...(loadBoard('qemu-x86_64').qemu as QemuBoardConfig) };
      delete qemu.kernelPackage;
      const write = (name: string, section: object): string => {
        const file = path.join(temp.path, 'boards', name);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, JSON.stringify({ name, arch: 'x86_64', transport: 'qemu', qemu: section }));
        return file;
      };
      const board = asQemuBoard(loadBoard(write('mine.json', { ...qemu, kernel: { image: '../linux/arch/x86/boot/bzImage', modules: '../mods' } })));
      assert.deepEqual(ownKernelFiles(board), { image: path.join(temp.path, 'linux', 'arch', 'x86', 'boot', 'bzImage'), modules: path.join(temp.path, 'mods') });
      expectBadInput(() => loadBoard(write('both.json', { ...qemu, kernelPackage: 'linux-image-amd64', kernel: { image: 'bzImage' } })), /both\.json: field '\/qemu\/kernelPackage' is not allowed here$/);
      expectBadInput(() => loadBoard(write('neither.json', qemu)), /neither\.json: missing field '\/qemu\/kernelPackage'$/);
    });

    it('bad input: not a kernel image, no such file, a tree without an image, an unknown option', () => {
      const text = path.join(temp.path, 'README');
      fs.writeFileSync(text, 'not a kernel\n'.repeat(100));
      expectBadInput(() => loadBoardOrImage(`kernel:${text}`), `${text}: not a kernel image (no bzImage, arm64 Image, zImage or ELF vmlinux header)`);
      expectBadInput(() => parseKernelSpec(`kernel:${temp.path}/nothing`), /nothing: no such kernel image or kernel tree$/);
      fs.mkdirSync(path.join(temp.path, 'empty-tree'));
      expectBadInput(() => parseKernelSpec(`kernel:${temp.path}/empty-tree`), /empty-tree: no kernel image in this kernel tree \(looked for arch\/x86\/boot\/bzImage/);
      expectBadInput(() => parseKernelSpec(`kernel:${text},initrd=x`), /'initrd=x' is not one of modules=PATH, dtb=PATH, config=PATH/);
    });
  });

  describe('modules', () => {
    it('an INSTALL_MOD_PATH dir, its lib/modules/<release>, and a Yocto modules tgz give the same tree', async () => {
      const base = writeModules(path.join(temp.path, 'install'), RELEASE, ['kernel/drivers/block/virtio_blk.ko', 'kernel/fs/ext4/ext4.ko']);
      const tgz = path.join(temp.path, 'modules-qemux86-64.tgz');
      execFileSync('tar', ['-czf', tgz, '-C', base, 'lib']);
      for (const source of [base, path.join(base, 'lib', 'modules', RELEASE), tgz]) {
        const tree = await readModuleTree(source, fs.mkdtempSync(path.join(temp.path, 'work-')));
        assert.equal(tree.release, RELEASE, source);
        assert.deepEqual([...tree.deps.keys()].sort(), ['kernel/drivers/block/virtio_blk.ko', 'kernel/fs/ext4/ext4.ko']);
        assert.deepEqual(rootModulesNeeded(tree), ['virtio_blk', 'ext4']);
      }
    });

    it('a kernel with virtio_blk and ext4 built in needs no root loader', () => {
      assert.deepEqual(rootModulesNeeded({ deps: new Map([['kernel/crypto/sha3_generic.ko', []]]) }), []);
    });

    it('bad input: a tgz without lib/modules, a file that is no archive, modules of another release', async () => {
      const stray = path.join(temp.path, 'stray');
      fs.mkdirSync(path.join(stray, 'boot'), { recursive: true });
      fs.writeFileSync(path.join(stray, 'boot', 'bzImage'), 'x');
      const tgz = path.join(temp.path, 'modules-stray.tgz');
      execFileSync('tar', ['-czf', tgz, '-C', stray, 'boot']);
      await expectBadInputAsync(() => readModuleTree(tgz, fs.mkdtempSync(path.join(temp.path, 'work-'))), new RegExp(`^${tgz}: no lib/modules/<release> with modules in it`));
      const notArchive = path.join(temp.path, 'modules.txt');
      fs.writeFileSync(notArchive, 'x');
      await expectBadInputAsync(() => readModuleTree(notArchive, temp.path), /modules\.txt: not a modules dir or a modules archive/);
      const base = writeModules(path.join(temp.path, 'two'), '6.1.0-1-amd64', ['kernel/a.ko']);
      writeModules(base, '6.1.0-2-amd64', ['kernel/b.ko']);
      await expectBadInputAsync(() => readModuleTree(base, temp.path, '6.6.0'), /two: modules of 2 releases \(6\.1\.0-1-amd64, 6\.1\.0-2-amd64\), none of them the kernel's 6\.6\.0: keep one$/);
      expectBadInput(
        () => reconcileRelease({ image: '/k/bzImage', modules: '/k/mods' }, '6.6.0', { release: '6.1.0', moduleRoot: '', deps: new Map(), builtin: new Set() }),
        '/k/mods: modules of release 6.1.0, but /k/bzImage is 6.6.0: the kernel would load none of them',
      );
    });
  });
});
