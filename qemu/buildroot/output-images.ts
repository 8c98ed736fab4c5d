/**
 * `buildroot:output/images`: Buildroot's images directory — a kernel (bzImage, Image, zImage or
 * vmlinux) and a root file system (rootfs.cpio[.gz|.zst], rootfs.ext4, rootfs.ext2, rootfs.qcow2),
 * an optional DTB. Buildroot writes no boot description, so QEMU's machine and CPU are the
 * harness's own defaults for the kernel's architecture (as its qemu-* boards use).
 */
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../../harness/core/errors.js';
import type { Arch } from '../../harness/board/board.js';
import { readKernelImageInfo } from '../kernel-image.js';
import { requireHostQemu, SYSTEM_OF_ARCH, userRootfs, type ResolveOptions, type UserImageBoot, type UserRootfs } from '../user-image.js';

const KERNELS = ['bzImage', 'Image', 'Image.gz', 'zImage', 'vmlinux'];
/** initramfs first: it needs no block driver in the kernel */
const ROOTFS = ['rootfs.cpio.gz', 'rootfs.cpio.zst', 'rootfs.cpio', 'rootfs.ext4', 'rootfs.ext2', 'rootfs.qcow2'];

interface ArchDefaults {
  machine: string[];
  cpu: { tcg: string[]; kvm: string[] };
  console: string;
}

/** as the bundled x86_64 boards (boards/board.schema.json, qemu.cpu.tcg): rep stosb/movsb run a byte per loop under TCG */
const X86_TCG_CPU = 'max,-erms,-fsrm';

export const BUILDROOT_DEFAULTS: Record<Arch, ArchDefaults> = {
  x86_64: { machine: ['-machine', 'pc'], cpu: { tcg: ['-cpu', X86_TCG_CPU], kvm: ['-cpu', 'host'] }, console: 'ttyS0' },
  aarch64: { machine: ['-machine', 'virt'], cpu: { tcg: ['-cpu', 'max,pauth=off,sve=off'], kvm: ['-cpu', 'host'] }, console: 'ttyAMA0' },
  armhf: { machine: ['-machine', 'virt'], cpu: { tcg: ['-cpu', 'max'], kvm: ['-cpu', 'host'] }, console: 'ttyAMA0' },
};

function resolveRootfs(dir: string, names: string[]): UserRootfs | undefined {
  const known = ROOTFS.find((name) => names.includes(name));
  if (known) return userRootfs(path.join(dir, known), dir);
  const other = names.find((name) => name.startsWith('rootfs.'));
  // a rootfs of another type (squashfs, ubi, tar…) is refused, not silently replaced by the harness's initramfs
  return other ? userRootfs(path.join(dir, other), dir) : undefined;
}

export function resolveBuildrootImages(dir: string, options: ResolveOptions = {}): UserImageBoot {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new BadInputError(`${dir}: no such directory (buildroot: takes Buildroot's output/images)`);
  const names = fs.readdirSync(dir).sort();
  const kernelName = KERNELS.find((name) => names.includes(name));
  if (!kernelName) throw new BadInputError(`${dir}: no kernel image (${KERNELS.join(', ')}): not a Buildroot output/images`);
  const kernelFile = path.join(dir, kernelName);
  const info = readKernelImageInfo(kernelFile);
  requireHostQemu(info.arch, dir, options.findHostProgram);
  const defaults = BUILDROOT_DEFAULTS[info.arch];
  const rootfs = resolveRootfs(dir, names);
  const dtbs = names.filter((name) => name.endsWith('.dtb'));
  if (dtbs.length > 1) throw new BadInputError(`${dir}: ${dtbs.length} device trees (${dtbs.join(', ')}): keep the one QEMU should use`);
  return {
    origin: `buildroot:${dir}`,
    arch: info.arch,
    binary: SYSTEM_OF_ARCH[info.arch],
    machineArgs: defaults.machine,
    cpuArgs: defaults.cpu,
    smp: 2,
    memoryMiB: 1024,
    kernel: { file: kernelFile, kind: info.kind },
    ...(dtbs[0] ? { dtb: path.join(dir, dtbs[0]) } : {}),
    ...(rootfs ? { rootfs } : {}),
    kernelRoot: '/dev/vda',
    console: defaults.console,
    kernelArgs: ['rootwait'],
    extraArgs: [],
    ignored: [],
  };
}
