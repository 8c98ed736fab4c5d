import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../../support/cli.js';
import { useTempDir } from '../../support/temp-dir.js';
import { writeYoctoDeploy } from '../qemu/user-image-fixture.js';
import { findOnPath } from '../../../harness/core/exec.js';

describe('cli qemu show', () => {
  const temp = useTempDir('qemu-show-');

  it('prints the image, the keys not used and the QEMU command line, booting nothing', async function () {
    if (!findOnPath('qemu-system-x86_64')) this.skip();
    const deploy = writeYoctoDeploy(path.join(temp.path, 'deploy'), 'qemux86-64');
    const run = await runCli(['qemu', 'show', `yocto:${deploy}`]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^image yocto:.*qemuboot\.conf \(x86_64\)$/m);
    assert.match(run.stdout, /^rootfs .*rootfs\.ext4\.zst \(ext4, decompressed with zstd to .*rootfs\.ext4 before boot\)$/m);
    assert.match(run.stdout, /^not used: qb_network_device = -device virtio-net-pci,netdev=net0,mac=@MAC@ \(the guest gets no network/m);
    assert.match(run.stdout, /^qemu-system-x86_64 -accel tcg,thread=multi -cpu Skylake-Client -machine q35,i8042=off -smp 4 -m 256 .* -append 'root=\/dev\/vda rw .* console=ttyS0'/m);
  });

  it("an ext4 root with virtio_blk and ext4 as modules in modules-*.tgz: the root loader named and on the command line", async function () {
    if (!findOnPath('qemu-system-x86_64')) this.skip();
    const deploy = writeYoctoDeploy(path.join(temp.path, 'ext4'), 'qemux86-64', { fstype: 'ext4' });
    const tree = path.join(temp.path, 'modules-tree');
    for (const module of ['kernel/drivers/block/virtio_blk.ko', 'kernel/fs/ext4/ext4.ko']) {
      fs.mkdirSync(path.dirname(path.join(tree, 'lib', 'modules', '6.6.75-yocto-standard', module)), { recursive: true });
      fs.writeFileSync(path.join(tree, 'lib', 'modules', '6.6.75-yocto-standard', module), 'module');
    }
    const tgz = fs.realpathSync(path.join(deploy, 'modules-qemux86-64.tgz'));
    execFileSync('tar', ['-czf', tgz, '-C', tree, 'lib']);
    const run = await runCli(['qemu', 'show', `yocto:${deploy}`]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^root loader: virtio_blk, ext4 are modules in modules-qemux86-64\.tgz: the harness's root-loader initramfs loads them and switch_roots into core-image-minimal-qemux86-64\.rootfs\.ext4 \(built when it boots\)$/m);
    assert.match(run.stdout, / -snapshot -initrd '<root-loader\.cpio>' /);
  });

  it('a deploy dir that is not there: exit 2, one line', async () => {
    const run = await runCli(['qemu', 'show', `yocto:${path.join(temp.path, 'missing')}`]);
    assert.equal(run.code, 2);
    assert.equal(run.stderr.trim().split('\n').length, 1);
  });
});
