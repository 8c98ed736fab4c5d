/**
 * A kernel and image the user built (a Yocto deploy dir, a Buildroot output/images), resolved to
 * what booting it under QEMU needs. Both resolvers produce a UserImageBoot; user-image-command.ts
 * turns it into a QEMU command line.
 */
import path from 'node:path';
import { BadInputError } from '../harness/core/errors.js';
import { findOnPath } from '../harness/core/exec.js';
import type { Arch } from '../harness/board/board.js';
import type { KernelImageKind } from './kernel-image.js';

/** Root file systems the harness boots: an initramfs (-initrd) or a disk image (-drive). */
export type RootfsType = 'cpio' | 'cpio.gz' | 'cpio.zst' | 'ext2' | 'ext3' | 'ext4' | 'wic' | 'qcow2';

export interface UserRootfs {
  file: string;
  type: RootfsType;
  /** the file is compressed as a whole and must be decompressed before QEMU opens it (ext4.zst, wic.zst) */
  decompress?: 'zstd';
  /** QEMU's drive format for a disk image */
  format?: 'raw' | 'qcow2';
}

/** A key of the image's description the harness read but does not act on, and why. */
export interface IgnoredKey {
  key: string;
  value: string;
  reason: string;
}

export interface UserImageBoot {
  /** where it came from, for messages: yocto:<qemuboot.conf> or buildroot:<dir> */
  origin: string;
  arch: Arch;
  /** qemu-system-* */
  binary: string;
  /** machine options as the image describes them (-machine virt, …) */
  machineArgs: string[];
  cpuArgs: { tcg: string[]; kvm?: string[] };
  smp: number;
  memoryMiB: number;
  kernel: { file: string; kind: KernelImageKind };
  dtb?: string;
  rootfs?: UserRootfs;
  /** disk-image rootfs options with @ROOTFS@ where the file goes (qb_rootfs_opt), when the image names them */
  rootfsArgsTemplate?: string[];
  /** root= device for a disk image (default /dev/vda) */
  kernelRoot: string;
  /** the console the kernel writes to (ttyS0, ttyAMA0): the first serial port, read by the harness */
  console: string;
  /** kernel arguments the image asks for (qb_kernel_cmdline_append …) */
  kernelArgs: string[];
  /** QEMU options the image asks for (qb_opt_append, qb_rng, qb_serial_opt without its -serial ports …) */
  extraArgs: string[];
  /** modules archive (Yocto's modules-<machine>.tgz), when there is one */
  modulesArchive?: string;
  ignored: IgnoredKey[];
}

/** File-name suffixes of root file systems, longest first, with their type. */
const ROOTFS_SUFFIXES: Array<{ suffix: string; rootfs: Omit<UserRootfs, 'file'> }> = [
  { suffix: '.cpio.gz', rootfs: { type: 'cpio.gz' } },
  { suffix: '.cpio.zst', rootfs: { type: 'cpio.zst' } },
  { suffix: '.cpio', rootfs: { type: 'cpio' } },
  { suffix: '.ext2.zst', rootfs: { type: 'ext2', decompress: 'zstd', format: 'raw' } },
  { suffix: '.ext3.zst', rootfs: { type: 'ext3', decompress: 'zstd', format: 'raw' } },
  { suffix: '.ext4.zst', rootfs: { type: 'ext4', decompress: 'zstd', format: 'raw' } },
  { suffix: '.ext2', rootfs: { type: 'ext2', format: 'raw' } },
  { suffix: '.ext3', rootfs: { type: 'ext3', format: 'raw' } },
  { suffix: '.ext4', rootfs: { type: 'ext4', format: 'raw' } },
  { suffix: '.wic.zst', rootfs: { type: 'wic', decompress: 'zstd', format: 'raw' } },
  { suffix: '.wic.qcow2', rootfs: { type: 'qcow2', format: 'qcow2' } },
  { suffix: '.wic', rootfs: { type: 'wic', format: 'raw' } },
  { suffix: '.qcow2', rootfs: { type: 'qcow2', format: 'qcow2' } },
];

/** The file-name suffixes (without the dot) the harness boots, for messages. */
export const ROOTFS_TYPES = ROOTFS_SUFFIXES.map((entry) => entry.suffix.slice(1));

/** The rootfs type of a file name or a Yocto fstype (ext4.zst, cpio.gz, wic…), or undefined. */
export function rootfsTypeOf(nameOrFstype: string): Omit<UserRootfs, 'file'> | undefined {
  const name = nameOrFstype.startsWith('.') || nameOrFstype.includes('/') ? nameOrFstype : `.${nameOrFstype}`;
  return ROOTFS_SUFFIXES.find((entry) => name.endsWith(entry.suffix))?.rootfs;
}

/** A rootfs file with its type, or a BadInputError naming the file (`where` says who named it). */
export function userRootfs(file: string, where: string, fstype = path.basename(file)): UserRootfs {
  const type = rootfsTypeOf(fstype);
  if (!type) throw new BadInputError(`${where}: root file system ${path.basename(file)} is of a type the harness cannot boot (it boots ${ROOTFS_TYPES.join(', ')})`);
  return { file, ...type };
}

export const isInitramfs = (rootfs: UserRootfs): boolean => rootfs.type.startsWith('cpio');

const SYSTEM_ARCHES: Record<string, Arch> = { 'qemu-system-x86_64': 'x86_64', 'qemu-system-aarch64': 'aarch64', 'qemu-system-arm': 'armhf' };
export const SYSTEM_OF_ARCH: Record<Arch, string> = { x86_64: 'qemu-system-x86_64', aarch64: 'qemu-system-aarch64', armhf: 'qemu-system-arm' };
const QEMU_PACKAGES: Record<Arch, string> = { x86_64: 'qemu-system-x86', aarch64: 'qemu-system-arm', armhf: 'qemu-system-arm' };

/** The harness's architecture for a qemu-system binary name, or a BadInputError. */
export function archOfSystem(binary: string, where: string): Arch {
  const arch = SYSTEM_ARCHES[path.basename(binary)];
  if (!arch) throw new BadInputError(`${where}: ${binary} boots an architecture the harness does not run (it runs ${Object.keys(SYSTEM_ARCHES).join(', ')})`);
  return arch;
}

export interface ResolveOptions {
  /** how to find a host program (default: PATH); tests pass their own */
  findHostProgram?: (command: string) => string | undefined;
}

/** Fail with one line when the host has no QEMU for this architecture. */
export function requireHostQemu(arch: Arch, where: string, lookup: (command: string) => string | undefined = findOnPath): void {
  const binary = SYSTEM_OF_ARCH[arch];
  if (!lookup(binary)) throw new BadInputError(`${where}: the host has no ${binary} for this ${arch} image: install with 'apt-get install -y ${QEMU_PACKAGES[arch]}'`);
}
