import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { memoryMiBOf, parseIni, parseQemuboot, splitOptions } from '../../../../qemu/yocto/qemuboot.js';
import { expectBadInput } from '../../../support/bad-input.js';
import { YOCTO_FIXTURES } from '../user-image-fixture.js';

const read = (machine: string): string => fs.readFileSync(path.join(YOCTO_FIXTURES, `${machine}.qemuboot.conf`), 'utf8');

describe('qemu/yocto/qemuboot', () => {
  it('reads qemux86-64: the machine lives in qb_cpu, memory and SMP from option strings, ext4.zst', () => {
    const qb = parseQemuboot(read('qemux86-64'), 'x86.conf');
    assert.equal(qb.systemName, 'qemu-system-x86_64');
    assert.deepEqual(qb.machineArgs, []);
    assert.deepEqual(qb.cpuArgs, ['-cpu', 'Skylake-Client', '-machine', 'q35,i8042=off']);
    assert.deepEqual(qb.cpuKvmArgs, ['-cpu', 'Skylake-Client', '-machine', 'q35,i8042=off']);
    assert.equal(qb.smp, 4);
    assert.equal(qb.memoryMiB, 256);
    assert.equal(qb.defaultFstype, 'ext4.zst');
    assert.equal(qb.defaultKernel, 'bzImage--6.6.75+git0+c3f55b0e3e_62ca117d8c-r0-qemux86-64-20250314092653.bin');
    assert.deepEqual(qb.kernelCmdlineAppend, ['oprofile.timer=1', 'tsc=reliable', 'no_timer_check', 'rcupdate.rcu_expedited=1', 'swiotlb=0']);
    assert.equal(qb.kernelRoot, '/dev/vda');
    assert.deepEqual(qb.serialConsoles, ['115200;ttyS0', '115200;ttyS1']);
    assert.equal(qb.rootfsOptArgs, undefined);
    assert.equal(qb.dtb, undefined);
  });

  it('lists every key it does not honour once, with why, and skips empty values and build paths', () => {
    const qb = parseQemuboot(read('qemux86-64'), 'x86.conf');
    assert.deepEqual(
      qb.ignored.map((entry) => entry.key),
      ['qb_audio_drv', 'qb_audio_opt', 'qb_cmdline_ip_slirp', 'qb_cmdline_ip_tap', 'qb_drive_type', 'qb_network_device', 'qb_no_pni'],
    );
    assert.match(qb.ignored.find((entry) => entry.key === 'qb_network_device')?.reason ?? '', /no network/);
  });

  it('reads qemuarm64: qb_machine, a KVM CPU with its own -machine option, qb_rootfs_opt with @ROOTFS@, no DTB', () => {
    const qb = parseQemuboot(read('qemuarm64'), 'arm64.conf');
    assert.deepEqual(qb.machineArgs, ['-machine', 'virt']);
    assert.deepEqual(qb.cpuArgs, ['-cpu', 'cortex-a57']);
    assert.deepEqual(qb.cpuKvmArgs, ['-cpu', 'host', '-machine', 'gic-version=3']);
    assert.equal(qb.memoryMiB, 512);
    assert.deepEqual(qb.rootfsOptArgs, ['-drive', 'id=disk0,file=@ROOTFS@,if=none,format=raw', '-device', 'virtio-blk-pci,drive=disk0']);
    assert.deepEqual(qb.serialOptArgs, ['-device', 'virtio-serial-pci', '-chardev', 'null,id=virtcon', '-device', 'virtconsole,chardev=virtcon']);
    assert.equal(qb.dtb, undefined, 'qb_dtb is empty: QEMU virt makes its own');
    assert.deepEqual(qb.ignored.map((entry) => entry.key), ['qb_cmdline_ip_slirp', 'qb_cmdline_ip_tap', 'qb_drive_type', 'qb_graphics', 'qb_network_device', 'qb_no_pni', 'qb_tap_opt', 'qb_tcpserial_opt']);
  });

  it("reads configparser's details: indented continuation lines, ':' delimiters, comments, uppercase keys", () => {
    const sections = parseIni('# written by hand\n[config_bsp]\nQB_OPT_APPEND = -device foo\n    -device bar\nqb_smp: -smp 2\n; comment\n', 'x.conf');
    assert.deepEqual([...(sections.get('config_bsp') ?? [])], [['qb_opt_append', '-device foo\n-device bar'], ['qb_smp', '-smp 2']]);
    assert.deepEqual(splitOptions(sections.get('config_bsp')?.get('qb_opt_append') ?? ''), ['-device', 'foo', '-device', 'bar']);
  });

  it('splits option strings with quotes as shlex does', () => {
    assert.deepEqual(splitOptions(`-append 'console=ttyS0 quiet' -name "my vm" ''`), ['-append', 'console=ttyS0 quiet', '-name', 'my vm', '']);
  });

  it('reads qb_mem the ways runqemu and QEMU accept it', () => {
    assert.equal(memoryMiBOf('-m 512', 'f'), 512);
    assert.equal(memoryMiBOf('1024M', 'f'), 1024);
    assert.equal(memoryMiBOf('-m 2G', 'f'), 2048);
    assert.equal(memoryMiBOf(undefined, 'f'), 256);
    expectBadInput(() => memoryMiBOf('-m lots', 'x.conf'), 'x.conf: qb_mem "-m lots" is not a memory size');
  });

  it('refuses a file without [config_bsp], one without qb_system_name, and a line that is not INI', () => {
    expectBadInput(() => parseQemuboot('[general]\nqb_mem = -m 256\n', 'a.qemuboot.conf'), "a.qemuboot.conf: no [config_bsp] section: not a qemuboot.conf written by Yocto's qemuboot class");
    expectBadInput(() => parseQemuboot('[config_bsp]\nqb_mem = -m 256\n', 'b.qemuboot.conf'), /^b\.qemuboot\.conf: qb_system_name is not set/);
    expectBadInput(() => parseQemuboot('qb_mem = -m 256\n', 'c.qemuboot.conf'), /^c\.qemuboot\.conf:1: not a qemuboot\.conf line/);
  });
});
