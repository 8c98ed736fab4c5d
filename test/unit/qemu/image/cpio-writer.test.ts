import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { listFiles, writeCpio } from '../../../../qemu/image/cpio-writer.js';
import { link, write } from '../../../support/fake-root.js';
import { useTempDir } from '../../../support/temp-dir.js';

describe('qemu/image/cpio-writer', () => {
  const tmp = useTempDir('afalg-cpio-');

  function stagingTree(): string {
    const root = path.join(tmp.path, 'staging');
    write(root, 'init', '#!/bin/sh\n');
    write(root, 'bin/busybox', 'busybox');
    link(root, 'bin/sh', '/bin/busybox');
    write(root, 'lib/modules/6.1.0/kernel/crypto/aes.ko', 'module');
    fs.mkdirSync(path.join(root, 'proc'));
    return root;
  }

  it('lists every path, each directory before what it holds, names sorted', () => {
    const root = stagingTree();
    assert.deepEqual(listFiles(root), [
      'bin',
      'bin/busybox',
      'bin/sh',
      'init',
      'lib',
      'lib/modules',
      'lib/modules/6.1.0',
      'lib/modules/6.1.0/kernel',
      'lib/modules/6.1.0/kernel/crypto',
      'lib/modules/6.1.0/kernel/crypto/aes.ko',
      'proc',
    ]);
  });

  it('writes a newc archive of the tree, owned by root, links kept as links', async () => {
    const root = path.join(tmp.path, 'staging');
    const archive = path.join(tmp.path, 'initramfs.cpio');
    await writeCpio(root, archive);
    assert.equal(fs.readFileSync(archive).subarray(0, 6).toString('latin1'), '070701'); // newc magic
    assert.deepEqual(execFileSync('cpio', ['-it', '--quiet', '-F', archive], { encoding: 'utf8' }).trim().split('\n'), listFiles(root));
    const verbose = execFileSync('cpio', ['-itv', '--quiet', '-n', '-F', archive], { encoding: 'utf8' }).trim().split('\n');
    for (const line of verbose) assert.match(line, /^\S+\s+\d+\s+0\s+0\s/, line);
    assert.ok(verbose.some((line) => /^l.* bin\/sh -> \/bin\/busybox$/.test(line)), verbose.join('\n'));
  });
});
