import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asQemuBoard, loadBoard } from '../../../harness/board/board.js';
import { kernelDependency, kernelSplitParts } from '../../../qemu/apt/apt-answers.js';
import { mainIndexPresent } from '../../../qemu/apt/list-refresh.js';
import { aptOptions, foreignAptLayout } from '../../../qemu/apt/private-config.js';
import { sourcesList } from '../../../qemu/apt/sources.js';
import { installModule, kernelTreeLayout, plainModulePath } from '../../../qemu/image/kernel-tree.js';
import { filler as bytes } from '../../support/filler.js';

/** `apt-cache depends linux-image-7.2.13+deb14-amd64` in sid's private lists (trimmed). */
const SID_IMAGE_DEPENDS = `linux-image-7.2.13+deb14-amd64
  PreDepends: linux-base
 |Depends: dracut
 |Depends: initramfs-tools
  Depends: <linux-initramfs-tool>
    dracut
  Depends: linux-base-7.2.13+deb14-amd64
  Depends: linux-binary-7.2.13+deb14-amd64
  Depends: linux-modules-7.2.13+deb14-amd64
  Breaks: initramfs-tools
  Suggests: linux-doc-7.2
`;

const MAGIC = Buffer.from('~Module signature appended~\n', 'ascii');

function signed(body: Buffer, signatureLength: number): Buffer {
  const info = Buffer.alloc(12);
  info.writeUInt32BE(signatureLength, 8);
  return Buffer.concat([body, bytes(signatureLength, 5), info, MAGIC]);
}

