/**
 * The harness's root-loader initramfs for a user's image with a disk root (ext4, wic, qcow2) whose
 * kernel has the block driver or the file system as a module — as Debian's kernel has virtio_blk
 * and ext4. Such a kernel cannot mount root= by itself; Yocto answers with an initramfs image
 * (INITRAMFS_IMAGE) or a kernel with them built in. The harness cannot change the user's kernel,
 * but the image's own modules archive (modules-<machine>.tgz) has the modules: a small initramfs
 * (busybox-static, those modules, root-loader-init.sh) loads them, mounts the disk and
 * switch_roots into the image's own /sbin/init, so the image boots as it would on its own. A kernel
 * with them built in (no such module in the archive) boots the disk directly, as runqemu would.
 * Cached beside the own-kernel images, per archive, kernel and busybox version.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../harness/core/paths.js';
import { execFile } from '../../harness/core/exec.js';
import { StepProgress } from '../../harness/core/progress.js';
import { hostDebianArch } from '../apt/apt-command.js';
import type { DebianArch } from '../apt/debian.js';
import { moduleName, selectModules } from '../kernel-modules.js';
import { writeCpio } from '../image/cpio-writer.js';
import { assembleInitramfs } from '../image/initramfs-tree.js';
import { busyboxBinaryIn } from '../image/kernel-package.js';
import { aptOf, downloadBusybox } from '../image/package-resolution.js';
import { isInitramfs, type UserImageBoot } from '../user-image.js';
import type { Arch } from '../../harness/board/board.js';
import { readModuleTree, type ModuleTree } from './modules-source.js';
import { contentHash, ownImagesDir, reconcileRelease } from './own-kernel-image.js';
import { kernelImageRelease } from '../kernel-image.js';

export const rootLoaderInit = path.join(projectRoot, 'qemu', 'own-kernel', 'root-loader-init.sh');
const DEBIAN_ARCH: Record<Arch, DebianArch> = { x86_64: 'amd64', aarch64: 'arm64', armhf: 'armhf' };
/** What mounting a disk root may take, in load order: the bus, the block drivers, the file systems (ext2/3 are served by ext4). */
export const ROOT_MODULES = ['virtio_pci', 'virtio_mmio', 'virtio_blk', 'virtio_scsi', 'sd_mod', 'crc32c_generic', 'ext4', 'ext2'];
/** A disk root needs the loader when one of these is a module rather than built in. */
const ROOT_DECIDING = ['virtio_blk', 'ext4'];
const LOADER_FORMAT = 2;

interface LoaderManifest {
  /** the initramfs, when the kernel needs it */
  initramfs?: string;
  /** one line: why it is there, or why not */
  reason: string;
  /** the modules it loads (the reason names them with the root file system of the boot at hand: the loader is shared by every rootfs of one kernel) */
  modules?: string[];
}

/** The root modules among these module names, in load order; empty when the deciding ones are not among them (built in). */
function rootModulesAmong(present: Set<string>): string[] {
  if (!ROOT_DECIDING.some((name) => present.has(name))) return [];
  return ROOT_MODULES.filter((name) => present.has(name));
}

/** The root modules this tree has as modules, in load order; empty when the deciding ones are built in. */
export function rootModulesNeeded(tree: Pick<ModuleTree, 'deps'>): string[] {
  return rootModulesAmong(new Set([...tree.deps.keys()].map(moduleName)));
}

/**
 * For `qemu show` (nothing built): the root modules a modules archive holds, from its listing, or
 * undefined when tar cannot list it.
 */
export function rootModulesInArchive(archive: string): string[] | undefined {
  const listing = spawnSync('tar', ['-tf', archive], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (listing.status !== 0) return undefined;
  const modules = listing.stdout.split('\n').filter((name) => /\.ko(\.(xz|zst|gz))?$/.test(name));
  return rootModulesAmong(new Set(modules.map(moduleName)));
}

/** The line `qemu show` and a run print about a disk root's modules. */
export function rootLoaderReason(archive: string, modules: string[], rootfs: string): string {
  return `${modules.join(', ')} are modules in ${path.basename(archive)}: the harness's root-loader initramfs loads them and switch_roots into ${path.basename(rootfs)}`;
}

function loaderKey(archive: string, kernel: string, busyboxVersion: string): string {
  const recipe = { LOADER_FORMAT, archive: contentHash(archive), kernel: contentHash(kernel), busyboxVersion, ROOT_MODULES, init: fs.readFileSync(rootLoaderInit, 'utf8') };
  return crypto.createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 16);
}

async function buildLoader(boot: UserImageBoot, archive: string, busyboxDeb: string, dir: string, progress: StepProgress): Promise<LoaderManifest> {
  const work = `${dir}.tmp-${process.pid}`;
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  try {
    progress.next(`reading ${path.basename(archive)}`);
    const imageRelease = kernelImageRelease(boot.kernel.file, boot.kernel.kind);
    const tree = await readModuleTree(archive, work, imageRelease);
    // a stale modules tgz would load nothing and leave the disk unmounted: refused before the boot
    reconcileRelease({ image: boot.kernel.file, modules: archive }, imageRelease, tree);
    const preload = rootModulesNeeded(tree);
    if (preload.length === 0) return { reason: `${ROOT_DECIDING.join(' and ')} are not modules in ${path.basename(archive)}: the kernel mounts the disk itself` };
    const selection = selectModules(tree.deps, preload);
    await execFile('dpkg-deb', ['-x', busyboxDeb, path.join(work, 'busybox')]);
    const staging = path.join(work, 'initramfs');
    const modules = { moduleRoot: tree.moduleRoot, files: selection.files, preload };
    await assembleInitramfs(staging, { kernelRelease: tree.release, busyboxBinary: busyboxBinaryIn(path.join(work, 'busybox'), busyboxDeb), modules, agentNode: 'host', arch: DEBIAN_ARCH[boot.arch], withNode: false, init: rootLoaderInit }, progress);
    fs.mkdirSync(dir, { recursive: true });
    const initramfs = path.join(dir, 'root-loader.cpio');
    await writeCpio(staging, initramfs);
    return { initramfs, reason: rootLoaderReason(archive, preload, boot.rootfs?.file ?? 'the disk'), modules: preload };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The root-loader initramfs this image needs, or undefined (an initramfs root, no modules archive,
 * or a kernel that mounts the disk by itself); `reason` says which, for the run's output.
 */
export async function rootLoaderFor(boot: UserImageBoot, out: NodeJS.WritableStream): Promise<{ initramfs?: string; reason?: string }> {
  if (!boot.rootfs || isInitramfs(boot.rootfs) || !boot.modulesArchive) return {};
  const debianArch = DEBIAN_ARCH[boot.arch];
  const apt = aptOf(debianArch, await hostDebianArch(), (line) => out.write(`    ${line}\n`));
  const { busybox, deb } = await downloadBusybox(apt);
  const dir = path.join(ownImagesDir(debianArch), `root-loader-${loaderKey(boot.modulesArchive, boot.kernel.file, busybox.version)}`);
  const manifestFile = path.join(dir, 'manifest.json');
  const cached = fs.existsSync(manifestFile) ? (JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as LoaderManifest) : undefined;
  if (cached && (!cached.initramfs || fs.existsSync(cached.initramfs))) {
    return cached.modules ? { ...cached, reason: rootLoaderReason(boot.modulesArchive, cached.modules, boot.rootfs.file) } : cached;
  }
  const manifest = await buildLoader(boot, boot.modulesArchive, deb, dir, new StepProgress('root loader', 2, out));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}
