import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asQemuBoard, loadBoard, type QemuBoard } from '../../../harness/board/board.js';
import {
  DEBIAN_INTERPRETERS,
  DEBIAN_TRIPLETS,
  appletsFor,
  elfInterpreter,
  hashRecipe,
  isTrimmed,
  resolveInRoot,
  rootLayoutProblems,
  trimRoot,
  trimmedPaths,
} from '../../../qemu/guest-image.js';

/** A minimal ELF executable: header, a PT_LOAD and a PT_INTERP program header, the interpreter path. */
function elf(bits: 32 | 64, interpreter: string | undefined): Buffer {
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

function tmpRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-root-'));
}

function write(root: string, rel: string, data: string | Buffer = ''): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), data);
}

function link(root: string, rel: string, target: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.symlinkSync(target, path.join(root, rel));
}

/** The arm64 root as bookworm's debs unpack: libc6 in /lib/<triplet> with the loader link in /lib. */
function arm64Root(): string {
  const root = tmpRoot();
  write(root, 'lib/aarch64-linux-gnu/ld-linux-aarch64.so.1', 'loader');
  link(root, 'lib/ld-linux-aarch64.so.1', 'aarch64-linux-gnu/ld-linux-aarch64.so.1');
  write(root, 'usr/bin/node', elf(64, '/lib/ld-linux-aarch64.so.1'));
  write(root, 'usr/lib/aarch64-linux-gnu/libnode.so.108', 'lib');
  write(root, 'usr/share/nodejs/acorn/package.json', '{}');
  return root;
}

