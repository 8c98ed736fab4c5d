import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { findQemuboot, resolveYoctoDeploy } from '../../../../qemu/yocto/deploy-dir.js';
import { expectBadInput } from '../../../support/bad-input.js';
import { useTempDir } from '../../../support/temp-dir.js';
import { kernelBytes, writeYoctoDeploy } from '../user-image-fixture.js';

const everyQemu = { findHostProgram: (command: string) => `/usr/bin/${command}` };

describe('qemu/yocto/deploy-dir', () => {
  const temp = useTempDir('yocto-deploy-');
  const dir = (name: string): string => path.join(temp.path, name);

  it('resolves a qemux86-64 deploy dir: the dated kernel, the ext4.zst link, modules-<machine>.tgz', () => {
    const deploy = writeYoctoDeploy(dir('x86'), 'qemux86-64');
    const boot = resolveYoctoDeploy(deploy, everyQemu);
    assert.equal(boot.arch, 'x86_64');
    assert.equal(boot.binary, 'qemu-system-x86_64');
    assert.equal(path.basename(fs.realpathSync(boot.origin.replace(/^yocto:/, ''))), 'core-image-minimal-qemux86-64.rootfs-20250314092653.qemuboot.conf');
    assert.deepEqual(boot.kernel, { file: path.join(deploy, 'bzImage--6.6.75+git0+c3f55b0e3e_62ca117d8c-r0-qemux86-64-20250314092653.bin'), kind: 'bzImage' });
    assert.deepEqual(boot.rootfs, { file: path.join(deploy, 'core-image-minimal-qemux86-64.rootfs.ext4.zst'), type: 'ext4', decompress: 'zstd', format: 'raw' });
    assert.equal(boot.modulesArchive, path.join(deploy, 'modules-qemux86-64.tgz'));
    assert.equal(boot.console, 'ttyS0');
    assert.deepEqual(boot.kernelArgs.slice(0, 1), ['oprofile.timer=1'], 'no mem= on qemux86 machines');
    assert.deepEqual(boot.extraArgs.slice(-6), ['-usb', '-device', 'usb-tablet', '-usb', '-device', 'usb-kbd']);
    assert.ok(!boot.extraArgs.includes('-serial'), "qb_serial_opt's -serial ports are the harness's");
    assert.ok(boot.extraArgs.includes('virtio-rng-pci,rng=rng0'));
  });

  it('resolves qemuarm64 from its qemuboot.conf file, with mem= as runqemu adds it and the virtio console of qb_serial_opt', () => {
    const deploy = writeYoctoDeploy(dir('arm64'), 'qemuarm64');
    const boot = resolveYoctoDeploy(path.join(deploy, 'core-image-minimal-qemuarm64.rootfs.qemuboot.conf'), everyQemu);
    assert.equal(boot.arch, 'aarch64');
    assert.equal(boot.kernel.kind, 'Image');
    assert.deepEqual(boot.rootfs, { file: path.join(deploy, 'core-image-minimal-qemuarm64.rootfs.ext4'), type: 'ext4', format: 'raw' });
    assert.deepEqual(boot.kernelArgs, ['mem=512M', 'swiotlb=0']);
    assert.equal(boot.console, 'ttyAMA0');
    assert.deepEqual(boot.extraArgs.slice(4, 10), ['-device', 'virtio-serial-pci', '-chardev', 'null,id=virtcon', '-device', 'virtconsole,chardev=virtcon']);
    assert.deepEqual(boot.cpuArgs.kvm, ['-cpu', 'host', '-machine', 'gic-version=3']);
    assert.equal(boot.dtb, undefined);
  });

  it('picks the newest qemuboot.conf, and an -initramfs- one only when it is alone', () => {
    const deploy = dir('pick');
    fs.mkdirSync(deploy);
    const write = (name: string, seconds: number): void => {
      fs.writeFileSync(path.join(deploy, name), '[config_bsp]\n');
      fs.utimesSync(path.join(deploy, name), seconds, seconds);
    };
    write('core-image-minimal-initramfs-qemux86-64.rootfs.qemuboot.conf', 3000);
    assert.equal(path.basename(findQemuboot(deploy)), 'core-image-minimal-initramfs-qemux86-64.rootfs.qemuboot.conf');
    write('core-image-minimal-qemux86-64.rootfs.qemuboot.conf', 1000);
    write('core-image-full-cmdline-qemux86-64.rootfs.qemuboot.conf', 2000);
    assert.equal(path.basename(findQemuboot(deploy)), 'core-image-full-cmdline-qemux86-64.rootfs.qemuboot.conf');
  });

  describe('bad input: one line naming the file and the problem', () => {
    it('a directory with no qemuboot.conf', () => {
      fs.mkdirSync(dir('empty'));
      expectBadInput(() => resolveYoctoDeploy(dir('empty'), everyQemu), new RegExp(`^${dir('empty')}: no \\*\\.qemuboot\\.conf: not a Yocto deploy dir`));
    });

    it('a qemuboot.conf without [config_bsp]', () => {
      fs.mkdirSync(dir('nobsp'));
      fs.writeFileSync(path.join(dir('nobsp'), 'x.qemuboot.conf'), '[general]\nqb_mem = -m 256\n');
      expectBadInput(() => resolveYoctoDeploy(dir('nobsp'), everyQemu), `${path.join(dir('nobsp'), 'x.qemuboot.conf')}: no [config_bsp] section: not a qemuboot.conf written by Yocto's qemuboot class`);
    });

    it('a kernel image that is not one', () => {
      const deploy = writeYoctoDeploy(dir('badkernel'), 'qemux86-64', { kernel: Buffer.from('<html>404 Not Found</html>\n') });
      expectBadInput(() => resolveYoctoDeploy(deploy, everyQemu), /bzImage--6\.6\.75.*\.bin: not a kernel image \(no bzImage, arm64 Image, zImage or ELF vmlinux header\)$/);
    });

    it('a kernel of another architecture than qb_system_name', () => {
      const deploy = writeYoctoDeploy(dir('mismatch'), 'qemux86-64', { kernel: kernelBytes('Image') });
      expectBadInput(() => resolveYoctoDeploy(deploy, everyQemu), /\.bin: an aarch64 kernel, but .*qemuboot\.conf boots it with qemu-system-x86_64$/);
    });

    it('a rootfs of a type the harness cannot boot', () => {
      const deploy = writeYoctoDeploy(dir('jffs2'), 'qemuarm64', { fstype: 'jffs2' });
      expectBadInput(() => resolveYoctoDeploy(deploy, everyQemu), /qemuboot\.conf: qb_default_fstype jffs2 is a root file system type the harness cannot boot \(it boots cpio\.gz, /);
    });

    it('an architecture the host has no QEMU for', () => {
      const deploy = writeYoctoDeploy(dir('noqemu'), 'qemuarm64');
      const noArmQemu = { findHostProgram: (command: string) => (command === 'qemu-system-aarch64' ? undefined : `/usr/bin/${command}`) };
      expectBadInput(() => resolveYoctoDeploy(deploy, noArmQemu), /qemuboot\.conf: the host has no qemu-system-aarch64 for this aarch64 image: install with 'apt-get install -y qemu-system-arm'$/);
    });

    it('an architecture the harness does not run', () => {
      fs.mkdirSync(dir('mips'));
      fs.writeFileSync(path.join(dir('mips'), 'm.qemuboot.conf'), '[config_bsp]\nqb_system_name = qemu-system-mips64\n');
      expectBadInput(() => resolveYoctoDeploy(dir('mips'), everyQemu), /m\.qemuboot\.conf: qemu-system-mips64 boots an architecture the harness does not run/);
    });
  });
});
