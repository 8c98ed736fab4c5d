import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { isTrimmed, trimRoot, trimmedPaths } from '../../../../qemu/image/node-closure.js';
import { rootLayoutProblems } from '../../../../qemu/image/root-layout.js';
import { arm64Root, write } from '../../../support/fake-root.js';

describe('qemu/image/node-closure', () => {
  const roots: string[] = [];
  const track = (root: string): string => (roots.push(root), root);
  after(() => {
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
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
});
