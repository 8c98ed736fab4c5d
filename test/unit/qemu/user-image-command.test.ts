import assert from 'node:assert/strict';
import path from 'node:path';
import { resolveYoctoDeploy } from '../../../qemu/yocto/deploy-dir.js';
import { resolveBuildrootImages } from '../../../qemu/buildroot/output-images.js';
import { userImageQemuCommand } from '../../../qemu/user-image-command.js';
import { expectBadInput } from '../../support/bad-input.js';
import { useTempDir } from '../../support/temp-dir.js';
import { writeBuildrootImages, writeYoctoDeploy } from './user-image-fixture.js';

const everyQemu = { findHostProgram: (command: string) => `/usr/bin/${command}` };

/** the values following each occurrence of `flag` */
const valuesOf = (args: string[], flag: string): string[] => args.flatMap((arg, i) => (arg === flag ? [args[i + 1] ?? ''] : []));

describe('qemu/user-image-command', () => {
  const temp = useTempDir('user-image-command-');

  it('boots qemuarm64 as runqemu would: its drive options with the rootfs, its CPU, mem=, the console last on the command line', () => {
    const deploy = writeYoctoDeploy(path.join(temp.path, 'arm64'), 'qemuarm64');
    const boot = resolveYoctoDeploy(deploy, everyQemu);
    const command = userImageQemuCommand(boot, { accel: 'tcg', console: { socket: '/tmp/run/console.sock' } });
    assert.equal(command.binary, 'qemu-system-aarch64');
    const rootfs = path.join(deploy, 'core-image-minimal-qemuarm64.rootfs.ext4');
    assert.deepEqual(command.rootfs, ['-drive', `id=disk0,file=${rootfs},if=none,format=raw`, '-device', 'virtio-blk-pci,drive=disk0', '-snapshot']);
    assert.equal(command.append, 'root=/dev/vda rw mem=512M swiotlb=0 panic=-1 console=ttyAMA0');
    assert.deepEqual(command.cpu, ['-accel', 'tcg,thread=multi', '-cpu', 'cortex-a57']);
    assert.deepEqual(valuesOf(command.args, '-machine'), ['virt']);
    assert.deepEqual(valuesOf(command.args, '-chardev'), ['socket,id=console,path=/tmp/run/console.sock,server=on,wait=off', 'null,id=virtcon']);
    assert.deepEqual(valuesOf(command.args, '-serial'), ['chardev:console', 'null']);
    assert.equal(valuesOf(command.args, '-m')[0], '512');
    assert.equal(valuesOf(command.args, '-smp')[0], '4');
    assert.ok(!command.args.includes('-netdev') && !command.args.some((arg) => arg.includes('@MAC@')), 'no network');
    const kvm = userImageQemuCommand(boot, { accel: 'kvm', console: { stdio: true } });
    assert.deepEqual(kvm.cpu, ['-accel', 'kvm', '-cpu', 'host', '-machine', 'gic-version=3']);
    assert.deepEqual(valuesOf(kvm.args, '-chardev')[0], 'stdio,id=console,signal=off');
    // --board yocto:: the console on a pty QEMU opens, logged into as a serial board
    assert.deepEqual(valuesOf(userImageQemuCommand(boot, { accel: 'tcg', console: { pty: true } }).args, '-chardev')[0], 'pty,id=console');
  });

  it('qemux86-64: ext4.zst needs its decompressed copy, which goes on a virtio drive (commas doubled)', () => {
    const deploy = writeYoctoDeploy(path.join(temp.path, 'x86'), 'qemux86-64');
    const boot = resolveYoctoDeploy(deploy, everyQemu);
    expectBadInput(() => userImageQemuCommand(boot, { accel: 'tcg', console: { stdio: true } }), /rootfs\.ext4\.zst: compressed with zstd: QEMU needs the decompressed copy/);
    const command = userImageQemuCommand(boot, { accel: 'kvm', console: { stdio: true }, rootfsFile: '/tmp/a,b/rootfs.ext4', extraKernelArgs: ['afalg_agent=serial'] });
    assert.deepEqual(command.rootfs, ['-drive', 'file=/tmp/a,,b/rootfs.ext4,if=virtio,format=raw', '-snapshot']);
    assert.deepEqual(command.cpu, ['-accel', 'kvm', '-cpu', 'Skylake-Client', '-machine', 'q35,i8042=off']);
    assert.equal(command.append, 'root=/dev/vda rw oprofile.timer=1 tsc=reliable no_timer_check rcupdate.rcu_expedited=1 swiotlb=0 panic=-1 afalg_agent=serial console=ttyS0');
    assert.equal(command.kernel, boot.kernel.file);
    assert.deepEqual(command.args.slice(-6), ['-usb', '-device', 'usb-tablet', '-usb', '-device', 'usb-kbd']);
  });

  it("a disk root with the harness's root loader: -initrd beside the drive, root= still on the command line for it", () => {
    const deploy = writeYoctoDeploy(path.join(temp.path, 'x86-ext4'), 'qemux86-64', { fstype: 'ext4' });
    const command = userImageQemuCommand(resolveYoctoDeploy(deploy, everyQemu), { accel: 'tcg', console: { pty: true }, rootLoader: '/cache/root-loader.cpio' });
    const rootfs = path.join(deploy, 'core-image-minimal-qemux86-64.rootfs.ext4');
    assert.deepEqual(command.rootfs, ['-drive', `file=${rootfs},if=virtio,format=raw`, '-snapshot', '-initrd', '/cache/root-loader.cpio']);
    assert.match(command.append, /^root=\/dev\/vda rw /);
  });

  it('a Buildroot initramfs goes in with -initrd, and a DTB with -dtb; no KVM CPU is refused', () => {
    const images = writeBuildrootImages(path.join(temp.path, 'br'), 'Image', ['rootfs.cpio', 'virt.dtb']);
    const boot = resolveBuildrootImages(images, everyQemu);
    const command = userImageQemuCommand(boot, { accel: 'tcg', console: { stdio: true } });
    assert.deepEqual(command.rootfs, ['-initrd', path.join(images, 'rootfs.cpio')]);
    assert.deepEqual(valuesOf(command.args, '-dtb'), [path.join(images, 'virt.dtb')]);
    assert.equal(command.append, 'root=/dev/ram0 rw rootwait panic=-1 console=ttyAMA0');
    expectBadInput(() => userImageQemuCommand({ ...boot, cpuArgs: { tcg: [] } }, { accel: 'kvm', console: { stdio: true } }), /names no CPU for KVM/);
  });
});
