/**
 * The kernel and busybox from their .debs: downloaded with `apt-get download` (never installed on
 * the host), unpacked with dpkg-deb, and the boot kernel copied out of the kernel package (the
 * vmlinux inside vmlinuz when the board boots uncompressed).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { QemuBoard } from '../../harness/board/board.js';
import { cacheDir } from '../../harness/core/paths.js';
import { execFile } from '../../harness/core/exec.js';
import { HarnessError } from '../../harness/core/errors.js';
import type { StepProgress } from '../../harness/core/progress.js';
import { extractVmlinuxFile } from '../vmlinux.js';
import type { ImagePackages, PackageSources } from './package-resolution.js';

export interface PackageDebs {
  kernel: string;
  busybox: string;
}

export interface UnpackedKernel {
  /** the kernel package unpacked */
  tree: string;
  /** its one lib/modules/<release> */
  kernelRelease: string;
  /** its boot/vmlinuz-* */
  vmlinuz: string;
  /** busybox-static's binary, unpacked beside it */
  busyboxBinary: string;
}

/** The build step: both .debs into the download cache (kept there for the next build). */
export async function downloadKernelAndBusybox(board: QemuBoard, packages: ImagePackages, sources: PackageSources, progress: StepProgress): Promise<PackageDebs> {
  progress.next(`downloading ${packages.kernel.name} and busybox-static (apt-get download${sources.foreign ? ', private lists' : ''})`);
  const downloads = cacheDir('downloads', board.qemu.debianArch);
  const kernel = await sources.apt.download(packages.kernel, downloads);
  const busybox = await sources.apt.download(packages.busybox, downloads);
  progress.detail(`${path.basename(kernel)} (${(fs.statSync(kernel).size / 1e6).toFixed(0)} MB)`);
  return { kernel, busybox };
}

/** The build step: both .debs unpacked under a fresh work directory. */
export async function extractKernelPackage(debs: PackageDebs, work: string, progress: StepProgress): Promise<UnpackedKernel> {
  progress.next('extracting the kernel package');
  fs.rmSync(work, { recursive: true, force: true });
  const tree = path.join(work, 'deb');
  fs.mkdirSync(tree, { recursive: true });
  await execFile('dpkg-deb', ['-x', debs.kernel, tree]);
  await execFile('dpkg-deb', ['-x', debs.busybox, path.join(work, 'busybox')]);
  const releases = fs.readdirSync(path.join(tree, 'lib', 'modules'));
  const kernelRelease = releases[0];
  if (releases.length !== 1 || !kernelRelease) throw new HarnessError(`${debs.kernel}: expected one lib/modules/<release>, found ${releases.join(', ')}`, 2);
  const vmlinuz = fs.readdirSync(path.join(tree, 'boot')).find((file) => file.startsWith('vmlinuz-'));
  if (!vmlinuz) throw new HarnessError(`${debs.kernel}: no boot/vmlinuz-*`, 2);
  return { tree, kernelRelease, vmlinuz: path.join(tree, 'boot', vmlinuz), busyboxBinary: path.join(work, 'busybox', 'bin', 'busybox') };
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