describe('qemu/guest-image layout', () => {
  const roots: string[] = [];
  const track = (root: string): string => (roots.push(root), root);
  after(() => {
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
  });

  describe('elfInterpreter', () => {
    it('reads PT_INTERP of 64- and 32-bit executables', () => {
      assert.equal(elfInterpreter(elf(64, '/lib/ld-linux-aarch64.so.1')), '/lib/ld-linux-aarch64.so.1');
      assert.equal(elfInterpreter(elf(32, '/lib/ld-linux-armhf.so.3')), '/lib/ld-linux-armhf.so.3');
    });

    it('is undefined for a static executable, a truncated file or something not ELF', () => {
      assert.equal(elfInterpreter(elf(64, undefined)), undefined);
      assert.equal(elfInterpreter(elf(64, '/lib/ld-linux-aarch64.so.1').subarray(0, 80)), undefined);
      assert.equal(elfInterpreter(Buffer.from('#!/bin/sh\necho hello, this is not an ELF file at all, really\n')), undefined);
    });

    it("reads the host node's interpreter", () => {
      const header = fs.readFileSync(fs.realpathSync(process.execPath)).subarray(0, 65536);
      assert.match(elfInterpreter(header) ?? '', /^\/lib(64)?\/ld-linux[-a-z0-9_.]*\.so\.\d$/);
    });

    it('knows the loader path of each Debian architecture', () => {
      assert.equal(DEBIAN_INTERPRETERS.arm64, '/lib/ld-linux-aarch64.so.1');
      assert.equal(DEBIAN_INTERPRETERS.armhf, '/lib/ld-linux-armhf.so.3');
      assert.equal(DEBIAN_TRIPLETS.armhf, 'arm-linux-gnueabihf');
    });
  });

  describe('resolveInRoot', () => {
    it('follows relative links from their directory and absolute ones from the root, never out of it', () => {
      const root = track(arm64Root());
      assert.equal(resolveInRoot(root, '/lib/ld-linux-aarch64.so.1'), path.join(root, 'lib/aarch64-linux-gnu/ld-linux-aarch64.so.1'));
      link(root, 'usr/bin/nodejs', '/usr/bin/node');
      assert.equal(resolveInRoot(root, '/usr/bin/nodejs'), path.join(root, 'usr/bin/node'));
      // an absolute link to a file only the host has does not resolve to the host's file
      link(root, 'lib/host-passwd', '/etc/passwd');
      assert.equal(fs.existsSync(resolveInRoot(root, '/lib/host-passwd') ?? ''), false);
      assert.equal(resolveInRoot(root, '/lib/missing.so'), undefined);
    });

    it('gives up on link loops', () => {
      const root = track(tmpRoot());
      link(root, 'a', 'b');
      link(root, 'b', 'a');
      assert.equal(resolveInRoot(root, '/a'), undefined);
    });
  });

  describe('rootLayoutProblems', () => {
    it('accepts the unmerged bookworm layout with real /bin, /sbin and /lib', () => {
      const root = track(arm64Root());
      assert.deepEqual(rootLayoutProblems(root), []);
      fs.mkdirSync(path.join(root, 'bin'));
      fs.mkdirSync(path.join(root, 'sbin'));
      write(root, 'bin/busybox', 'busybox');
      assert.deepEqual(rootLayoutProblems(root), []);
    });

    it('refuses /bin turned into a symlink (busybox would be hidden behind usr/bin)', () => {
      const root = track(arm64Root());
      link(root, 'bin', 'usr/bin');
      assert.deepEqual(rootLayoutProblems(root), ['/bin is a symlink (→ usr/bin)']);
    });

    it('refuses a node whose interpreter is not in the image', () => {
      const root = track(arm64Root());
      fs.rmSync(path.join(root, 'lib/aarch64-linux-gnu/ld-linux-aarch64.so.1'));
      assert.deepEqual(rootLayoutProblems(root), ["/usr/bin/node's interpreter /lib/ld-linux-aarch64.so.1 does not resolve inside the image"]);
    });

    it("refuses a node built for another architecture than the board's", () => {
      const root = track(arm64Root());
      assert.deepEqual(rootLayoutProblems(root, '/usr/bin/node', DEBIAN_INTERPRETERS.arm64), []);
      assert.deepEqual(rootLayoutProblems(root, '/usr/bin/node', DEBIAN_INTERPRETERS.armhf), [
        '/usr/bin/node asks for the interpreter /lib/ld-linux-aarch64.so.1, not /lib/ld-linux-armhf.so.3: it is built for another architecture',
      ]);
    });

    it('refuses a missing node or one without an interpreter', () => {
      const root = track(arm64Root());
      fs.writeFileSync(path.join(root, 'usr/bin/node'), elf(64, undefined));
      assert.deepEqual(rootLayoutProblems(root), ['/usr/bin/node names no ELF interpreter']);
      fs.rmSync(path.join(root, 'usr/bin/node'));
      assert.deepEqual(rootLayoutProblems(root), ['/usr/bin/node is missing']);
    });
  });

  describe('trimming', () => {
    it('drops documentation, translations and gconv, and keeps what node loads', () => {
      for (const rel of ['usr/share/doc/libc6/copyright', 'usr/share/man/man1/node.1.gz', 'usr/share/locale/de/LC_MESSAGES/libc.mo', 'usr/share/lintian/overrides/nodejs', 'usr/lib/aarch64-linux-gnu/gconv/UTF-16.so', 'usr/share/doc']) {
        assert.ok(isTrimmed(rel, 'arm64'), rel);
      }
      for (const rel of ['usr/share/nodejs/acorn/package.json', 'usr/lib/aarch64-linux-gnu/libnode.so.108', 'usr/lib/aarch64-linux-gnu/libicudata.so.72.1', 'lib/aarch64-linux-gnu/libc.so.6', 'usr/bin/node', 'usr/share/documentation', 'etc/ld.so.conf.d/aarch64-linux-gnu.conf']) {
        assert.ok(!isTrimmed(rel, 'arm64'), rel);
      }
      // gconv is per triplet
      assert.ok(isTrimmed('usr/lib/arm-linux-gnueabihf/gconv/gconv-modules', 'armhf'));
      assert.ok(!isTrimmed('usr/lib/arm-linux-gnueabihf/gconv/gconv-modules', 'arm64'));
      assert.ok(trimmedPaths('armhf').includes('usr/share/doc'));
    });

    it('removes the trimmed trees from a root and counts their bytes', () => {
      const root = track(arm64Root());
      write(root, 'usr/share/doc/libc6/changelog.gz', 'x'.repeat(1000));
      write(root, 'usr/lib/aarch64-linux-gnu/gconv/gconv-modules.cache', 'y'.repeat(500));
      assert.equal(trimRoot(root, 'arm64'), 1500);
      assert.equal(fs.existsSync(path.join(root, 'usr/share/doc')), false);
      assert.equal(fs.existsSync(path.join(root, 'usr/lib/aarch64-linux-gnu/gconv')), false);
      assert.equal(fs.existsSync(path.join(root, 'usr/share/nodejs/acorn/package.json')), true);
      assert.deepEqual(rootLayoutProblems(root), []);
    });
  });

  describe('recipe', () => {
    const x86 = asQemuBoard(loadBoard('qemu-x86_64'));
    const arm = asQemuBoard(loadBoard('qemu-aarch64'));
    const kernel = { name: 'linux-image-6.1.0-56-arm64', version: '6.1.192-2' };
    const busybox = { name: 'busybox-static', version: '1:1.35.0-4+deb12u1+b1' };
    const node = [
      { name: 'libnode108', version: '18.20.4+dfsg-1~deb12u3', arch: 'arm64' },
      { name: 'nodejs', version: '18.20.4+dfsg-1~deb12u3', arch: 'arm64' },
    ];
    const withQemu = (board: QemuBoard, changes: Partial<QemuBoard['qemu']>): QemuBoard => ({ ...board, qemu: { ...board.qemu, ...changes } });

    it('hashes the node packages and their versions for agentNode image boards', () => {
      const base = hashRecipe(arm, kernel, busybox, node, 'init');
      assert.match(base, /^[0-9a-f]{16}$/);
      assert.equal(hashRecipe(arm, kernel, busybox, node, 'init'), base);
      const bumped = node.map((pkg) => (pkg.name === 'nodejs' ? { ...pkg, version: '18.20.4+dfsg-1~deb12u4' } : pkg));
      assert.notEqual(hashRecipe(arm, kernel, busybox, bumped, 'init'), base);
      assert.notEqual(hashRecipe(arm, kernel, busybox, node.slice(1), 'init'), base);
      assert.notEqual(hashRecipe(withQemu(arm, { agentNode: 'host' }), kernel, busybox, node, 'init'), base);
    });

    it('leaves the recipe of host-node boards as it was (node packages play no part)', () => {
      const base = hashRecipe(x86, kernel, busybox, undefined, 'init');
      assert.equal(hashRecipe(x86, kernel, busybox, node, 'init'), base);
      assert.equal(hashRecipe(withQemu(x86, { agentNode: 'host' }), kernel, busybox, undefined, 'init'), base);
      assert.notEqual(hashRecipe(x86, kernel, busybox, undefined, 'other init'), base);
    });

    it('links env only into images whose init runs the image node', () => {
      assert.ok(appletsFor('image').includes('env'));
      assert.ok(!appletsFor('host').includes('env'));
      assert.deepEqual(appletsFor('image').filter((applet) => applet !== 'env'), appletsFor('host'));
    });
  });
});
