/**
 * Pull the uncompressed kernel out of a bzImage. Booting vmlinux directly (x86 PVH entry) skips the
 * firmware's real-mode setup and the in-guest decompression, which under TCG costs seconds.
 */
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';

const MAGICS: Array<{ name: 'xz' | 'zstd' | 'gzip'; bytes: Buffer }> = [
  { name: 'xz', bytes: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) },
  { name: 'zstd', bytes: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]) },
  { name: 'gzip', bytes: Buffer.from([0x1f, 0x8b, 0x08]) },
];

function isElf(data: Buffer): boolean {
  return data.length > 64 && data.readUInt32BE(0) === 0x7f454c46;
}

function decompress(kind: 'xz' | 'zstd' | 'gzip', payload: Buffer): Buffer | undefined {
  // the payload is followed by the rest of the bzImage: each tool decodes the first stream and
  // complains about the trailing bytes (zlib would take them for a second gzip member and fail)
  const tool = kind === 'xz' ? ['xz', ['-dc', '--single-stream']] : kind === 'zstd' ? ['zstd', ['-dc']] : ['gzip', ['-dc']];
  const result = spawnSync(tool[0] as string, tool[1] as string[], { input: payload, maxBuffer: 1 << 30 });
  // xz/zstd complain about trailing garbage but still wrote the whole stream
  return result.stdout && result.stdout.length > 0 ? result.stdout : undefined;
}

/** Returns the ELF vmlinux inside `bzImage`, or undefined when none of the known payloads decompresses to one. */
export function extractVmlinux(bzImage: Buffer): { elf: Buffer; compression: string } | undefined {
  for (const magic of MAGICS) {
    let at = bzImage.indexOf(magic.bytes);
    while (at >= 0) {
      const elf = decompress(magic.name, bzImage.subarray(at));
      if (elf && isElf(elf)) return { elf, compression: magic.name };
      at = bzImage.indexOf(magic.bytes, at + 1);
    }
  }
  return undefined;
}

export function extractVmlinuxFile(bzImagePath: string, outPath: string): string | undefined {
  const found = extractVmlinux(fs.readFileSync(bzImagePath));
  if (!found) return undefined;
  fs.writeFileSync(outPath, found.elf);
  return found.compression;
}
