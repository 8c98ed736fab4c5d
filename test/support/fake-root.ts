/** Fake executables and initramfs roots for the guest-image tests (no Debian package needed). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A minimal ELF executable: header, a PT_LOAD and a PT_INTERP program header, the interpreter path. */
export function elf(bits: 32 | 64, interpreter: string | undefined): Buffer {
  const is64 = bits === 64;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const phnum = interpreter === undefined ? 1 : 2;
  const interpAt = ehsize + phnum * phentsize;
  const interp = Buffer.from(`${interpreter ?? ''}\0`, 'latin1');
  const buf = Buffer.alloc(interpAt + interp.length);
  buf.writeUInt32BE(0x7f454c46, 0);
  buf[4] = is64 ? 2 : 1;
  buf[5] = 1; // little endian
  buf[6] = 1;
  if (is64) {
    buf.writeBigUInt64LE(BigInt(ehsize), 0x20);
    buf.writeUInt16LE(phentsize, 0x36);
    buf.writeUInt16LE(phnum, 0x38);
  } else {
    buf.writeUInt32LE(ehsize, 0x1c);
    buf.writeUInt16LE(phentsize, 0x2a);
    buf.writeUInt16LE(phnum, 0x2c);
  }
  const phdr = (index: number, type: number, offset: number, size: number): void => {
    const at = ehsize + index * phentsize;
    buf.writeUInt32LE(type, at);
    if (is64) {
      buf.writeBigUInt64LE(BigInt(offset), at + 0x08);
      buf.writeBigUInt64LE(BigInt(size), at + 0x20);
    } else {
      buf.writeUInt32LE(offset, at + 0x04);
      buf.writeUInt32LE(size, at + 0x10);
    }
  };
  phdr(0, 1, 0, buf.length); // PT_LOAD
  if (interpreter !== undefined) {
    phdr(1, 3, interpAt, interp.length); // PT_INTERP
    interp.copy(buf, interpAt);
  }
  return buf;
}

export function tmpRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-root-'));
}

export function write(root: string, rel: string, data: string | Buffer = ''): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), data);
}

export function link(root: string, rel: string, target: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.symlinkSync(target, path.join(root, rel));
}

/** The arm64 root as bookworm's debs unpack: libc6 in /lib/<triplet> with the loader link in /lib. */
export function arm64Root(): string {
  const root = tmpRoot();
  write(root, 'lib/aarch64-linux-gnu/ld-linux-aarch64.so.1', 'loader');
  link(root, 'lib/ld-linux-aarch64.so.1', 'aarch64-linux-gnu/ld-linux-aarch64.so.1');
  write(root, 'usr/bin/node', elf(64, '/lib/ld-linux-aarch64.so.1'));
  write(root, 'usr/lib/aarch64-linux-gnu/libnode.so.108', 'lib');
  write(root, 'usr/share/nodejs/acorn/package.json', '{}');
  return root;
}
