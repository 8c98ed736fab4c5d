/**
 * `yocto:PATH`: a Yocto deploy dir (tmp/deploy/images/<machine>) or one *.qemuboot.conf in it,
 * resolved the way runqemu finds things: the newest qemuboot.conf (an -initramfs- one only when it
 * is the only one), the kernel named by qb_default_kernel (else KERNEL_IMAGETYPE), the rootfs
 * <IMAGE_LINK_NAME>.<qb_default_fstype>, the DTB qb_dtb names, and the modules-<MACHINE>.tgz
 * the kernel recipe deploys.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../../harness/core/errors.js';
import { readKernelImageInfo } from '../kernel-image.js';
import { archOfSystem, requireHostQemu, rootfsTypeOf, ROOTFS_TYPES, userRootfs, type ResolveOptions, type UserImageBoot, type UserRootfs } from '../user-image.js';
import { parseQemuboot, type Qemuboot } from './qemuboot.js';
import type { Arch } from '../../harness/board/board.js';

const QEMUBOOT_SUFFIX = '.qemuboot.conf';
const DEFAULT_CONSOLES: Record<Arch, string> = { x86_64: 'ttyS0', aarch64: 'ttyAMA0', armhf: 'ttyAMA0' };

/** The qemuboot.conf for a deploy dir or a file, as runqemu picks it. */
export function findQemuboot(target: string): string {
  if (!fs.existsSync(target)) throw new BadInputError(`${target}: no such Yocto deploy dir or qemuboot.conf`);
  if (!fs.statSync(target).isDirectory()) {
    if (!target.endsWith(QEMUBOOT_SUFFIX)) throw new BadInputError(`${target}: not a *${QEMUBOOT_SUFFIX} (yocto: takes a deploy dir or one qemuboot.conf)`);
    return target;
  }
  const byMtime = fs
    .readdirSync(target)
    .filter((name) => name.endsWith(QEMUBOOT_SUFFIX))
    .map((name) => ({ name, mtime: fs.statSync(path.join(target, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime || a.name.localeCompare(b.name));
  const chosen = byMtime.find((entry) => !entry.name.includes('-initramfs-')) ?? byMtime[0];
  if (!chosen) throw new BadInputError(`${target}: no *${QEMUBOOT_SUFFIX}: not a Yocto deploy dir (tmp/deploy/images/<machine>) of an image built with IMAGE_CLASSES += "qemuboot"`);
  return path.join(target, chosen.name);
}

/** The first existing file among exact names, then names starting with a prefix. */
function firstFile(dir: string, exact: Array<string | undefined>, prefixes: Array<string | undefined> = [], suffix = ''): string | undefined {
  const names = fs.readdirSync(dir).sort();
  for (const name of exact) if (name && names.includes(name) && fs.statSync(path.join(dir, name)).isFile()) return path.join(dir, name);
  for (const prefix of prefixes) {
    const found = prefix && names.find((entry) => entry.startsWith(prefix) && entry.endsWith(suffix) && fs.statSync(path.join(dir, entry)).isFile());
    if (found) return path.join(dir, found);
  }
  return undefined;
}

function resolveKernel(qb: Qemuboot, dir: string, arch: Arch): UserImageBoot['kernel'] {
  const named = qb.defaultKernel ? path.basename(qb.defaultKernel) : undefined;
  const file = firstFile(dir, [named, qb.kernelImagetype], [qb.kernelImagetype]);
  if (!file) throw new BadInputError(`${qb.file}: kernel ${named ?? qb.kernelImagetype ?? '(qb_default_kernel unset)'} not found in ${dir}`);
  const info = readKernelImageInfo(file);
  if (info.arch !== arch) throw new BadInputError(`${file}: an ${info.arch} kernel, but ${qb.file} boots it with ${qb.systemName}`);
  return { file, kind: info.kind };
}

function resolveRootfs(qb: Qemuboot, dir: string): UserRootfs {
  const fstype = qb.defaultFstype;
  if (!rootfsTypeOf(fstype)) throw new BadInputError(`${qb.file}: qb_default_fstype ${fstype} is a root file system type the harness cannot boot (it boots ${ROOTFS_TYPES.join(', ')})`);
  const link = qb.imageLinkName ? `${qb.imageLinkName}.${fstype}` : undefined;
  const file = firstFile(dir, [link], [qb.imageName, qb.imageLinkName], `.${fstype}`);
  if (!file) throw new BadInputError(`${qb.file}: root file system ${link ?? `*.${fstype}`} not found in ${dir}`);
  return userRootfs(file, qb.file, fstype);
}

function resolveDtb(qb: Qemuboot, dir: string): string | undefined {
  if (!qb.dtb) return undefined;
  const file = firstFile(dir, [qb.dtb], [qb.dtb, ''], '.dtb');
  if (!file) throw new BadInputError(`${qb.file}: qb_dtb ${qb.dtb} not found in ${dir}`);
  return file;
}

/** qb_serial_opt without its -serial ports: the harness puts the console on its own chardev. */
function withoutSerialPorts(args: string[]): string[] {
  return args.filter((arg, index) => arg !== '-serial' && args[index - 1] !== '-serial');
}

/** The kernel arguments runqemu adds besides root= and console=: mem= outside x86, MIPS and LoongArch machines, then qb_kernel_cmdline_append. */
function kernelArgsOf(qb: Qemuboot): string[] {
  const machine = qb.machine ?? '';
  const mem = /^(qemumips|qemux86|qemuloongarch64)/.test(machine) ? [] : [`mem=${qb.memoryMiB}M`];
  return [...mem, ...qb.kernelCmdlineAppend];
}

/** A deploy dir or qemuboot.conf resolved to what booting it needs; one BadInputError line naming the file on any problem. */
export function resolveYoctoDeploy(target: string, options: ResolveOptions = {}): UserImageBoot {
  const file = findQemuboot(target);
  const qb = parseQemuboot(fs.readFileSync(file, 'utf8'), file);
  const dir = path.dirname(file);
  const arch = archOfSystem(qb.systemName, file);
  requireHostQemu(arch, file, options.findHostProgram);
  const kernel = resolveKernel(qb, dir, arch);
  const rootfs = resolveRootfs(qb, dir);
  const dtb = resolveDtb(qb, dir);
  const modulesArchive = firstFile(dir, [qb.machine ? `modules-${qb.machine}.tgz` : undefined], ['modules-'], '.tgz');
  const console = qb.serialConsoles[0]?.split(';')[1] ?? DEFAULT_CONSOLES[arch];
  return {
    origin: `yocto:${file}`,
    arch,
    binary: qb.systemName,
    machineArgs: qb.machineArgs,
    cpuArgs: { tcg: qb.cpuArgs, ...(qb.cpuKvmArgs ? { kvm: qb.cpuKvmArgs } : {}) },
    smp: qb.smp,
    memoryMiB: qb.memoryMiB,
    kernel,
    ...(dtb ? { dtb } : {}),
    rootfs,
    ...(qb.rootfsOptArgs ? { rootfsArgsTemplate: qb.rootfsOptArgs } : {}),
    kernelRoot: qb.kernelRoot,
    console,
    kernelArgs: kernelArgsOf(qb),
    extraArgs: [...qb.rngArgs, ...withoutSerialPorts(qb.serialOptArgs), ...qb.optAppendArgs.map((arg) => arg.replaceAll('@DEPLOY_DIR_IMAGE@', dir))],
    ...(modulesArchive ? { modulesArchive } : {}),
    ignored: qb.ignored,
  };
}
