import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { extractVmlinux, extractVmlinuxFile } from '../../../qemu/vmlinux.js';
import { filler } from '../../support/filler.js';
import { useTempDir } from '../../support/temp-dir.js';


/** An ELF-looking vmlinux: the magic, a class byte and some body. */
function fakeElf(length: number): Buffer {
  const elf = Buffer.alloc(length);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01]).copy(elf);
  for (let i = 16; i < length; i++) elf[i] = (i * 31) & 0xff;
  return elf;
}

function hasTool(tool: string): boolean {
  return spawnSync(tool, ['--version']).status === 0;
}

function compressWith(tool: string, args: string[], data: Buffer): Buffer {
  const result = spawnSync(tool, args, { input: data, maxBuffer: 1 << 26 });
  assert.equal(result.status, 0, `${tool} failed: ${String(result.stderr)}`);
  return result.stdout;
}

describe('qemu/vmlinux', () => {
  const elf = fakeElf(4096);
  const prefix = filler(1500, 0x1234567);
  const junk = filler(700, 0x89abcd);

  it('finds a gzip payload at the end of the image', () => {
    const found = extractVmlinux(Buffer.concat([prefix, zlib.gzipSync(elf)]));
    assert.ok(found);
    assert.equal(found.compression, 'gzip');
    assert.ok(found.elf.equals(elf));
  });

  it('finds a gzip payload followed by zero padding', () => {
    const found = extractVmlinux(Buffer.concat([prefix, zlib.gzipSync(elf), Buffer.alloc(512)]));
    assert.ok(found);
    assert.equal(found.compression, 'gzip');
    assert.ok(found.elf.equals(elf));
  });

  // BUG (qemu/vmlinux.ts, decompress 'gzip'): zlib.gunzipSync treats bytes after the end of the
  // gzip member as the start of another member and throws "incorrect header check" unless they are
  // zeros; { finishFlush: Z_SYNC_FLUSH } does not help. In a real bzImage the payload is followed by
  // the rest of the decompressor (non-zero bytes), so a gzip-compressed kernel is never extracted.
  // Reproduce: extractVmlinux(Buffer.concat([prefix, zlib.gzipSync(elf), junk])) returns undefined.
  // (The xz and zstd paths below tolerate the same junk.)
  it('finds a gzip payload after a setup prefix and before trailing junk', () => {
    const bzImage = Buffer.concat([prefix, zlib.gzipSync(elf), junk]);
    const found = extractVmlinux(bzImage);
    assert.ok(found);
    assert.equal(found.compression, 'gzip');
    assert.ok(found.elf.equals(elf));
  });

  it('skips a gzip stream that is not an ELF and takes the next one', () => {
    const notElf = Buffer.alloc(4096, 0x41);
    // gunzip of the first offset reads both members (notElf || elf): not an ELF, so the second offset is tried
    const bzImage = Buffer.concat([prefix, zlib.gzipSync(notElf), zlib.gzipSync(elf)]);
    const found = extractVmlinux(bzImage);
    assert.ok(found);
    assert.ok(found.elf.equals(elf));
  });

  it('skips a stray gzip magic that does not start a valid stream', () => {
    const stray = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xff]);
    const bzImage = Buffer.concat([prefix, stray, junk, zlib.gzipSync(elf)]);
    const found = extractVmlinux(bzImage);
    assert.ok(found);
    assert.ok(found.elf.equals(elf));
  });

  it('returns undefined when there is no payload', () => {
    assert.equal(extractVmlinux(Buffer.concat([prefix, junk])), undefined);
    assert.equal(extractVmlinux(Buffer.alloc(0)), undefined);
  });

  it('returns undefined when the payload is not an ELF', () => {
    assert.equal(extractVmlinux(Buffer.concat([prefix, zlib.gzipSync(Buffer.from('not a kernel'.repeat(20)))])), undefined);
  });

  it('requires more than the 64-byte ELF header', () => {
    assert.equal(extractVmlinux(Buffer.concat([prefix, zlib.gzipSync(fakeElf(64))])), undefined);
    const found = extractVmlinux(Buffer.concat([prefix, zlib.gzipSync(fakeElf(65))]));
    assert.equal(found?.elf.length, 65);
  });

  it('finds an xz payload (xz on PATH)', function () {
    if (!hasTool('xz')) this.skip();
    const xz = compressWith('xz', ['-c', '--check=crc32'], elf);
    // what the kernel build does: xz with a CRC32 check, followed by the rest of the bzImage
    const bzImage = Buffer.concat([prefix, xz, junk]);
    const found = extractVmlinux(bzImage);
    assert.ok(found);
    assert.equal(found.compression, 'xz');
    assert.ok(found.elf.equals(elf));
  });

  it('finds a zstd payload (zstd on PATH)', function () {
    if (!hasTool('zstd')) this.skip();
    const zst = compressWith('zstd', ['-c', '-q'], elf);
    const bzImage = Buffer.concat([prefix, zst, junk]);
    const found = extractVmlinux(bzImage);
    assert.ok(found);
    assert.equal(found.compression, 'zstd');
    assert.ok(found.elf.equals(elf));
  });

  describe('extractVmlinuxFile', () => {
    const tmp = useTempDir('afalg-vmlinux-test-');

    it('writes the ELF and returns the compression', () => {
      const input = path.join(tmp.path, 'vmlinuz');
      const output = path.join(tmp.path, 'vmlinux');
      fs.writeFileSync(input, Buffer.concat([prefix, zlib.gzipSync(elf)]));
      assert.equal(extractVmlinuxFile(input, output), 'gzip');
      assert.ok(fs.readFileSync(output).equals(elf));
    });

    it('writes nothing when there is no payload', () => {
      const input = path.join(tmp.path, 'empty-vmlinuz');
      const output = path.join(tmp.path, 'empty-vmlinux');
      fs.writeFileSync(input, prefix);
      assert.equal(extractVmlinuxFile(input, output), undefined);
      assert.equal(fs.existsSync(output), false);
    });
  });
});
