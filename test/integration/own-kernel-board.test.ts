/**
 * `--board kernel:TREE,modules=DIR`: "my kernel tree" — the Debian kernel laid out as a kernel build
 * leaves it (arch/x86/boot/bzImage, .config, an INSTALL_MOD_PATH modules dir;
 * test/support/user-image-fixture.ts), booted in the harness's own initramfs built around it, the
 * host's node over 9p; discover and a sampled run.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { arm64ImageGzDirs, kernelTreeDirs } from '../support/user-image-fixture.js';
import { describeFull } from '../support/test-tier.js';
import { readRun } from '../../harness/results/results-reader.js';
import { summarize } from '../../harness/results/summary.js';

describe('--board kernel:TREE,modules=DIR (your own kernel in the harness initramfs)', function () {
  this.timeout(900_000);
  const tmp = useTempDir('afalg-own-kernel-');
  let spec: string;
  let release: string;

  before(async () => {
    const dirs = await kernelTreeDirs(tmp.path);
    spec = `kernel:${dirs.tree},modules=${dirs.modules}`;
    release = dirs.release;
  });

  it('discover: the image is built around bzImage with its modules, the release read from the bzImage', async () => {
    const result = await runCli(['discover', '--board', spec], { env: { CI: 'true' } });
    assert.equal(result.code, 0, result.stderr);
    const rel = release.replace(/[.+]/g, '\\$&');
    // built now, or found in the image cache from an earlier run (keyed by the kernel's content and release)
    assert.match(result.stderr, new RegExp(`image .* around .*arch/x86/boot/bzImage \\(${rel}|cached image .*own-kernel-images/.*/${rel}-`));
    assert.match(result.stderr, /starting kernel:.*: qemu-system-x86_64 \(tcg\)/);
    assert.match(result.stdout, new RegExp(`kernel ${rel} \\(.*bzImage`));
    assert.match(result.stdout, /sha256-generic/);
  });

  it('a sampled run: every row passes', async () => {
    const out = path.join(tmp.path, 'run');
    const result = await runCli(['run', '--board', spec, '--sample', '3', '--alg', 'cbc(aes)', 'sha256', '--strategies', 'oneshot', '--out', out], { env: { CI: 'true' } });
    assert.equal(result.code, 0, result.stderr);
    const { meta, lines } = readRun(out);
    assert.equal(meta.board.name, spec);
    const rows = summarize(meta, lines).rows;
    assert.ok(rows.length >= 4, `rows: ${rows.length}`);
    for (const row of rows) assert.ok(row.passed > 0 && row.failed === 0, `${row.algorithm} ${row.target}: ${row.passed}/${row.failed}`);
  });
});

describeFull('--board kernel:Image.gz,modules=DIR (an arm64 kernel gzip-compressed, as KERNEL_IMAGETYPE = Image.gz leaves it)', function () {
  this.timeout(900_000);
  const tmp = useTempDir('afalg-image-gz-');

  it('discover: QEMU boots the Image.gz as it is, the release read from the inflated banner', async () => {
    const dirs = await arm64ImageGzDirs(tmp.path);
    const result = await runCli(['discover', '--board', `kernel:${dirs.image},modules=${dirs.modules}`], { env: { CI: 'true' } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /starting kernel:.*Image\.gz.*: qemu-system-aarch64 \(tcg\)/);
    assert.match(result.stdout, new RegExp(`kernel ${dirs.release.replace(/[.+]/g, '\\$&')} \\(.*Image\\.gz`));
    assert.match(result.stdout, /sha256-ce/);
  });
});
