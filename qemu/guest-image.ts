/**
 * Building the guest image from Debian's own packages: the kernel (.deb fetched with
 * `apt-get download`, never installed on the host), a busybox initramfs holding the crypto modules,
 * modules.dep and a working modprobe. Cached outside the repo, keyed by everything that goes in it.
 *
 * A board of another architecture than the host's gets its packages through a private apt
 * configuration (apt/foreign-apt.ts). A board with `agentNode: "image"` also gets Debian's nodejs
 * for its architecture, with everything it depends on, unpacked into the initramfs (the root layout
 * is described in image/root-layout.ts).
 *
 * A board with the user's own kernel (qemu.kernel, `--board kernel:…`) gets the same initramfs around
 * that kernel and its modules instead: qemu/own-kernel/own-kernel-image.ts.
 *
 * Each step lives in qemu/image/: package-resolution, image-cache, kernel-package (kernel-tree),
 * module-selection, node-closure, initramfs-tree, cpio-writer.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { QemuBoard } from '../harness/board/board.js';
import { requireHostTools } from '../harness/core/exec.js';
import { BadInputError } from '../harness/core/errors.js';
import { StepProgress } from '../harness/core/progress.js';
import { hostDebianArch } from './apt/apt-command.js';
import { writeCpio } from './image/cpio-writer.js';
import { imageDirFor, newestCachedImage, readManifest, writeManifest, type GuestImage } from './image/image-cache.js';
import { assembleInitramfs } from './image/initramfs-tree.js';
import { downloadKernelAndBusybox, extractKernelPackage, installBootKernel, type UnpackedKernel } from './image/kernel-package.js';
import { prepareOwnKernelImage } from './own-kernel/own-kernel-image.js';
import { selectImageModules, type ModuleSelection } from './image/module-selection.js';
import { addNodeClosure, nodejsVersion } from './image/node-closure.js';
import { describePackages, packageSources, resolveImagePackages, type ImagePackages, type PackageSources } from './image/package-resolution.js';

export type { GuestImage } from './image/image-cache.js';

export interface PrepareOptions {
  /** ask apt again and rebuild even when the cache has this recipe */
  force?: boolean;
  progress?: NodeJS.WritableStream;
}

function requireImageTools(): void {
  requireHostTools(
    [
      { command: 'apt-get', debianPackage: 'apt' },
      { command: 'apt-cache', debianPackage: 'apt' },
      { command: 'dpkg-deb', debianPackage: 'dpkg' },
      { command: 'depmod', debianPackage: 'kmod' },
      { command: 'cpio', debianPackage: 'cpio' },
      { command: 'xz', debianPackage: 'xz-utils' },
    ],
    'building the guest image',
  );
}

/** When apt cannot answer: the newest cached image of the architecture, else a one-line error. */
function cachedImageInstead(board: QemuBoard, error: Error, sources: PackageSources | undefined, out: NodeJS.WritableStream): GuestImage {
  const cached = newestCachedImage(board);
  if (cached) {
    out.write(`    apt could not answer (${error.message}); using the cached ${cached.kernelPackage} image\n`);
    return cached;
  }
  const hint = sources?.privateApt ? '' : " (run 'apt-get update' first)";
  throw new BadInputError(`cannot resolve ${board.qemu.kernelPackage}:${board.qemu.debianArch}: ${error.message}${hint}`);
}

interface BuiltParts {
  packages: ImagePackages;
  unpacked: UnpackedKernel;
  modules: ModuleSelection;
  startedAt: number;
}

/** The last step: the cpio archive, the boot kernel and the manifest into the image directory. */
async function writeImage(board: QemuBoard, dir: string, staging: string, parts: BuiltParts, progress: StepProgress): Promise<GuestImage> {
  const { packages, unpacked, modules } = parts;
  progress.next('writing the image');
  fs.mkdirSync(dir, { recursive: true });
  const initramfs = path.join(dir, 'initramfs.cpio');
  await writeCpio(staging, initramfs);
  const { kernel, bootKernel } = installBootKernel(board, unpacked, dir, progress);
  const image: GuestImage = {
    dir,
    kernel,
    bootKernel,
    initramfs,
    kernelRelease: unpacked.kernelRelease,
    kernelPackage: packages.kernel.name,
    kernelVersion: packages.kernel.version,
    busyboxVersion: packages.busybox.version,
    moduleCount: modules.files.length,
    preload: modules.preload,
    builtAt: new Date().toISOString(),
    ...(packages.node ? { nodeVersion: nodejsVersion(packages.node), nodePackages: packages.node.map((pkg) => `${pkg.name}=${pkg.version}`) } : {}),
    initramfsBytes: fs.statSync(initramfs).size,
    buildSeconds: Math.round((Date.now() - parts.startedAt) / 100) / 10,
  };
  writeManifest(image);
  return image;
}

export async function prepareGuestImage(board: QemuBoard, options: PrepareOptions = {}): Promise<GuestImage> {
  if (board.qemu.kernel) return prepareOwnKernelImage(board, options);
  requireImageTools();
  const startedAt = Date.now();
  const agentNode = board.qemu.agentNode ?? 'host';
  const force = options.force ?? false;
  const progress = new StepProgress('qemu prepare', agentNode === 'image' ? 7 : 6, options.progress);
  const out = options.progress ?? process.stderr;

  let sources: PackageSources | undefined;
  let packages: ImagePackages;
  try {
    sources = packageSources(board, await hostDebianArch(), (line) => out.write(`    ${line}\n`));
    packages = await resolveImagePackages(board, sources, force, progress);
  } catch (error) {
    return cachedImageInstead(board, error as Error, sources, out);
  }
  progress.detail(describePackages(packages));

  const dir = imageDirFor(board, packages);
  const cached = force ? undefined : readManifest(dir);
  if (cached) {
    progress.done(`cached image ${dir}`);
    return cached;
  }

  const debs = await downloadKernelAndBusybox(board, packages, sources, progress);
  const work = `${dir}.tmp-${process.pid}`;
  const unpacked = await extractKernelPackage(packages.kernel.name, debs, work, progress);
  const modules = await selectImageModules(board, packages.kernel, unpacked, progress);
  const staging = path.join(work, 'initramfs');
  fs.mkdirSync(staging, { recursive: true });
  if (packages.node && sources.privateApt) await addNodeClosure(sources.privateApt, packages.node, staging, progress);
  const withNode = packages.node !== undefined;
  await assembleInitramfs(staging, { kernelRelease: unpacked.kernelRelease, busyboxBinary: unpacked.busyboxBinary, modules, agentNode, arch: board.qemu.debianArch, withNode }, progress);
  const image = await writeImage(board, dir, staging, { packages, unpacked, modules, startedAt }, progress);
  fs.rmSync(work, { recursive: true, force: true });
  progress.done(`image ${dir} (initramfs ${((image.initramfsBytes ?? 0) / 1e6).toFixed(1)} MB)`);
  return image;
}
