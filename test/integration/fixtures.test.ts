/**
 * The harness against broken drivers the kernel's self-tests let through (qemu/fixtures): each
 * fixture is built against the guest kernel's headers, loaded above the good drivers, passes the
 * kernel's self-test — and must be reported failing, as designed, while every good driver passes.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { vectorsDir } from '../unit/vectors/vectors-dir.js';
import { readRun } from '../../harness/results/results-reader.js';
import { summarize, type RunSummary } from '../../harness/results/summary.js';
import { listFixtures } from '../../qemu/fixtures.js';

/** the fixtures that give wrong answers */
const FIXTURE_DRIVERS: Record<string, { algorithm: string; driver: string }> = {
  sha256_odd: { algorithm: 'sha256', driver: 'sha256-fixture-odd-updates' },
  gcm_empty_aad: { algorithm: 'gcm(aes)', driver: 'gcm-aes-fixture-empty-aad' },
  cbc_many_sg: { algorithm: 'cbc(aes)', driver: 'cbc-aes-fixture-many-sg' },
};
/** the fixtures that are right, only slow */
const SLOW_FIXTURES: Record<string, { algorithm: string; driver: string }> = {
  sha224_slow: { algorithm: 'sha224', driver: 'sha224-fixture-slow' },
};

describe('fault-injection fixtures on qemu-x86_64', function () {
  this.timeout(600_000);
  const tmp = useTempDir('afalg-fixtures-');
  let summary: RunSummary;
  let code: number | null;
  let stderr: string;

  before(async () => {
    const out = path.join(tmp.path, 'run');
    const result = await runCli([
      'run', '--board', 'qemu-x86_64', '--vectors', vectorsDir, '--out', out,
      '--alg', 'cbc(aes)', 'gcm(aes)', 'sha256', '--strategies', 'oneshot,chunks',
      '--differential', '30', '--seed', 'fixtures', '--fixtures', 'all',
    ]);
    code = result.code;
    stderr = result.stderr;
    const { meta, lines } = readRun(out);
    summary = summarize(meta, lines);
  });

  it('every fixture is known to this test, loaded, and registered with a passed self-test', () => {
    assert.deepEqual(listFixtures().sort(), [...Object.keys(FIXTURE_DRIVERS), ...Object.keys(SLOW_FIXTURES)].sort());
    for (const name of listFixtures()) assert.match(stderr, new RegExp(`loaded afalg_fixture_${name}\\.ko`));
    for (const { algorithm, driver } of Object.values(FIXTURE_DRIVERS)) {
      const candidate = summary.priorities.find((table) => table.algorithm === algorithm)?.candidates.find((c) => c.driver === driver);
      assert.equal(candidate?.selftest, 'passed', driver);
    }
  });

  it('every fixture fails, the way it was built to; every good driver passes', () => {
    assert.equal(code, 1);
    const fixtureDrivers = new Set(Object.values(FIXTURE_DRIVERS).map((fixture) => fixture.driver));
    for (const row of summary.rows) {
      if (fixtureDrivers.has(row.target)) assert.ok(row.failed > 0, `${row.target} was not caught`);
      else if (!row.generic) assert.equal(row.failed, 0, `${row.target} (a good driver) failed`);
    }
    const failuresOf = (driver: string) => summary.rows.find((row) => row.target === driver)?.failures ?? [];
    // sha256: of the fixed vectors only the MSG_MORE chunks reach three odd-sized updates of a long
    // message (a random message spanning three pages or more does it in one send: one update per page)
    const sha = failuresOf('sha256-fixture-odd-updates');
    assert.ok(sha.some((failure) => failure.source !== 'differential'));
    assert.ok(sha.every((failure) => failure.source === 'differential' || failure.strategy === 'chunks'));
    // gcm: a forged tag with no AAD decrypts instead of EBADMSG
    assert.ok(failuresOf('gcm-aes-fixture-empty-aad').some((failure) => failure.error === 'succeeded, expected EBADMSG'));
    // cbc: no fixed vector is long enough; differential cases carry the seed that reproduces them
    const cbc = failuresOf('cbc-aes-fixture-many-sg');
    assert.ok(cbc.length > 0 && cbc.every((failure) => failure.source === 'differential' && /^seed fixtures#\d+$/.test(failure.seed ?? '')));
  });

  it('a correct driver ten times slower that outranks the others: no failure, a priority warning from the benchmark', async () => {
    const out = path.join(tmp.path, 'slow');
    const result = await runCli([
      'run', '--board', 'qemu-x86_64', '--vectors', vectorsDir, '--out', out, '--alg', 'sha224', '--strategies', 'oneshot',
      '--bench', '--sizes', '4096', '--seconds', '0.3', '--paths', 'copy', '--no-tcrypt', '--no-c-reference', '--fixtures', 'sha224_slow',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const { meta, lines } = readRun(out);
    const slow = summarize(meta, lines);
    const { driver } = SLOW_FIXTURES.sha224_slow as { driver: string };
    assert.equal(slow.rows.find((row) => row.target === driver)?.failed, 0);
    const warnings = slow.verdicts.filter((verdict) => verdict.rule === 'faster-driver-ranked-lower');
    assert.ok(warnings.length > 0);
    for (const warning of warnings) assert.equal(warning.drivers[1], driver);
    assert.ok(warnings.some((warning) => warning.drivers[0] === 'sha224-generic'));
  });

  it('the priority verdicts say each generic name selects a failing driver', () => {
    for (const { algorithm, driver } of Object.values(FIXTURE_DRIVERS)) {
      const verdict = summary.verdicts.find((v) => v.algorithm === algorithm && v.rule === 'selected-fails-vectors');
      assert.ok(verdict, algorithm);
      assert.equal(verdict.severity, 'critical');
      assert.equal(verdict.drivers[0], driver);
    }
  });
});
