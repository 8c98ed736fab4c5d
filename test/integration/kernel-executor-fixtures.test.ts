/**
 * The fault-injection fixtures (qemu/fixtures) on the 7.x board: built in the sid chroot with the
 * kernel's own toolchain, loaded, and caught through the in-kernel executor. All but xts_hang and
 * cbc_tfm_iv are synchronous CPU drivers, which 7.2's AF_ALG still reaches; those two are
 * asynchronous (like an engine), which it does not. `--executor kernel` runs every fixture through
 * the module (the CI case); `--executor auto` (full tier) leaves the synchronous ones to AF_ALG and
 * gives the asynchronous ones to the module, and says which executor served which.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { vectorsDir } from '../unit/vectors/vectors-dir.js';
import { readRun } from '../../harness/results/results-reader.js';
import { summarize, type RunSummary } from '../../harness/results/summary.js';
import { allFixtures } from '../../qemu/fixtures.js';
import { describeFull } from '../support/test-tier.js';
import { ALL_FIXTURES as FIXTURES } from '../support/fixture-drivers.js';

/** the asynchronous fixture that hangs: AF_ALG cannot reach it on 7.2 */
const ASYNC_FIXTURE = 'xts_hang';
/** the asynchronous fixture that mixes up two requests in flight: AF_ALG cannot reach it on 7.2 either */
const ASYNC_WRONG = 'cbc_tfm_iv';
/** correct, only slow: caught by the benchmark, not by vectors */
const SLOW_FIXTURE = 'sha224_slow';
const WRONG = Object.entries(FIXTURES).filter(([name]) => name !== ASYNC_FIXTURE && name !== SLOW_FIXTURE);

/**
 * A run over the fixtures' algorithms, narrowed to the fixture drivers (--driver '*fixture*'; the
 * software references of the differential cases stay), the chunks strategy, which every fixture's
 * bug but one survives (the bugs hang on lengths, AAD, keys and counters; cbc's and sha256's need
 * several scatterlist entries or updates, which chunks give), and chained for cbc_iv_out, whose
 * outputs are right and only the IV it hands back is wrong, and concurrent for cbc_tfm_iv, right
 * one request at a time.
 */
async function fixtureRun(out: string, executor: 'kernel' | 'auto'): Promise<{ summary: RunSummary; stderr: string; code: number | null }> {
  const algorithms = [...new Set(Object.entries(FIXTURES).filter(([name]) => name !== SLOW_FIXTURE).map(([, fixture]) => fixture.algorithm))];
  const result = await runCli([
    'run', '--board', 'qemu-x86_64-sid', '--vectors', vectorsDir, '--out', out, '--alg', ...algorithms, '--driver', '*fixture*',
    '--executor', executor, '--fixtures', 'all', '--strategies', 'chunks,chained,concurrent', '--sample', '3', '--differential', '2', '--seed', 'fixtures', '--hang-sec', '5',
  ]);
  if (!fs.existsSync(path.join(out, 'run.json'))) throw new Error(`the run wrote no run.json (exit ${result.code}):\n${result.stderr.split('\n').slice(-15).join('\n')}`);
  const run = readRun(out);
  return { summary: summarize(run.meta, run.lines), stderr: result.stderr, code: result.code };
}

/** Every fixture built for 7.2, loaded with a passed self-test, and no kernel fault but the out-of-tree taint. */
function assertLoadedCleanly(summary: RunSummary, stderr: string): void {
  assert.deepEqual(Object.keys(FIXTURES).sort(), allFixtures().sort(), 'every fixture is known to this test');
  for (const name of allFixtures()) assert.match(stderr, new RegExp(`loaded afalg_fixture_${name}\\.ko into qemu-x86_64-sid`));
  assert.doesNotMatch(stderr, /self-tests for .* failed|failed to allocate transform/, 'a fixture failed its self-test on 7.2 (its fallback names?)');
  for (const [, { algorithm, driver }] of WRONG) {
    const candidate = summary.priorities.find((table) => table.algorithm === algorithm)?.candidates.find((one) => one.driver === driver);
    assert.equal(candidate?.selftest, 'passed', driver);
  }
  // at boot the kernel WARNs once for virtio-crypto-rsa, whose self-test QEMU's backend fails (raw RSA padding): before any request
  const duringRequests = summary.kernelEvents.filter((event) => event.phase !== 'before-requests');
  assert.deepEqual(duringRequests.map((event) => event.title), [], 'no oops, BUG or warning in the guest kernel log while the fixtures ran');
}

