/**
 * The kernel config of a QEMU board's guest image: Debian ships it as /boot/config-<release> in the
 * kernel package, which the initramfs leaves out (and Debian kernels have no /proc/config.gz). It is
 * read from the cached .deb once and kept beside the image as `config-<release>`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { cacheDir } from '../harness/core/paths.js';
import { HarnessError } from '../harness/core/errors.js';
import type { GuestImage } from './guest-image.js';
import type { QemuBoardConfig } from '../harness/board/board.js';

type DebianArch = QemuBoardConfig['debianArch'];

export interface KernelConfigFile {
  source: string;
  text: string;
}

/** The .deb `apt-get download` left for this image's kernel, or undefined. */
export function cachedKernelDeb(image: GuestImage, arch: DebianArch, downloads = cacheDir('downloads', arch)): string | undefined {
  if (!fs.existsSync(downloads)) return undefined;
  const prefix = `${image.kernelPackage}_${image.kernelVersion.replace(/:/g, '%3a')}_`;
  const file = fs.readdirSync(downloads).find((entry) => entry.startsWith(prefix) && entry.endsWith('.deb'));
  return file ? path.join(downloads, file) : undefined;
}

/** One member of a .deb's data archive, without unpacking the rest (dpkg-deb | tar, no shell). */
export function debMember(deb: string, member: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const dpkg = spawn('dpkg-deb', ['--fsys-tarfile', deb], { stdio: ['ignore', 'pipe', 'ignore'] });
    const tar = spawn('tar', ['-xOf', '-', member], { stdio: [dpkg.stdout, 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    tar.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    tar.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    const fail = (message: string): void => reject(new HarnessError(`${deb}: cannot read ${member}: ${message}`, 2));
    dpkg.on('error', (error) => fail(error.message));
    tar.on('error', (error) => fail(error.message));
    tar.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out).toString('utf8')) : fail(Buffer.concat(err).toString('utf8').trim() || `tar exit ${code}`)));
  });
}

/** The image's kernel config: kept beside the image, else read from the cached kernel .deb (and kept). */
export async function imageKernelConfig(image: GuestImage, arch: DebianArch, downloads?: string): Promise<KernelConfigFile> {
  const kept = path.join(image.dir, `config-${image.kernelRelease}`);
  if (fs.existsSync(kept)) return { source: kept, text: fs.readFileSync(kept, 'utf8') };
  const deb = cachedKernelDeb(image, arch, downloads);
  if (!deb) throw new HarnessError(`the kernel package of ${image.dir} (${image.kernelPackage} ${image.kernelVersion}) is no longer in the download cache: run 'afalg-harness qemu prepare --force'`, 2);
  const text = await debMember(deb, `./boot/config-${image.kernelRelease}`);
  const temporary = `${kept}.tmp-${process.pid}`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, kept);
  return { source: `${deb}:/boot/config-${image.kernelRelease}`, text };
}