describe('qemu: Debian 7.x kernel packages (sid)', () => {
  const mirrors = { debian: 'http://m/debian', security: 'http://m/debian-security' };

  it('lists sid alone (no -updates or -security suite exists for it)', () => {
    assert.equal(sourcesList('amd64', mirrors, 'sid'), 'deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://m/debian sid main\n');
  });

  it("tells apt not to check sid's Valid-Until, and only for a rolling suite", () => {
    const layout = foreignAptLayout('/cache/apt/amd64-sid');
    assert.deepEqual(aptOptions('amd64', layout, 'sid').slice(-2), ['-o', 'Acquire::Check-Valid-Until=false']);
    assert.ok(!aptOptions('amd64', layout, 'bookworm').includes('Acquire::Check-Valid-Until=false'));
  });

  it("finds sid's main index, not bookworm's, in the lists", () => {
    const lists = ['deb.debian.org_debian_dists_sid_main_binary-amd64_Packages.lz4'];
    assert.ok(mainIndexPresent(lists, 'amd64', 'sid'));
    assert.ok(!mainIndexPresent(lists, 'amd64'));
  });

  it('resolves the meta package to the versioned image package past linux-base-amd64', () => {
    assert.equal(kernelDependency('linux-image-amd64\n  Depends: linux-base-amd64\n  Depends: linux-image-7.2.13+deb14-amd64\n'), 'linux-image-7.2.13+deb14-amd64');
  });

  it('names the split parts of the same release, and none for a whole package', () => {
    assert.deepEqual(kernelSplitParts(SID_IMAGE_DEPENDS, 'linux-image-7.2.13+deb14-amd64'), [
      'linux-base-7.2.13+deb14-amd64',
      'linux-binary-7.2.13+deb14-amd64',
      'linux-modules-7.2.13+deb14-amd64',
    ]);
    assert.deepEqual(kernelSplitParts(SID_IMAGE_DEPENDS, 'linux-image-7.3.1+deb14-amd64'), []);
    assert.deepEqual(kernelSplitParts('linux-image-6.1.0-56-amd64\n  PreDepends: kmod\n  PreDepends: linux-base\n', 'linux-image-6.1.0-56-amd64'), []);
  });

  describe('kernelTreeLayout', () => {
    let root: string;
    beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'kernel-tree-'))));
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it('moves a merged-/usr tree to lib/modules and finds vmlinuz beside the modules', () => {
      fs.mkdirSync(path.join(root, 'usr/lib/modules/7.2.13+deb14-amd64/kernel'), { recursive: true });
      fs.writeFileSync(path.join(root, 'usr/lib/modules/7.2.13+deb14-amd64/vmlinuz'), 'k');
      const tree = kernelTreeLayout(root, 'linux-image-7.2.13+deb14-amd64');
      assert.equal(tree.kernelRelease, '7.2.13+deb14-amd64');
      assert.equal(tree.vmlinuz, path.join(root, 'lib/modules/7.2.13+deb14-amd64/vmlinuz'));
      assert.ok(fs.existsSync(path.join(root, 'lib/modules/7.2.13+deb14-amd64/kernel')));
    });

    it("finds bookworm's /boot/vmlinuz-REL", () => {
      fs.mkdirSync(path.join(root, 'lib/modules/6.1.0-56-amd64'), { recursive: true });
      fs.mkdirSync(path.join(root, 'boot'));
      fs.writeFileSync(path.join(root, 'boot/vmlinuz-6.1.0-56-amd64'), 'k');
      assert.equal(kernelTreeLayout(root, 'p').vmlinuz, path.join(root, 'boot/vmlinuz-6.1.0-56-amd64'));
    });

    it('says what is missing in one line', () => {
      assert.throws(() => kernelTreeLayout(root, 'linux-image-x'), /linux-image-x: expected one \(usr\/\)lib\/modules\/<release>, found none/);
      fs.mkdirSync(path.join(root, 'lib/modules/7.2.13+deb14-amd64'), { recursive: true });
      assert.throws(() => kernelTreeLayout(root, 'linux-image-x'), /no vmlinuz/);
    });
  });

  describe('installModule', () => {
    let root: string;
    beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'kernel-module-'))));
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
    const body = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), bytes(4000, 3)]);

    it('decompresses a .ko.xz, strips the signature inside it and installs it as .ko', async () => {
      const source = path.join(root, 'gcm.ko.xz');
      fs.writeFileSync(source, execFileSync('xz', ['-c'], { input: signed(body, 400) }));
      await installModule(source, path.join(root, 'out'), 'kernel/crypto/gcm.ko.xz');
      assert.ok(fs.readFileSync(path.join(root, 'out/kernel/crypto/gcm.ko')).equals(body));
      assert.ok(!fs.existsSync(path.join(root, 'out/kernel/crypto/gcm.ko.xz')));
    });

    it('copies a plain .ko (unsigned) and names a corrupt .ko.xz', async () => {
      fs.writeFileSync(path.join(root, 'a.ko'), signed(body, 10));
      await installModule(path.join(root, 'a.ko'), path.join(root, 'out'), 'kernel/a.ko');
      assert.ok(fs.readFileSync(path.join(root, 'out/kernel/a.ko')).equals(body));
      fs.writeFileSync(path.join(root, 'bad.ko.xz'), 'not xz');
      await assert.rejects(installModule(path.join(root, 'bad.ko.xz'), path.join(root, 'out'), 'bad.ko.xz'), /xz -d .*bad\.ko\.xz failed/);
    });

    it('maps compressed module paths to plain ones', () => {
      assert.equal(plainModulePath('kernel/crypto/gcm.ko.zst'), 'kernel/crypto/gcm.ko');
      assert.equal(plainModulePath('kernel/crypto/gcm.ko'), 'kernel/crypto/gcm.ko');
    });
  });

  it('the sid board takes its kernel from sid, one vCPU, without the built-in virtio modules', () => {
    const board = asQemuBoard(loadBoard('qemu-x86_64-sid'));
    assert.equal(board.qemu.debianSuite, 'sid');
    assert.equal(board.qemu.smp, 1);
    assert.ok(!board.qemu.modules.include.includes('virtio_pci'));
    assert.ok(board.qemu.modules.preload.includes('virtio_crypto'));
  });
});
