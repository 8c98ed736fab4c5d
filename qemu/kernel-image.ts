/**
 * What a kernel image file is, from its magic numbers: an x86 bzImage ("HdrS" at 0x202), an arm64
 * Image ("ARM\x64" at 0x38), the same gzip-compressed (Image.gz, which QEMU's arm64 loader
 * decompresses itself), a 32-bit Arm zImage (0x016f2818 at 0x24) or an ELF vmlinux (its e_machine
 * says the architecture). Anything else is not a kernel QEMU can boot with -kernel.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { BadInputError } from '../harness/core/errors.js';
import type { Arch } from '../harness/board/board.js';

export type KernelImageKind = 'bzImage' | 'Image' | 'Image.gz' | 'zImage' | 'vmlinux';

export interface KernelImageInfo {
  kind: KernelImageKind;
  arch: Arch;
}

const ELF_MACHINES: Record<number, Arch> = { 0x3e: 'x86_64', 0xb7: 'aarch64', 0x28: 'armhf' };

/** Bytes read from the start of a file to tell its kind (a gzip stream needs some to inflate the header). */
const HEAD_BYTES = 0x10000;

const isGzip = (bytes: Buffer): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** As much of a gzip stream's content as `compressed` (possibly cut short) holds; empty when it is not gzip. */
function inflatedStart(compressed: Buffer): Buffer {
  try {
    return zlib.gunzipSync(compressed, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch {
    return Buffer.alloc(0);
  }
}

/**
 * The kind and architecture of a kernel image from its first bytes (at least 0x210; a gzip stream:
 * enough to inflate 0x40 bytes), or undefined. Gzip is taken only around an arm64 Image: QEMU
 * decompresses nothing else given with -kernel.
 */
export function kernelImageInfo(head: Buffer): KernelImageInfo | undefined {
  if (isGzip(head)) return kernelImageInfo(inflatedStart(head))?.kind === 'Image' ? { kind: 'Image.gz', arch: 'aarch64' } : undefined;
  if (head.length >= 0x206 && head.toString('latin1', 0x202, 0x206) === 'HdrS') return { kind: 'bzImage', arch: 'x86_64' };
  if (head.length >= 0x3c && head.toString('latin1', 0x38, 0x3c) === 'ARM\x64') return { kind: 'Image', arch: 'aarch64' };
  if (head.length >= 0x28 && head.readUInt32LE(0x24) === 0x016f2818) return { kind: 'zImage', arch: 'armhf' };
  if (head.length >= 20 && head.readUInt32BE(0) === 0x7f454c46 && head[5] === 1) {
    const arch = ELF_MACHINES[head.readUInt16LE(18)];
    if (arch) return { kind: 'vmlinux', arch };
  }
  return undefined;
}

/** The kernel image in `file`, or a BadInputError naming the file. */
export function readKernelImageInfo(file: string): KernelImageInfo {
  if (!fs.existsSync(file)) throw new BadInputError(`${file}: no such kernel image`);
  const fd = fs.openSync(file, 'r');
  const head = Buffer.alloc(HEAD_BYTES);
  let length: number;
  try {
    length = fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const info = kernelImageInfo(head.subarray(0, length));
  if (!info && isGzip(head)) throw new BadInputError(`${file}: gzip-compressed, but not an arm64 Image (QEMU decompresses only an arm64 Image.gz; give the kernel uncompressed)`);
  if (!info) throw new BadInputError(`${file}: not a kernel image (no bzImage, arm64 Image, zImage or ELF vmlinux header)`);
  return info;
}

/** The x86 boot header's kernel_version field (offset 0x20e) points, from 0x200, at "<release> (builder) #1 …". */
const BZIMAGE_VERSION_POINTER = 0x20e;
const LINUX_BANNER = Buffer.from('Linux version ');

/** The first word of a NUL-terminated string at `at`, or undefined. */
function wordAt(bytes: Buffer, at: number): string | undefined {
  if (at < 0 || at >= bytes.length) return undefined;
  const end = bytes.indexOf(0, at);
  const word = bytes.toString('latin1', at, end < 0 ? Math.min(bytes.length, at + 256) : end).split(/\s/)[0];
  return word && /^\d+\.\d+[\w.+~-]*$/.test(word) ? word : undefined;
}

/**
 * The kernel release (uname -r) a kernel image carries, or undefined when it cannot be read without
 * decompressing: a bzImage names it in its boot header; an arm64 Image (an Image.gz once
 * inflated) and an ELF vmlinux hold the "Linux version <release>" banner; a zImage keeps it compressed.
 */
export function kernelImageRelease(file: string, kind: KernelImageKind): string | undefined {
  if (kind === 'zImage') return undefined;
  const bytes = kind === 'Image.gz' ? inflatedStart(fs.readFileSync(file)) : fs.readFileSync(file);
  if (kind === 'bzImage') return bytes.length > BZIMAGE_VERSION_POINTER + 2 ? wordAt(bytes, 0x200 + bytes.readUInt16LE(BZIMAGE_VERSION_POINTER)) : undefined;
  for (let at = bytes.indexOf(LINUX_BANNER); at >= 0; at = bytes.indexOf(LINUX_BANNER, at + 1)) {
    const release = wordAt(bytes, at + LINUX_BANNER.length);
    if (release) return release;
  }
  return undefined;
}
