import assert from 'node:assert/strict';
import fs from 'node:fs';
import { asQemuBoard, loadBoard, type QemuBoard } from '../../../harness/board/board.js';
import { VIRTIO_PORT_NAME } from '../../../harness/protocol/version.js';
import { qemuArgs, type QemuLaunch } from '../../../qemu/qemu-command.js';
import type { GuestImage } from '../../../qemu/guest-image.js';
import { guestInitScript } from '../../../qemu/image/initramfs-tree.js';

const image: GuestImage = {
  dir: '/cache/afalg-harness/images/6.1.0-test',
  kernel: '/cache/afalg-harness/images/6.1.0-test/vmlinuz',
  bootKernel: '/cache/afalg-harness/images/6.1.0-test/vmlinux',
  initramfs: '/cache/afalg-harness/images/6.1.0-test/initramfs.cpio.gz',
  kernelRelease: '6.1.0-test-amd64',
  kernelPackage: 'linux-image-6.1.0-test-amd64',
  kernelVersion: '6.1.99-1',
  busyboxVersion: '1:1.35.0-4',
  moduleCount: 120,
  preload: ['virtio_pci'],
  builtAt: '2024-01-01T00:00:00.000Z',
};

function launch(accel: 'kvm' | 'tcg', overrides: Partial<QemuLaunch> = {}): QemuLaunch {
  return {
    accel,
    agentSocket: '/tmp/afalg-run-1/agent.sock',
    nodePath: '/usr/bin/node',
    agentScript: '/work/main/dist/harness/agent/main.js',
    ...overrides,
  };
}

/** the value following `flag`, for flags that occur once */
function valueOf(args: string[], flag: string): string | undefined {
  const indexes = args.flatMap((arg, i) => (arg === flag ? [i] : []));
  assert.equal(indexes.length, 1, `${flag} occurs once`);
  return args[(indexes[0] as number) + 1];
}

/** every value following `flag` */
function valuesOf(args: string[], flag: string): string[] {
  return args.flatMap((arg, i) => (arg === flag ? [args[i + 1] ?? ''] : []));
}

function withQemu(board: QemuBoard, changes: Partial<QemuBoard['qemu']>): QemuBoard {
  return { ...board, qemu: { ...board.qemu, ...changes } };
}

