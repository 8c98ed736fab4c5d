/** The ELF interpreter (PT_INTERP) an executable asks for: where its dynamic loader must be. */
import fs from 'node:fs';

/** The PT_INTERP path of an ELF executable (32 or 64 bit, little or big endian), or undefined. */
export function elfInterpreter(elf: Buffer): string | undefined {
  if (elf.length < 52 || elf.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const is64 = elf[4] === 2;
  const little = elf[5] === 1;
  const u16 = (at: number): number => (little ? elf.readUInt16LE(at) : elf.readUInt16BE(at));
  const u32 = (at: number): number => (little ? elf.readUInt32LE(at) : elf.readUInt32BE(at));
  const word = (at: number): number => (is64 ? Number(little ? elf.readBigUInt64LE(at) : elf.readBigUInt64BE(at)) : u32(at));
  const phoff = word(is64 ? 0x20 : 0x1c);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + phentsize > elf.length) return undefined;
    if (u32(at) !== 3) continue; // PT_INTERP
    const offset = word(at + (is64 ? 0x08 : 0x04));
    const size = word(at + (is64 ? 0x20 : 0x10));
    if (offset + size > elf.length) return undefined;
    return elf.subarray(offset, offset + size).toString('latin1').replace(/\0+$/, '');
  }
  return undefined;
}

/** The interpreter of an executable file, read from its first 64 KiB (where the program headers are). */
export function fileInterpreter(file: string): string | undefined {
  const fd = fs.openSync(file, 'r');
  const header = Buffer.alloc(64 * 1024);
  const length = fs.readSync(fd, header, 0, header.length, 0);
  fs.closeSync(fd);
  return elfInterpreter(header.subarray(0, length));
}
