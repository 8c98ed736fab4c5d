import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEBIAN_INTERPRETERS } from '../../../../qemu/apt/debian.js';
import { linkMovedInterpreter, resolveInRoot, rootLayoutProblems } from '../../../../qemu/image/root-layout.js';
import { arm64Root, elf, link, tmpRoot, write } from '../../../support/fake-root.js';

describe('qemu/image/root-layout', () => {
  const roots: string[] = [];
  const track = (root: string): string => (roots.push(root), root);
  after(() => {
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
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

  describe('linkMovedInterpreter', () => {
    it("links /lib's loader to trixie's /usr/lib one, so node starts; a bookworm root is left as it is", () => {
      const root = track(tmpRoot());
      write(root, 'usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1', 'loader');
      link(root, 'usr/lib/ld-linux-aarch64.so.1', 'aarch64-linux-gnu/ld-linux-aarch64.so.1');
      write(root, 'usr/bin/node', elf(64, '/lib/ld-linux-aarch64.so.1'));
      assert.deepEqual(rootLayoutProblems(root), ["/usr/bin/node's interpreter /lib/ld-linux-aarch64.so.1 does not resolve inside the image"]);
      assert.equal(linkMovedInterpreter(root, '/lib/ld-linux-aarch64.so.1'), true);
      assert.equal(fs.lstatSync(path.join(root, 'lib')).isDirectory(), true);
      assert.deepEqual(rootLayoutProblems(root), []);
      const bookworm = track(arm64Root());
      assert.equal(linkMovedInterpreter(bookworm, '/lib/ld-linux-aarch64.so.1'), false);
    });

    it('makes no link when /usr has no loader either', () => {
      const root = track(tmpRoot());
      assert.equal(linkMovedInterpreter(root, '/lib/ld-linux-aarch64.so.1'), false);
      assert.equal(fs.existsSync(path.join(root, 'lib')), false);
    });
  });
});