/** The fixture rows and their failures, by fixture name. */
function rowOf(summary: RunSummary, name: string): RunSummary['rows'][number] {
  const { algorithm, driver } = FIXTURES[name] as { algorithm: string; driver: string };
  const row = summary.rows.find((one) => one.algorithm === algorithm && one.target === driver);
  assert.ok(row, `${driver}: no row`);
  return row;
}

describe('fixtures on qemu-x86_64-sid (Linux 7.2), caught through the in-kernel executor', function () {
  this.timeout(1_500_000);
  const tmp = useTempDir('afalg-kexec-fixtures-');
  let summary: RunSummary;
  let stderr: string;
  let code: number | null;

  before(async () => {
    ({ summary, stderr, code } = await fixtureRun(path.join(tmp.path, 'kernel'), 'kernel'));
  });

  it('builds every fixture in the sid chroot, loads it with a passed self-test, and the kernel stays quiet', () => {
    assertLoadedCleanly(summary, stderr);
  });

  it('catches every broken fixture through the module, each the way it was built to fail', () => {
    assert.equal(code, 1);
    for (const [name] of WRONG) {
      const row = rowOf(summary, name);
      assert.equal(row.executor, 'kernel', `${name} served by the module`);
      assert.ok(row.failed > 0 && !row.hung, `${name} not caught: ${row.passed} passed, ${row.failed} failed`);
    }
    const failures = (name: string) => rowOf(summary, name).failures;
    assert.ok(failures('gcm_empty_aad').some((failure) => failure.error === 'succeeded, expected EBADMSG'));
    assert.ok(failures('ccm_big_aad').some((failure) => /aad 65280 (en|de)crypt$/.test(failure.case)));
    assert.ok(!failures('ccm_big_aad').some((failure) => /aad 65279/.test(failure.case)));
    for (const wrapAt of [1, 3, 300]) assert.ok(failures('ctr_counter16').some((failure) => failure.case.endsWith(`ctr16 wraps at block ${wrapAt}`)), `ctr wrap at block ${wrapAt}`);
    // the module keeps a transform per socket and sets a key only when it changed, as AF_ALG does:
    // interleaved transforms that keep their keys reach the one key register of the fixture
    assert.ok(failures('ecb_key_cache').some((failure) => /state socket/.test(failure.case)), 'state cases through per-socket transforms');
    assert.ok(failures('rfc4106_setkey').every((failure) => /key \d+ refused$/.test(failure.case)));
    assert.ok(failures('sha256_odd').length > 0);
    // the module runs chained requests on one IV buffer, as AF_ALG's socket keeps it
    assert.ok(failures('cbc_iv_out').every((failure) => failure.strategy === 'chained'));
    // the module submits the case's request and its decoy's on one transform and waits for both
    assert.ok(failures(ASYNC_WRONG).every((failure) => failure.strategy === 'concurrent'));
  });

  it('cuts the asynchronous fixture that never completes: a hang, the guest restarted, the other fixtures unharmed', () => {
    const row = rowOf(summary, ASYNC_FIXTURE);
    assert.equal(row.executor, 'kernel');
    assert.equal(row.hung, true);
    assert.equal(summary.hangs.length, 1);
    assert.equal(summary.hangs[0]?.bytes, 68);
    assert.match(stderr, /restarting qemu-x86_64-sid \(restart 1\)/);
  });
});

describeFull('fixtures on qemu-x86_64-sid with --executor auto', function () {
  this.timeout(1_500_000);
  const tmp = useTempDir('afalg-kexec-fixtures-auto-');

  it('leaves the synchronous fixtures to AF_ALG (7.2 still reaches them) and gives the asynchronous ones to the module', async () => {
    const { summary, stderr, code } = await fixtureRun(path.join(tmp.path, 'auto'), 'auto');
    assertLoadedCleanly(summary, stderr);
    assert.equal(code, 1);
    for (const [name] of WRONG) {
      const row = rowOf(summary, name);
      assert.equal(row.executor, name === ASYNC_WRONG ? 'kernel' : undefined, `${name}: AF_ALG reaches a synchronous driver on 7.2, the module the asynchronous one`);
      assert.ok(row.failed > 0, `${name} not caught`);
    }
    const hang = rowOf(summary, ASYNC_FIXTURE);
    assert.deepEqual([hang.executor, hang.hung], ['kernel', true]);
    assert.ok(!summary.unbindable.some((line) => line.target === FIXTURES[ASYNC_FIXTURE]?.driver), 'not reported unreachable: the module served it');
  });
});
