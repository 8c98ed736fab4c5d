/**
 * Deploy dirs for the user-image tests: Yocto's tmp/deploy/images/<machine> (the qemuboot.conf
 * fixtures, dated files and their links as the image and kernel classes deploy them) and
 * Buildroot's output/images, with kernel files that carry the real header magic.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../harness/core/paths.js';

export const YOCTO_FIXTURES = path.join(projectRoot, 'test', 'fixtures', 'yocto');

/** A kernel image header of the kind's magic (bzImage "HdrS" at 0x202, arm64 Image "ARM\x64" at 0x38, zImage 0x016f2818 at 0x24). */
export function kernelBytes(kind: 'bzImage' | 'Image' | 'zImage'): Buffer {
  const bytes = Buffer.alloc(0x1000);
  if (kind === 'bzImage') bytes.write('HdrS', 0x202, 'latin1');
  if (kind === 'Image') bytes.write('ARM\x64', 0x38, 'latin1');
  if (kind === 'zImage') bytes.writeUInt32LE(0x016f2818, 0x24);
  return bytes;
}

function linked(dir: string, file: string, link: string, content: Buffer | string): void {
  fs.writeFileSync(path.join(dir, file), content);
  fs.symlinkSync(file, path.join(dir, link));
}

/** A Yocto deploy dir for `machine` (qemux86-64 or qemuarm64) as core-image-minimal leaves it. */
export function writeYoctoDeploy(dir: string, machine: 'qemux86-64' | 'qemuarm64', options: { fstype?: string; kernel?: Buffer } = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = machine === 'qemux86-64' ? '20250314092653' : '20250314101502';
  const imagetype = machine === 'qemux86-64' ? 'bzImage' : 'Image';
  const image = `core-image-minimal-${machine}.rootfs`;
  const artifact = `-6.6.75+git0+c3f55b0e3e_62ca117d8c-r0-${machine}-${stamp}`;
  const fstype = options.fstype ?? (machine === 'qemux86-64' ? 'ext4.zst' : 'ext4');
  linked(dir, `${image}-${stamp}.qemuboot.conf`, `${image}.qemuboot.conf`, fs.readFileSync(path.join(YOCTO_FIXTURES, `${machine}.qemuboot.conf`), 'utf8').replace(/^qb_default_fstype = .*$/m, `qb_default_fstype = ${fstype}`));
  linked(dir, `${imagetype}-${artifact}.bin`, imagetype, options.kernel ?? kernelBytes(imagetype));
  fs.symlinkSync(`${imagetype}-${artifact}.bin`, path.join(dir, `${imagetype}-${machine}.bin`));
  linked(dir, `${image}-${stamp}.${fstype}`, `${image}.${fstype}`, 'rootfs');
  linked(dir, `${image}-${stamp}.tar.zst`, `${image}.tar.zst`, 'tarball');
  linked(dir, `modules-${artifact}.tgz`, `modules-${machine}.tgz`, 'modules');
  fs.writeFileSync(path.join(dir, `${image}-${stamp}.manifest`), 'busybox core2_64 1.36.1\n');
  return dir;
}

/** Buildroot's output/images: a kernel and the given rootfs files. */
export function writeBuildrootImages(dir: string, kernel: 'bzImage' | 'Image' | 'zImage', rootfs: string[]): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, kernel), kernelBytes(kernel));
  for (const name of rootfs) fs.writeFileSync(path.join(dir, name), 'rootfs');
  return dir;
}
