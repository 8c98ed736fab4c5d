/**
 * The Arm boards booted for real under TCG: Debian's own arm64 / armhf kernel and nodejs in the
 * image, the agent on them. CI runs a sample of every vector file (--sample) so that every driver of
 * every algorithm is still run; the full vector set runs on x86_64.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { vectorsDir } from '../unit/vectors/vectors-dir.js';
import { readRun } from '../../harness/results/results-reader.js';
import { summarize, type RunSummary } from '../../harness/results/summary.js';
import type { RunMeta } from '../../harness/results/run-record.js';
import { specVerdictOf } from '../../harness/spec/drivers-spec.js';
import { describeFull } from '../support/test-tier.js';

interface BoardExpectation {
  board: string;
  arch: string;
  /** algorithm → drivers that must be listed */
  drivers: Record<string, string[]>;
  /** the driver the generic cbc(aes) must bind */
  cbcAes: string;
  spec?: string;
}

const BOARDS: BoardExpectation[] = [
  {
    board: 'qemu-aarch64',
    arch: 'aarch64',
    drivers: {
      'cbc(aes)': ['cbc-aes-ce', 'cbc-aes-neonbs', 'cbc(aes-generic)', 'virtio_crypto_aes_cbc'],
      'gcm(aes)': ['gcm-aes-ce'],
      sha256: ['sha256-ce', 'sha256-arm64-neon', 'sha256-arm64', 'sha256-generic'],
      chacha20: ['chacha20-neon'],
      poly1305: ['poly1305-neon'],
    },
    cbcAes: 'cbc-aes-ce',
    spec: 'qemu-aarch64',
  },
  {
    board: 'qemu-armhf',
    arch: 'armv7l',
    drivers: {
      'cbc(aes)': ['cbc-aes-ce', 'cbc-aes-neonbs', 'cbc(aes-generic)', 'virtio_crypto_aes_cbc'],
      sha256: ['sha256-ce', 'sha256-neon', 'sha256-generic'],
      chacha20: ['chacha20-neon'],
      poly1305: ['poly1305-neon'],
    },
    cbcAes: 'cbc-aes-ce',
  },
];

for (const expected of BOARDS) {
  describeFull(`${expected.board} (boots Debian's own kernel and nodejs under TCG)`, function () {
    this.timeout(900_000);
    const tmp = useTempDir(`afalg-${expected.board}-`);
    let meta: RunMeta;
    let summary: RunSummary;
    let code: number | null;
    let stderr: string;

    before(async () => {
      const out = path.join(tmp.path, 'run');
      const result = await runCli([
        'run', '--board', expected.board, '--vectors', vectorsDir, '--out', out,
        '--sample', '20', '--strategies', 'oneshot,chunks',
        ...(expected.spec ? ['--spec', expected.spec] : []),
      ]);
      code = result.code;
      stderr = result.stderr;
      const run = readRun(out);
      meta = run.meta;
      summary = summarize(run.meta, run.lines);
      const readySeconds = ((meta.target.agentReadyMs ?? NaN) / 1000).toFixed(1);
      process.stdout.write(`      [${expected.board}: ${meta.target.kernelRelease}, node ${meta.target.node}, agent ready ${readySeconds} s, ${meta.execution?.executed} executions at ${meta.execution?.perSecond}/s]\n`);
    });

    it('runs the agent on the board\'s own architecture, to the end', () => {
      assert.equal(meta.target.arch, expected.arch);
      assert.equal(meta.target.accel, 'tcg');
      assert.equal(meta.complete, true, stderr);
    });

    it('lists the Arm drivers the board is for, and the generic cbc(aes) binds the Crypto Extensions driver', () => {
      for (const [algorithm, drivers] of Object.entries(expected.drivers)) {
        const listed = meta.discovery.find((one) => one.name === algorithm)?.drivers.map((driver) => driver.driver) ?? [];
        for (const driver of drivers) assert.ok(listed.includes(driver), `${algorithm}: ${driver} not in ${listed.join(', ')}`);
      }
      assert.equal(meta.discovery.find((one) => one.name === 'cbc(aes)')?.bound, expected.cbcAes);
    });

    it('gcm(aes) and sha256 pass their vectors on every driver and through the generic name', () => {
      for (const algorithm of ['gcm(aes)', 'sha256']) {
        const rows = summary.rows.filter((row) => row.algorithm === algorithm);
        assert.ok(rows.length >= 3, `${algorithm}: ${rows.length} targets`);
        for (const row of rows) assert.ok(row.ran && row.passed > 0 && row.failed === 0, `${algorithm} on ${row.target}: ${row.passed} passed, ${row.failed} failed`);
      }
    });

    it('the sample still runs every driver of every algorithm with vectors, and every one passes', () => {
      assert.equal(summary.totals.failed, 0);
      assert.deepEqual(summary.unbindable, []);
      const withResults = new Set(summary.rows.filter((row) => row.ran).map((row) => row.algorithm));
      assert.ok(withResults.size >= 30, `${withResults.size} algorithms ran`);
      for (const row of summary.rows) if (withResults.has(row.algorithm)) assert.ok(row.ran, `${row.algorithm} on ${row.target} did not run`);
      assert.ok(summary.skips.some((skip) => skip.reason.startsWith('not in the sample (--sample 20')));
    });

    it('the only critical verdict is the known virtio-crypto-rsa one (exit 1), and the drivers-spec is met', () => {
      assert.equal(code, 1, stderr);
      assert.deepEqual(summary.verdicts.filter((verdict) => verdict.severity === 'critical').map((verdict) => verdict.algorithm), ['rsa']);
      if (expected.spec) {
        const spec = specVerdictOf(meta, summary);
        assert.ok(spec);
        assert.equal(spec.unmet, 0, spec.results.filter((result) => !result.met).map((result) => result.evidence).join('\n'));
      }
    });
  });
}

describeFull('the Arm boards with --agent native (no nodejs in the image: the static agent from the 9p share)', function () {
  this.timeout(900_000);
  const tmp = useTempDir('afalg-arm-native-');
  for (const expected of BOARDS) {
    it(`${expected.board}: every row of a sampled run passes`, async () => {
      const out = path.join(tmp.path, expected.board);
      const result = await runCli(['run', '--board', expected.board, '--agent', 'native', '--vectors', vectorsDir, '--out', out, '--sample', '3', '--alg', 'cbc(aes)', 'sha256', '--strategies', 'oneshot']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /agent: native \(asked for/);
      assert.doesNotMatch(result.stderr, /nodejs/, 'the image is built without Debian nodejs');
      const run = readRun(out);
      assert.equal(run.meta.target.arch, expected.arch);
      assert.equal(run.meta.target.node, 'native');
      assert.equal(run.meta.settings.agent, 'native');
      for (const row of summarize(run.meta, run.lines).rows) assert.ok(row.passed > 0 && row.failed === 0, `${row.algorithm} ${row.target}: ${row.passed}/${row.failed}`);
    });
  }
});
