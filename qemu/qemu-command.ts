/** The QEMU command line for a board: a pure function of the board, the image and the run's paths. */
import type { QemuBoard } from '../harness/board/board.js';
import { VIRTIO_PORT_NAME } from '../harness/protocol/version.js';
import type { GuestImage } from './guest-image.js';
import { loudBugArgs } from '../harness/board/loud-bugs.js';

export interface QemuLaunch {
  accel: 'kvm' | 'tcg';
  /** unix socket QEMU listens on for the agent's virtio-serial port */
  agentSocket: string;
  /** the node the guest runs (a host path in mode 9p, a guest path in mode image) and the agent
   * entry point (a host path, read over the read-only 9p share of /) */
  nodePath: string;
  agentScript: string;
  /**
   * 9p (default): the host's node runs the agent over the 9p share. image: the image's own node
   * (nodePath, e.g. /usr/bin/node) runs agentScript, a host path the guest reads at /host<path>.
   * board: the guest plays a board for the serial/SSH transports (guest-init.sh) instead of running
   * the agent; the caller adds the kernel arguments and QEMU devices that mode needs. native: nodePath
   * is the static native agent (harness/native-agent), a host path run over the 9p share; agentScript unused
   */
  mode?: '9p' | 'image' | 'board' | 'native';
  extraKernelArgs?: string[];
  extraQemuArgs?: string[];
}

const UNSAFE_CMDLINE = /[\s"']/;

export function qemuArgs(board: QemuBoard, image: GuestImage, launch: QemuLaunch): string[] {
  const q = board.qemu;
  for (const [what, value] of [['node', launch.nodePath], ['agent', launch.agentScript]] as const) {
    if (UNSAFE_CMDLINE.test(value)) throw new Error(`the ${what} path ${JSON.stringify(value)} has a space or quote; the kernel command line cannot carry it`);
  }
  const accel = launch.accel === 'kvm' ? ['-accel', 'kvm', '-cpu', q.cpu.kvm] : ['-accel', 'tcg,thread=multi', '-cpu', q.cpu.tcg];
  const cmdline = [
    `console=${q.console}`,
    'quiet',
    'panic=-1',
    `afalg_agent=${launch.mode ?? '9p'}`,
    `afalg_node=${launch.nodePath}`,
    `afalg_script=${launch.agentScript}`,
    ...(q.kernelArgs ?? []),
    ...loudBugArgs(q.loudBugs),
    ...(launch.extraKernelArgs ?? []),
  ].join(' ');
  const args = [
    '-M', q.machine,
    ...accel,
    '-smp', String(q.smp),
    '-m', String(q.memoryMiB),
    '-nodefaults',
    '-no-user-config',
    '-display', 'none',
    '-no-reboot',
    '-chardev', 'stdio,id=console,signal=off',
    '-serial', 'chardev:console',
    '-kernel', image.bootKernel,
    '-initrd', image.initramfs,
    ...(image.dtb ? ['-dtb', image.dtb] : []),
    '-append', cmdline,
    '-fsdev', 'local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap',
    '-device', 'virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot',
    '-device', 'virtio-serial-pci',
    '-chardev', `socket,id=agent,path=${launch.agentSocket},server=on,wait=off`,
    '-device', `virtserialport,chardev=agent,name=${VIRTIO_PORT_NAME}`,
  ];
  if (q.virtioCrypto) {
    args.push('-object', 'cryptodev-backend-builtin,id=cryptodev0', '-device', 'virtio-crypto-pci,cryptodev=cryptodev0');
  }
  args.push(...(q.extraArgs ?? []), ...(launch.extraQemuArgs ?? []));
  return args;
}
