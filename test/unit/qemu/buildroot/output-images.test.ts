import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { resolveBuildrootImages } from '../../../../qemu/buildroot/output-images.js';
import { expectBadInput } from '../../../support/bad-input.js';
import { useTempDir } from '../../../support/temp-dir.js';
import { writeBuildrootImages } from '../user-image-fixture.js';

const everyQemu = { findHostProgram: (command: string) => `/usr/bin/${command}` };

describe('qemu/buildroot/output-images', () => {
  const temp = useTempDir('buildroot-images-');
  const dir = (name: string): string => path.join(temp.path, name);

  it('an x86_64 bzImage with rootfs.cpio.gz and rootfs.ext2: the initramfs first', () => {
    const images = writeBuildrootImages(dir('x86'), 'bzImage', ['rootfs.ext2', 'rootfs.cpio.gz', 'rootfs.tar']);
    const boot = resolveBuildrootImages(images, everyQemu);
    assert.equal(boot.arch, 'x86_64');
    assert.equal(boot.binary, 'qemu-system-x86_64');
    assert.deepEqual(boot.rootfs, { file: path.join(images, 'rootfs.cpio.gz'), type: 'cpio.gz' });
    assert.deepEqual(boot.machineArgs, ['-machine', 'pc']);
    assert.equal(boot.console, 'ttyS0');
    assert.deepEqual(boot.ignored, []);
  });

  it('an arm64 Image with rootfs.ext4 and one device tree', () => {
    const images = writeBuildrootImages(dir('arm64'), 'Image', ['rootfs.ext4', 'qemu-virt.dtb']);
    const boot = resolveBuildrootImages(images, everyQemu);
    assert.equal(boot.arch, 'aarch64');
    assert.deepEqual(boot.rootfs, { file: path.join(images, 'rootfs.ext4'), type: 'ext4', format: 'raw' });
    assert.equal(boot.dtb, path.join(images, 'qemu-virt.dtb'));
    assert.equal(boot.console, 'ttyAMA0');
  });

  it('no rootfs at all leaves it to the harness (kernel only)', () => {
    const boot = resolveBuildrootImages(writeBuildrootImages(dir('bare'), 'zImage', []), everyQemu);
    assert.equal(boot.arch, 'armhf');
    assert.equal(boot.rootfs, undefined);
  });

  describe('bad input', () => {
    it('a directory without a kernel', () => {
      fs.mkdirSync(dir('nokernel'));
      expectBadInput(() => resolveBuildrootImages(dir('nokernel'), everyQemu), `${dir('nokernel')}: no kernel image (bzImage, Image, Image.gz, zImage, vmlinux): not a Buildroot output/images`);
    });

    it('a rootfs of an unknown type', () => {
      const images = writeBuildrootImages(dir('squash'), 'Image', ['rootfs.squashfs']);
      expectBadInput(() => resolveBuildrootImages(images, everyQemu), new RegExp(`^${images}: root file system rootfs.squashfs is of a type the harness cannot boot`));
    });

    it('a bzImage that is not a kernel', () => {
      const images = dir('fake');
      fs.mkdirSync(images);
      fs.writeFileSync(path.join(images, 'bzImage'), 'x'.repeat(2048));
      expectBadInput(() => resolveBuildrootImages(images, everyQemu), `${path.join(images, 'bzImage')}: not a kernel image (no bzImage, arm64 Image, zImage or ELF vmlinux header)`);
    });

    it('two device trees', () => {
      const images = writeBuildrootImages(dir('dtbs'), 'Image', ['a.dtb', 'b.dtb']);
      expectBadInput(() => resolveBuildrootImages(images, everyQemu), /2 device trees \(a\.dtb, b\.dtb\): keep the one QEMU should use$/);
    });

    it('an architecture the host has no QEMU for', () => {
      const images = writeBuildrootImages(dir('noqemu'), 'zImage', ['rootfs.cpio']);
      expectBadInput(() => resolveBuildrootImages(images, { findHostProgram: () => undefined }), `${images}: the host has no qemu-system-arm for this armhf image: install with 'apt-get install -y qemu-system-arm'`);
    });
  });
});
