import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { rootLoaderInit } from '../../../../qemu/own-kernel/root-loader.js';
import { useTempDir } from '../../../support/temp-dir.js';

/** The root= resolution functions of the loader's init, run by the host's sh with the host's od, tr, printf. */
function loaderShell(command: string): string {
  const script = fs.readFileSync(rootLoaderInit, 'utf8');
  const block = /# --- root= resolution[^\n]*\n([\s\S]*?)# --- end of root= resolution/.exec(script)?.[1];
  assert.ok(block, 'the init script marks its root= resolution');
  return execFileSync('sh', ['-c', `bb() { "$@"; }\n${block}\n${command}`], { encoding: 'utf8' }).trim();
}

describe('qemu/own-kernel/root-loader-init.sh: root= by PARTUUID', () => {
  const temp = useTempDir('root-loader-init-');

  it('names an MBR partition SSSSSSSS-NN from the disk signature, as the kernel does', () => {
    const disk = Buffer.alloc(1024);
    disk.writeUInt32LE(0x1a2b3c4d, 440);
    const file = path.join(temp.path, 'mbr.img');
    fs.writeFileSync(file, disk);
    assert.equal(loaderShell(`partuuid ${file} 2`), '1a2b3c4d-02');
  });

  it("names a GPT partition by its entry's unique GUID, the first three fields little-endian", () => {
    const disk = Buffer.alloc(4096);
    disk.write('EFI PART', 512, 'latin1');
    disk.writeUInt32LE(2, 512 + 72); // partition entries from LBA 2
    disk.writeUInt32LE(128, 512 + 84); // 128-byte entries
    const guid = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    guid.copy(disk, 1024 + 128 + 16); // entry 2's unique partition GUID
    const file = path.join(temp.path, 'gpt.img');
    fs.writeFileSync(file, disk);
    assert.equal(loaderShell(`partuuid ${file} 2`), '67452301-ab89-efcd-fedc-ba9876543210');
  });

  it('passes a device path through, and finds nothing for an unknown PARTUUID', () => {
    assert.equal(loaderShell('resolve_root /dev/vda2'), '/dev/vda2');
    assert.equal(loaderShell('resolve_root PARTUUID=00000000-01'), '');
  });
});
