import assert from 'node:assert/strict';
import { asQemuBoard, loadBoard } from '../../../harness/board/board.js';
import { foreignGuestReason, hostBoardArch } from '../../../qemu/accel-probe.js';
import { qemuArgs } from '../../../qemu/qemu-command.js';
import type { GuestImage } from '../../../qemu/guest-image.js';

const image: GuestImage = {
  dir: '/cache/afalg-harness/images/arm64/x',
  kernel: '/cache/afalg-harness/images/arm64/x/vmlinuz',
  bootKernel: '/cache/afalg-harness/images/arm64/x/vmlinuz',
  initramfs: '/cache/afalg-harness/images/arm64/x/initramfs.cpio',
  kernelRelease: '6.1.0-56-arm64',
  kernelPackage: 'linux-image-6.1.0-56-arm64',
  kernelVersion: '6.1.192-2',
  busyboxVersion: '1:1.35.0-4+deb12u1+b1',
  moduleCount: 140,
  preload: ['virtio_pci'],
  builtAt: '2026-01-01T00:00:00.000Z',
};

function valueOf(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  assert.notEqual(index, -1, flag);
  return args[index + 1];
}

describe('qemu arm boards', () => {
  const aarch64 = asQemuBoard(loadBoard('qemu-aarch64'));
  const armhf = asQemuBoard(loadBoard('qemu-armhf'));
  const x86 = asQemuBoard(loadBoard('qemu-x86_64'));

  it('load and validate, with the image node and Debian arm packages', () => {
    assert.equal(aarch64.arch, 'aarch64');
    assert.equal(aarch64.qemu.debianArch, 'arm64');
    assert.equal(aarch64.qemu.kernelPackage, 'linux-image-arm64');
    assert.equal(aarch64.qemu.agentNode, 'image');
    assert.equal(armhf.arch, 'armhf');
    assert.equal(armhf.qemu.debianArch, 'armhf');
    assert.equal(armhf.qemu.kernelPackage, 'linux-image-armmp-lpae');
    assert.equal(armhf.qemu.agentNode, 'image');
    assert.equal(x86.qemu.agentNode, undefined);
    assert.ok(aarch64.qemu.modules.include.includes('kernel/arch/arm64/crypto'));
    assert.ok(armhf.qemu.modules.include.includes('kernel/arch/arm/crypto'));
  });

  it('boot the virt machine on the PL011 console with the TCG cpu', () => {
    const args = qemuArgs(aarch64, image, { accel: 'tcg', agentSocket: '/tmp/a.sock', nodePath: '/usr/bin/node', agentScript: '/work/dist/agent-bundle-aarch64/agent.mjs', mode: 'image' });
    assert.equal(valueOf(args, '-M'), 'virt');
    assert.equal(valueOf(args, '-cpu'), 'max,pauth=off,sve=off');
    assert.equal(valueOf(args, '-accel'), 'tcg,thread=multi');
    const append = valueOf(args, '-append') ?? '';
    assert.ok(append.startsWith('console=ttyAMA0 '), append);
    const armArgs = qemuArgs(armhf, image, { accel: 'tcg', agentSocket: '/tmp/a.sock', nodePath: '/usr/bin/node', agentScript: '/x/agent.mjs', mode: 'image' });
    assert.equal(valueOf(armArgs, '-cpu'), 'max');
  });

  it('pass mode image, the guest node and the host path of the bundle on the kernel command line', () => {
    const args = qemuArgs(aarch64, image, { accel: 'tcg', agentSocket: '/tmp/a.sock', nodePath: '/usr/bin/node', agentScript: '/work/dist/agent-bundle-aarch64/agent.mjs', mode: 'image' });
    const words = (valueOf(args, '-append') ?? '').split(' ');
    assert.ok(words.includes('afalg_agent=image'), words.join(' '));
    assert.ok(words.includes('afalg_node=/usr/bin/node'));
    assert.ok(words.includes('afalg_script=/work/dist/agent-bundle-aarch64/agent.mjs'));
    // the share the bundle is read through is still there
    assert.ok(args.includes('virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot'));
  });

  describe('accel auto', () => {
    it('maps node architectures to board architectures', () => {
      assert.equal(hostBoardArch('x64'), 'x86_64');
      assert.equal(hostBoardArch('arm64'), 'aarch64');
      assert.equal(hostBoardArch('arm'), 'armhf');
      assert.equal(hostBoardArch('riscv64'), undefined);
    });

    it('takes TCG without probing for a guest of another architecture, saying why', () => {
      const reason = foreignGuestReason(aarch64, 'x86_64');
      assert.ok(reason, 'a foreign guest has a reason');
      assert.match(reason, /aarch64 guest on a x86_64 host/);
      assert.match(reason, /TCG \(not probed\)/);
      assert.match(foreignGuestReason(armhf, 'aarch64') ?? '', /armhf guest on a aarch64 host/);
    });

    it('leaves a guest of the host architecture to the KVM probe', () => {
      assert.equal(foreignGuestReason(x86, 'x86_64'), undefined);
      assert.equal(foreignGuestReason(aarch64, 'aarch64'), undefined);
    });
  });
});
