/**
 * The kernel and busybox from their .debs: downloaded with `apt-get download` (never installed on
 * the host), unpacked with dpkg-deb, and the boot kernel copied out of the kernel package (the
 * vmlinux inside vmlinuz when the board boots uncompressed). A 7.x kernel comes split in several
 * packages (ImagePackages.kernelParts), all unpacked into one tree (kernel-tree.ts reads either
 * layout).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { QemuBoard } from '../../harness/board/board.js';
import { cacheDir } from '../../harness/core/paths.js';
import { execFile } from '../../harness/core/exec.js';
import { HarnessError } from '../../harness/core/errors.js';
import type { StepProgress } from '../../harness/core/progress.js';
import { kernelTreeLayout } from './kernel-tree.js';
import { extractVmlinuxFile } from '../vmlinux.js';
import type { ImagePackages, PackageSources } from './package-resolution.js';

export interface PackageDebs {
  /** the kernel package's .deb, then those of its split parts */
  kernel: string[];
  busybox: string;
}

export interface UnpackedKernel {
  /** the kernel package unpacked */
  tree: string;
  /** its one lib/modules/<release> (a merged-/usr usr/lib/modules is moved there) */
  kernelRelease: string;
  /** its boot/vmlinuz-REL, or lib/modules/REL/vmlinuz (7.x) */
  vmlinuz: string;
  /** busybox-static's binary, unpacked beside it */
  busyboxBinary: string;
}

/** The build step: both .debs into the download cache (kept there for the next build). */
export async function downloadKernelAndBusybox(board: QemuBoard, packages: ImagePackages, sources: PackageSources, progress: StepProgress): Promise<PackageDebs> {
  progress.next(`downloading ${packages.kernel.name} and busybox-static (apt-get download${sources.foreign ? ', private lists' : ''})`);
  const downloads = cacheDir('downloads', board.qemu.debianArch);
  const kernel: string[] = [];
  for (const pkg of [packages.kernel, ...(packages.kernelParts ?? [])]) kernel.push(await sources.apt.download(pkg, downloads));
  const busybox = await sources.apt.download(packages.busybox, downloads);
  const kernelBytes = kernel.reduce((sum, deb) => sum + fs.statSync(deb).size, 0);
  progress.detail(`${kernel.map((deb) => path.basename(deb)).join(', ')} (${(kernelBytes / 1e6).toFixed(0)} MB)`);
  return { kernel, busybox };
}

/** busybox-static's binary: bookworm's package ships /bin/busybox, sid's (merged /usr) /usr/bin/busybox. */
export function busyboxBinaryIn(unpacked: string, debFile: string): string {
  const binary = ['bin', 'usr/bin'].map((dir) => path.join(unpacked, dir, 'busybox')).find((file) => fs.existsSync(file));
  if (!binary) throw new HarnessError(`${path.basename(debFile)}: no bin/busybox or usr/bin/busybox in the package`, 2);
  return binary;
}

/** The build step: the .debs unpacked under a fresh work directory. */
export async function extractKernelPackage(kernelName: string, debs: PackageDebs, work: string, progress: StepProgress): Promise<UnpackedKernel> {
  progress.next('extracting the kernel package');
  fs.rmSync(work, { recursive: true, force: true });
  const tree = path.join(work, 'deb');
  fs.mkdirSync(tree, { recursive: true });
  for (const deb of debs.kernel) await execFile('dpkg-deb', ['-x', deb, tree]);
  await execFile('dpkg-deb', ['-x', debs.busybox, path.join(work, 'busybox')]);
  const { kernelRelease, vmlinuz } = kernelTreeLayout(tree, kernelName);
  return { tree, kernelRelease, vmlinuz, busyboxBinary: busyboxBinaryIn(path.join(work, 'busybox'), debs.busybox) };
}

/** vmlinuz into the image directory, and the file QEMU boots (vmlinux when asked for and found). */
export function installBootKernel(board: QemuBoard, unpacked: UnpackedKernel, dir: string, progress: StepProgress): { kernel: string; bootKernel: string } {
  const kernel = path.join(dir, 'vmlinuz');
  fs.copyFileSync(unpacked.vmlinuz, kernel);
  if (!board.qemu.bootUncompressed) return { kernel, bootKernel: kernel };
  const vmlinux = path.join(dir, 'vmlinux');
  const compression = extractVmlinuxFile(kernel, vmlinux);
  progress.detail(compression ? `vmlinux extracted (${compression})` : 'no vmlinux found inside vmlinuz; booting vmlinuz');
  return { kernel, bootKernel: compression ? vmlinux : kernel };
}
