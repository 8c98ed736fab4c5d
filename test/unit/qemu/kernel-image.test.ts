import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { kernelImageInfo, kernelImageRelease, readKernelImageInfo } from '../../../qemu/kernel-image.js';
import { cacheDir } from '../../../harness/core/paths.js';
import { expectBadInput } from '../../support/bad-input.js';
import { useTempDir } from '../../support/temp-dir.js';
import { kernelBytes } from './user-image-fixture.js';

/** A vmlinuz of the cached Debian guest images, when one was built on this machine. */
function cachedDebianKernel(): string | undefined {
  const base = cacheDir('images', 'amd64');
  if (!fs.existsSync(base)) return undefined;
  return fs.readdirSync(base).map((entry) => path.join(base, entry, 'vmlinuz')).find((file) => fs.existsSync(file));
}

describe('qemu/kernel-image', () => {
  const temp = useTempDir('kernel-image-');

  it('tells bzImage, arm64 Image and zImage apart by their header magic', () => {
    assert.deepEqual(kernelImageInfo(kernelBytes('bzImage')), { kind: 'bzImage', arch: 'x86_64' });
    assert.deepEqual(kernelImageInfo(kernelBytes('Image')), { kind: 'Image', arch: 'aarch64' });
    assert.deepEqual(kernelImageInfo(kernelBytes('zImage')), { kind: 'zImage', arch: 'armhf' });
    assert.equal(kernelImageInfo(Buffer.alloc(0x1000)), undefined);
    assert.equal(kernelImageInfo(Buffer.from('HdrS')), undefined, 'too short to hold the header');
  });

  it('takes a gzip-compressed arm64 Image (Image.gz, as QEMU boots it), reading its release from the inflated banner', () => {
    const image = kernelBytes('Image');
    image.write('Linux version 6.12.9-arm64 (builder@host) #1 SMP\0', 0x800, 'latin1');
    const file = path.join(temp.path, 'Image.gz');
    fs.writeFileSync(file, zlib.gzipSync(Buffer.concat([image, Buffer.alloc(200_000, 7)])));
    assert.deepEqual(readKernelImageInfo(file), { kind: 'Image.gz', arch: 'aarch64' });
    assert.equal(kernelImageRelease(file, 'Image.gz'), '6.12.9-arm64');
    // gzip around anything else is refused: QEMU inflates only an arm64 Image
    const bzGz = path.join(temp.path, 'bzImage.gz');
    fs.writeFileSync(bzGz, zlib.gzipSync(kernelBytes('bzImage')));
    assert.equal(kernelImageInfo(zlib.gzipSync(kernelBytes('bzImage'))), undefined);
    expectBadInput(() => readKernelImageInfo(bzGz), `${bzGz}: gzip-compressed, but not an arm64 Image (QEMU decompresses only an arm64 Image.gz; give the kernel uncompressed)`);
  });

  it('reads an ELF vmlinux by its machine', () => {
    const elf = Buffer.alloc(64);
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(elf);
    elf.writeUInt16LE(0xb7, 18);
    assert.deepEqual(kernelImageInfo(elf), { kind: 'vmlinux', arch: 'aarch64' });
  });

  it("recognises Debian's real vmlinuz as an x86_64 bzImage", function () {
    const vmlinuz = cachedDebianKernel();
    if (!vmlinuz) this.skip();
    assert.deepEqual(readKernelImageInfo(vmlinuz as string), { kind: 'bzImage', arch: 'x86_64' });
  });

  it('names a file that is not a kernel, and one that is not there', () => {
    const file = path.join(temp.path, 'bzImage');
    fs.writeFileSync(file, 'this is a text file, not a kernel\n'.repeat(40));
    expectBadInput(() => readKernelImageInfo(file), `${file}: not a kernel image (no bzImage, arm64 Image, zImage or ELF vmlinux header)`);
    expectBadInput(() => readKernelImageInfo(path.join(os.tmpdir(), 'no-such-kernel-xyz')), /no-such-kernel-xyz: no such kernel image$/);
  });
});
