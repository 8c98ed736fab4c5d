/**
 * The kernel matrix from Debian's own kernels (issue 16): a sampled run on bullseye's 5.10,
 * bookworm's 6.1, trixie's 6.12 and sid's 7.2 (x86_64, the same algorithms and sample), then
 * `compare` over the four run directories, asserting the differences these kernels really show
 * (test/support/kernel-matrix-expected.ts; a unit test checks the same on kept runs):
 *   5.10 → 6.1   the x86 blake2s shash and the ctr()/xts() glue of blowfish, camellia, cast5/6,
 *                des3_ede, serpent and twofish vanish; stdrng binds drbg_nopr_hmac_sha512 (was …sha256)
 *   6.1 → 6.12   gcm(aes) and xts(aes) bind new AVX drivers at priority 500; ansi_cprng vanishes
 *   6.12 → 7.2   aes-generic becomes aes-lib (cbc(aes-generic) → cbc(aes-lib)), sha256 binds
 *                sha256-lib and the AVX sha256 drivers vanish, and AF_ALG no longer reaches the
 *                asynchronous virtio_crypto_aes_cbc
 * a sampled run on trixie's arm64 kernel, and the fault-injection fixtures built for bullseye's and
 * trixie's kernels (in a chroot of each suite with its own compiler; cross-compiled for arm64) and
 * loaded there. Slow (eight TCG boots, and on a fresh machine a debootstrap per suite): the full tier.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { describeFull } from '../support/test-tier.js';
import { vectorsDir } from '../unit/vectors/vectors-dir.js';
import { readRunReport } from '../../harness/results/run-report.js';
import { changeSentence, compareRuns, type RunComparison } from '../../harness/results/run-comparison.js';
import { allFixtures } from '../../qemu/fixtures.js';
import { MATRIX_BOARDS, MATRIX_CHANGES, MATRIX_REASONS, MATRIX_RUN_ARGS, MATRIX_VERSIONS } from '../support/kernel-matrix-expected.js';

describeFull("the kernel matrix: Debian's x86_64 kernels 5.10, 6.1, 6.12 and 7.2 side by side (compare over real runs)", function () {
  this.timeout(1_800_000);
  const tmp = useTempDir('afalg-kernel-matrix-');
  const dirs: string[] = [];
  const exits: Array<number | null> = [];
  let comparison: RunComparison;
  let step: (to: number) => string[];

  before(async () => {
    for (const board of MATRIX_BOARDS) {
      const out = path.join(tmp.path, board);
      const started = Date.now();
      const result = await runCli(['run', '--board', board, '--vectors', vectorsDir, '--out', out, ...MATRIX_RUN_ARGS]);
      assert.ok(fs.existsSync(path.join(out, 'run.json')), `${board}: ${result.stderr.slice(-2000)}`);
      process.stdout.write(`      [${board}: exit ${result.code} in ${((Date.now() - started) / 1000).toFixed(0)} s]\n`);
      dirs.push(out);
      exits.push(result.code);
    }
    comparison = compareRuns(dirs.map((dir) => readRunReport(dir)));
    step = (to) => comparison.changes.filter((change) => change.to === to).map(changeSentence);
  });

  it("each run is on its suite's kernel, completes, and every tested row passes on every kernel", () => {
    assert.deepEqual(
      comparison.runs.map((run) => run.kernelRelease.replace(/^(\d+\.\d+).*$/, '$1')),
      MATRIX_VERSIONS,
    );
    // on 7.2 AF_ALG cannot reach virtio_crypto_aes_cbc: a driver the run cannot test fails it (exit 1)
    assert.deepEqual(exits, [0, 0, 0, 1]);
    assert.deepEqual(comparison.runs.map((run) => run.reasons), MATRIX_REASONS);
    for (const dir of dirs) {
      const report = readRunReport(dir);
      assert.equal(report.meta.complete, true, dir);
      const ran = report.summary.rows.filter((row) => row.ran);
      assert.ok(ran.length >= 7, `${dir}: ${ran.length} targets ran`);
      for (const row of ran) assert.ok(row.passed > 0 && row.failed === 0, `${dir}: ${row.algorithm} on ${row.target}: ${row.passed} passed, ${row.failed} failed`);
    }
  });

  MATRIX_CHANGES.forEach((expected, index) => {
    it(`${MATRIX_VERSIONS[index]} → ${MATRIX_VERSIONS[index + 1]}: ${expected.join('; ')}`, () => {
      const changes = step(index + 1);
      for (const sentence of expected) assert.ok(changes.includes(sentence), `${sentence}\nnot in:\n${changes.join('\n')}`);
    });
  });

  it('7.2: virtio_crypto_aes_cbc is listed but untested, with the reason', () => {
    const cbc = comparison.algorithms.find((algorithm) => algorithm.algorithm === 'cbc(aes)');
    const virtio = cbc?.drivers.find((driver) => driver.driver === 'virtio_crypto_aes_cbc');
    assert.deepEqual(virtio?.runs.map((run) => run?.verdict), ['pass', 'pass', 'pass', 'not run']);
    assert.equal(virtio?.runs[3]?.unreachable, 'async');
  });

  it('`compare` prints the same steps and writes one HTML page and a Markdown file naming them', async () => {
    const md = path.join(tmp.path, 'matrix.md');
    const html = path.join(tmp.path, 'matrix.html');
    const result = await runCli(['compare', ...dirs, '--markdown', md, '--html', html]);
    assert.equal(result.code, 0, result.stderr);
    for (let to = 1; to <= 3; to++) assert.match(result.stdout, new RegExp(`\\[${to}\\] → \\[${to + 1}\\]: ${step(to).length} changes`));
    const page = fs.readFileSync(html, 'utf8');
    const markdown = fs.readFileSync(md, 'utf8');
    for (const text of [page, markdown]) {
      for (const release of comparison.runs.map((run) => run.kernelRelease)) assert.ok(text.includes(release), release);
      assert.ok(text.includes('sha256-lib'));
    }
    assert.ok(page.includes('generic-gcm-aesni-avx'));
    assert.ok(page.includes('<td class="verdict-fail">fail: 1 driver AF_ALG cannot reach on this kernel</td>'));
    assert.ok(page.includes('<a href="#step-3-reach">1</a>'), 'the one reach change of 6.12 → 7.2, linked from the glance table');
  });
});

describeFull("qemu-aarch64-trixie: a sampled run on trixie's arm64 6.12 kernel and nodejs", function () {
  this.timeout(900_000);
  const tmp = useTempDir('afalg-aarch64-trixie-');

  it('completes; cbc(aes) binds the Crypto Extensions driver and every tested row passes', async () => {
    const out = path.join(tmp.path, 'run');
    const result = await runCli(['run', '--board', 'qemu-aarch64-trixie', '--vectors', vectorsDir, '--out', out, ...MATRIX_RUN_ARGS]);
    const report = readRunReport(out);
    assert.equal(report.meta.complete, true, result.stderr.slice(-2000));
    assert.match(report.meta.target.kernelRelease, /^6\.12\..*-arm64$/);
    assert.equal(report.meta.target.arch, 'aarch64');
    assert.equal(report.meta.discovery.find((entry) => entry.name === 'cbc(aes)')?.bound, 'cbc-aes-ce');
    const ran = report.summary.rows.filter((row) => row.ran);
    assert.ok(ran.some((row) => row.target === 'sha256-ce'));
    for (const row of ran) assert.ok(row.passed > 0 && row.failed === 0, `${row.algorithm} on ${row.target}: ${row.passed} passed, ${row.failed} failed`);
  });
});

describeFull('the fixtures build for and load into the kernels of other suites (bullseye 5.10, trixie 6.12 amd64 and arm64)', function () {
  this.timeout(1_800_000);
  // trixie's arm64 fixtures are cross-compiled in the amd64 trixie chroot, and read by the guest's own node under /host
  for (const board of ['qemu-x86_64-bullseye', 'qemu-x86_64-trixie', 'qemu-aarch64-trixie']) {
    it(`${board}: discover --fixtures all loads every fixture, each driver listed with a passed self-test`, async () => {
      const result = await runCli(['discover', '--board', board, '--fixtures', 'all']);
      assert.equal(result.code, 0, result.stderr.slice(-2000));
      for (const name of allFixtures()) assert.match(result.stderr, new RegExp(`loaded afalg_fixture_${name}\\.ko into ${board}`));
      for (const driver of ['sha256-fixture-odd-updates', 'xts-aes-fixture-hang', 'sha224-fixture-slow']) {
        assert.match(result.stdout, new RegExp(`\\b${driver.replace(/[()]/g, '\\$&')} +\\d+ +passed`), driver);
      }
    });
  }
});
