/**
 * The QEMU command line for a user's image (Yocto, Buildroot), as runqemu would build it for the
 * parts that matter — machine, CPU, SMP, memory, kernel, DTB, the root file system as -initrd or
 * -drive, the image's own options — and the harness's rules for the rest: the console on a chardev
 * the harness reads, no display, no network, the user's image never written (-snapshot), a panic
 * ends QEMU. Pure: a description in, a command line out.
 */
import { BadInputError } from '../harness/core/errors.js';
import { isInitramfs, type UserImageBoot } from './user-image.js';

export interface UserImageLaunch {
  accel: 'kvm' | 'tcg';
  /** where the guest's console goes: QEMU's stdio, a unix socket QEMU listens on, or a pty QEMU opens (it prints its path) */
  console: { stdio: true } | { socket: string } | { pty: true };
  /** the rootfs file QEMU opens: the image's own, or its decompressed copy (ext4.zst) */
  rootfsFile?: string;
  extraKernelArgs?: string[];
  extraQemuArgs?: string[];
  /** an initramfs booted before a disk root (the harness's root loader, own-kernel/root-loader.ts) */
  rootLoader?: string;
}

export interface UserImageCommand {
  binary: string;
  machine: string[];
  /** -accel and -cpu */
  cpu: string[];
  smp: number;
  memoryMiB: number;
  kernel: string;
  dtb?: string;
  /** -initrd FILE, or the -drive options (and -snapshot) */
  rootfs: string[];
  console: string[];
  append: string;
  /** the image's options and the caller's */
  extra: string[];
  /** everything above, in order, for spawn(binary, args) */
  args: string[];
}

/** A file name inside a QEMU option list: commas are doubled. */
const optionPath = (file: string): string => file.replaceAll(',', ',,');

function rootfsArgs(boot: UserImageBoot, launch: UserImageLaunch): { qemu: string[]; kernel: string[] } {
  const rootfs = boot.rootfs;
  if (!rootfs) return { qemu: [], kernel: [] };
  const file = launch.rootfsFile ?? rootfs.file;
  if (rootfs.decompress && launch.rootfsFile === undefined) throw new BadInputError(`${rootfs.file}: compressed with ${rootfs.decompress}: QEMU needs the decompressed copy (rootfsFile)`);
  if (isInitramfs(rootfs)) return { qemu: ['-initrd', file], kernel: ['root=/dev/ram0', 'rw'] };
  const drive = boot.rootfsArgsTemplate
    ? boot.rootfsArgsTemplate.map((arg) => arg.replaceAll('@ROOTFS@', optionPath(file)))
    : ['-drive', `file=${optionPath(file)},if=virtio,format=${rootfs.format ?? 'raw'}`];
  const root = boot.kernelRoot.split(/\s+/);
  const mode = root.includes('ro') || root.includes('rw') ? [] : ['rw'];
  const loader = launch.rootLoader ? ['-initrd', launch.rootLoader] : [];
  return { qemu: [...drive, '-snapshot', ...loader], kernel: [`root=${root[0] ?? '/dev/vda'}`, ...root.slice(1), ...mode] };
}

function consoleArgs(launch: UserImageLaunch): string[] {
  const backend =
    'stdio' in launch.console ? 'stdio,id=console,signal=off' : 'pty' in launch.console ? 'pty,id=console' : `socket,id=console,path=${launch.console.socket},server=on,wait=off`;
  // a second port as runqemu pads it: images run a getty on ttyS1 too
  return ['-chardev', backend, '-serial', 'chardev:console', '-serial', 'null'];
}

function cpuArgs(boot: UserImageBoot, accel: 'kvm' | 'tcg'): string[] {
  if (accel === 'tcg') return ['-accel', 'tcg,thread=multi', ...boot.cpuArgs.tcg];
  if (!boot.cpuArgs.kvm) throw new BadInputError(`${boot.origin}: the image names no CPU for KVM (qb_cpu_kvm): run it under TCG`);
  return ['-accel', 'kvm', ...boot.cpuArgs.kvm];
}

export function userImageQemuCommand(boot: UserImageBoot, launch: UserImageLaunch): UserImageCommand {
  const rootfs = rootfsArgs(boot, launch);
  const cpu = cpuArgs(boot, launch.accel);
  const console = consoleArgs(launch);
  const append = [...rootfs.kernel, ...boot.kernelArgs, 'panic=-1', ...(launch.extraKernelArgs ?? []), `console=${boot.console}`].join(' ');
  const extra = [...boot.extraArgs, ...(launch.extraQemuArgs ?? [])];
  const dtb = boot.dtb ? ['-dtb', boot.dtb] : [];
  const args = [
    ...boot.machineArgs,
    ...cpu,
    '-smp', String(boot.smp),
    '-m', String(boot.memoryMiB),
    '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
    ...console,
    '-kernel', boot.kernel.file,
    ...dtb,
    ...rootfs.qemu,
    '-append', append,
    ...extra,
  ];
  return {
    binary: boot.binary,
    machine: boot.machineArgs,
    cpu,
    smp: boot.smp,
    memoryMiB: boot.memoryMiB,
    kernel: boot.kernel.file,
    ...(boot.dtb ? { dtb: boot.dtb } : {}),
    rootfs: rootfs.qemu,
    console,
    append,
    extra,
    args,
  };
}
