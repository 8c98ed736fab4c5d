/**
 * `--board buildroot:DIR`: a Buildroot-style output/images (the Debian kernel as bzImage, a busybox
 * rootfs.cpio with a getty on the console and no node; test/support/user-image-fixture.ts) booted
 * by the harness, logged into on its console as root without a password, the native agent uploaded
 * over the console; discover and a sampled run. Then yocto:DIR, with a cpio root (discover) and laid
 * out as Yocto does with a disk root (modules-qemux86-64.tgz, an ext4 rootfs, qb_rootfs_opt): the
 * harness's root loader loads virtio_blk and ext4 from the tgz; a sampled run. Full tier: the same
 * root inside a partitioned wic image named by PARTUUID (the loader reads the MBR's disk signature).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { itFull } from '../support/test-tier.js';
import { buildrootImagesDir, yoctoDeployDir, yoctoExt4DeployDir } from '../support/user-image-fixture.js';
import { readRun } from '../../harness/results/results-reader.js';
import { summarize } from '../../harness/results/summary.js';

describe('--board buildroot:DIR and yocto:DIR (user images without node)', function () {
  this.timeout(900_000);
  const tmp = useTempDir('afalg-user-image-');
  let spec: string;

  before(async () => {
    spec = `buildroot:${await buildrootImagesDir(path.join(tmp.path, 'output', 'images'))}`;
  });

  it('discover: boots it, logs in on the console, the native agent uploaded over it', async () => {
    const result = await runCli(['discover', '--board', spec], { env: { CI: 'true' } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /starting buildroot:.*qemu-system-x86_64 \(tcg\)/);
    assert.match(result.stderr, /agent: native \(auto: the target has no Node\.js/);
    assert.match(result.stderr, /native agent [0-9a-f]{16} uploaded over the console/);
    assert.match(result.stdout, /sha256-generic/);
  });

  it('a sampled run: every row passes and run.json names the image and the native agent', async () => {
    const out = path.join(tmp.path, 'run');
    const result = await runCli(['run', '--board', spec, '--sample', '3', '--alg', 'cbc(aes)', 'sha256', '--strategies', 'oneshot', '--out', out], { env: { CI: 'true' } });
    assert.equal(result.code, 0, result.stderr);
    const { meta, lines } = readRun(out);
    assert.equal(meta.board.name, spec);
    assert.equal(meta.target.node, 'native');
    const rows = summarize(meta, lines).rows;
    assert.ok(rows.length >= 4, `rows: ${rows.length}`);
    for (const row of rows) assert.ok(row.passed > 0 && row.failed === 0, `${row.algorithm} ${row.target}: ${row.passed}/${row.failed}`);
  });

  it('--board yocto:DEPLOY_DIR (runqemu\'s qemuboot.conf, a cpio rootfs): discovers through the native agent', async () => {
    const deploy = await yoctoDeployDir(path.join(tmp.path, 'tmp', 'deploy', 'images', 'qemux86-64'));
    const result = await runCli(['discover', '--board', `yocto:${deploy}`], { env: { CI: 'true' } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /starting yocto:.*qemux86-64\.rootfs\.qemuboot\.conf: qemu-system-x86_64 \(tcg\)/);
    assert.match(result.stderr, /native agent [0-9a-f]{16} uploaded over the console/);
    assert.match(result.stdout, /sha256-generic/);
  });

  it('--board yocto:DEPLOY_DIR with an ext4 root and modules-*.tgz: the root loader mounts it; a sampled run (discovery first) passes', async () => {
    const deploy = await yoctoExt4DeployDir(path.join(tmp.path, 'ext4', 'tmp', 'deploy', 'images', 'qemux86-64'));
    const out = path.join(tmp.path, 'run-ext4');
    const result = await runCli(['run', '--board', `yocto:${deploy}`, '--sample', '3', '--alg', 'hmac(sha256)', '--strategies', 'oneshot', '--out', out], { env: { CI: 'true' } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /virtio_blk.*ext4.* are modules in modules-qemux86-64\.tgz: the harness's root-loader initramfs loads them/);
    assert.match(result.stderr, /native agent [0-9a-f]{16} uploaded over the console/);
    const { meta, lines } = readRun(out);
    assert.match(meta.board.name, /^yocto:.*core-image-minimal-qemux86-64\.rootfs\.qemuboot\.conf$/);
    const rows = summarize(meta, lines).rows;
    // hmac(sha256) rather than sha256: its Wycheproof set has no Monte Carlo file, whose long chains crawl over a console under TCG
    assert.ok(rows.some((row) => row.target === 'hmac(sha256-generic)'), rows.map((row) => row.target).join(', '));
    for (const row of rows) assert.ok(row.passed > 0 && row.failed === 0, `${row.algorithm} ${row.target}: ${row.passed}/${row.failed}`);
  });

  itFull('--board yocto:DEPLOY_DIR with a wic disk whose root is PARTUUID=: the root loader finds the partition and mounts it', async () => {
    const deploy = await yoctoExt4DeployDir(path.join(tmp.path, 'wic', 'tmp', 'deploy', 'images', 'qemux86-64'), { wic: true });
    const result = await runCli(['discover', '--board', `yocto:${deploy}`], { env: { CI: 'true' } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /root-loader initramfs loads them and switch_roots into core-image-minimal-qemux86-64\.rootfs\.wic/);
    assert.match(result.stdout, /sha256-generic/);
  });
});