describe('qemu/qemu-command', () => {
  const board = asQemuBoard(loadBoard('qemu-x86_64'));

  it('puts the board\'s loud-bug settings on the kernel command line, and nothing without them', () => {
    const plain = (valueOf(qemuArgs(board, image, launch('tcg')), '-append') ?? '').split(' ');
    assert.ok(!plain.some((word) => /^(panic_on_warn|oops|slub_debug|watchdog_thresh|loglevel)=/.test(word)), plain.join(' '));
    const loud = withQemu(board, { loudBugs: { panicOnWarn: true, oopsPanic: true, slubDebug: 'FZPU', watchdogThreshSec: 3, logLevel: 7 } });
    const words = (valueOf(qemuArgs(loud, image, launch('tcg')), '-append') ?? '').split(' ');
    for (const word of ['panic_on_warn=1', 'oops=panic', 'slub_debug=FZPU', 'watchdog_thresh=3', 'loglevel=7']) assert.ok(words.includes(word), `${word} in ${words.join(' ')}`);
  });

  it('uses TCG with multi-threading and the board TCG cpu', () => {
    const args = qemuArgs(board, image, launch('tcg'));
    assert.equal(valueOf(args, '-accel'), 'tcg,thread=multi');
    assert.equal(valueOf(args, '-cpu'), 'max,-erms,-fsrm');
    assert.equal(board.qemu.cpu.tcg, 'max,-erms,-fsrm');
  });

  it('uses KVM with the board KVM cpu', () => {
    const args = qemuArgs(board, image, launch('kvm'));
    assert.equal(valueOf(args, '-accel'), 'kvm');
    assert.equal(valueOf(args, '-cpu'), 'host');
    const custom = qemuArgs(withQemu(board, { cpu: { tcg: 'qemu64', kvm: 'host,-avx512f' } }), image, launch('kvm'));
    assert.equal(valueOf(custom, '-cpu'), 'host,-avx512f');
    assert.equal(valueOf(qemuArgs(withQemu(board, { cpu: { tcg: 'qemu64', kvm: 'host' } }), image, launch('tcg')), '-cpu'), 'qemu64');
  });

  it('takes machine, memory and cpus from the board', () => {
    const args = qemuArgs(board, image, launch('tcg'));
    assert.equal(valueOf(args, '-M'), 'pc');
    assert.equal(valueOf(args, '-m'), '2048');
    assert.equal(valueOf(args, '-smp'), '2');
    const small = qemuArgs(withQemu(board, { memoryMiB: 512, smp: 4, machine: 'q35' }), image, launch('tcg'));
    assert.equal(valueOf(small, '-m'), '512');
    assert.equal(valueOf(small, '-smp'), '4');
    assert.equal(valueOf(small, '-M'), 'q35');
  });

  it('boots the image boot kernel with its initramfs', () => {
    const args = qemuArgs(board, image, launch('tcg'));
    assert.equal(valueOf(args, '-kernel'), image.bootKernel);
    assert.equal(valueOf(args, '-initrd'), image.initramfs);
    assert.ok(!args.includes(image.kernel));
  });

  it('passes the console and the agent location on the kernel command line', () => {
    const args = qemuArgs(board, image, launch('tcg'));
    const append = valueOf(args, '-append') ?? '';
    const words = append.split(' ');
    assert.ok(words.includes('console=ttyS0'), append);
    assert.ok(words.includes('afalg_node=/usr/bin/node'), append);
    assert.ok(words.includes('afalg_script=/work/main/dist/harness/agent/main.js'), append);
    assert.ok(words.includes('afalg_agent=9p'), append);
    assert.ok(words.includes('panic=-1'), append);
  });

  it('names the native agent binary for the native mode, and guest-init runs it from the 9p share', () => {
    const append = valueOf(qemuArgs(board, image, { ...launch('tcg'), mode: 'native', nodePath: '/root/.cache/afalg-harness/bin/afalg-agent-x86_64-0123', agentScript: '/root/.cache/afalg-harness/bin/afalg-agent-x86_64-0123' }), '-append') ?? '';
    const words = append.split(' ');
    assert.ok(words.includes('afalg_agent=native'), append);
    assert.ok(words.includes('afalg_node=/root/.cache/afalg-harness/bin/afalg-agent-x86_64-0123'), append);
    const init = fs.readFileSync(guestInitScript, 'utf8');
    assert.match(init, /\n  native\)\n[^;]*"\/host\$afalg_node" --port auto\n/);
  });

  it('appends the board kernel arguments to the command line', () => {
    const args = qemuArgs(withQemu(board, { kernelArgs: ['cryptomgr.notests=0', 'loglevel=4'], console: 'ttyAMA0' }), image, launch('tcg'));
    const append = valueOf(args, '-append') ?? '';
    assert.ok(append.startsWith('console=ttyAMA0 '), append);
    assert.ok(append.endsWith(' cryptomgr.notests=0 loglevel=4'), append);
  });

  it('connects the agent port to the unix socket', () => {
    const args = qemuArgs(board, image, launch('tcg'));
    const chardevs = valuesOf(args, '-chardev');
    assert.ok(chardevs.includes('socket,id=agent,path=/tmp/afalg-run-1/agent.sock,server=on,wait=off'), chardevs.join(' | '));
    assert.ok(valuesOf(args, '-device').includes(`virtserialport,chardev=agent,name=${VIRTIO_PORT_NAME}`));
    assert.equal(VIRTIO_PORT_NAME, 'afalg.agent');
  });

  it('shares the host root read-only over 9p', () => {
    const args = qemuArgs(board, image, launch('tcg'));
    const fsdev = valueOf(args, '-fsdev') ?? '';
    assert.match(fsdev, /(^|,)path=\/(,|$)/);
    assert.match(fsdev, /(^|,)readonly=on(,|$)/);
    assert.ok(valuesOf(args, '-device').includes('virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot'));
  });

  it('attaches the virtio-crypto device when the board asks for it', () => {
    const args = qemuArgs(board, image, launch('tcg'));
    assert.ok(valuesOf(args, '-device').includes('virtio-crypto-pci,cryptodev=cryptodev0'));
    assert.deepEqual(valuesOf(args, '-object'), ['cryptodev-backend-builtin,id=cryptodev0']);

    const without = qemuArgs(withQemu(board, { virtioCrypto: false }), image, launch('tcg'));
    assert.ok(!without.some((arg) => arg.includes('virtio-crypto')));
    assert.deepEqual(valuesOf(without, '-object'), []);
  });

  it('puts the board extra arguments last', () => {
    const args = qemuArgs(withQemu(board, { extraArgs: ['-d', 'guest_errors'] }), image, launch('tcg'));
    assert.deepEqual(args.slice(-2), ['-d', 'guest_errors']);
  });

  it('keeps QEMU from reading user config and from rebooting', () => {
    const args = qemuArgs(board, image, launch('tcg'));
    for (const flag of ['-nodefaults', '-no-user-config', '-no-reboot']) assert.ok(args.includes(flag), flag);
    assert.equal(valueOf(args, '-display'), 'none');
    assert.equal(valueOf(args, '-serial'), 'chardev:console');
  });

  it('refuses paths the kernel command line cannot carry', () => {
    assert.throws(() => qemuArgs(board, image, launch('tcg', { nodePath: '/opt/my node/bin/node' })), /the node path "\/opt\/my node\/bin\/node" has a space or quote/);
    assert.throws(() => qemuArgs(board, image, launch('tcg', { agentScript: '/home/me/afalg harness/dist/harness/agent/main.js' })), /the agent path/);
    assert.throws(() => qemuArgs(board, image, launch('tcg', { agentScript: "/home/o'brien/main.js" })), /has a space or quote/);
    assert.throws(() => qemuArgs(board, image, launch('tcg', { nodePath: '/usr/bin/node\t' })), /has a space or quote/);
    assert.throws(() => qemuArgs(board, image, launch('tcg', { nodePath: '/usr/"bin"/node' })), /has a space or quote/);
  });

  it('does not mutate the board', () => {
    const copy = structuredClone(board);
    qemuArgs(board, image, launch('kvm'));
    assert.deepEqual(board, copy);
  });
});
