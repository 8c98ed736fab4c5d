/**
 * The harness against broken drivers the kernel's self-tests let through (qemu/fixtures): each
 * fixture is built against the guest kernel's headers, loaded above the good drivers, passes the
 * kernel's self-test — and must be reported failing, as designed, while every good driver passes.
 * The run is a default one (no --differential: the default boundary and differential cases),
 * narrowed to the fixtures' algorithms and four strategies (oneshot, chunks, chained, concurrent) for time.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, runCliLine } from '../support/cli.js';
import { rerunCommand } from '../../reports/format.js';
import { useTempDir } from '../support/temp-dir.js';
import { vectorsDir } from '../unit/vectors/vectors-dir.js';
import { readRun } from '../../harness/results/results-reader.js';
import { summarize, type RunSummary } from '../../harness/results/summary.js';
import { allFixtures } from '../../qemu/fixtures.js';
import type { RunMeta } from '../../harness/results/run-record.js';
import { itFull } from '../support/test-tier.js';
import { HANG_FIXTURES, SLOW_FIXTURES, WRONG_ANSWER_FIXTURES as FIXTURE_DRIVERS } from '../support/fixture-drivers.js';

describe('fault-injection fixtures on qemu-x86_64', function () {
  this.timeout(1_200_000);
  const tmp = useTempDir('afalg-fixtures-');
  let summary: RunSummary;
  let meta: RunMeta;
  let code: number | null;
  let stderr: string;

  before(async () => {
    const out = path.join(tmp.path, 'run');
    const result = await runCli([
      'run', '--board', 'qemu-x86_64', '--vectors', vectorsDir, '--out', out,
      '--alg', ...new Set([...Object.values(FIXTURE_DRIVERS), ...Object.values(HANG_FIXTURES)].map((fixture) => fixture.algorithm)),
      '--strategies', 'oneshot,chunks,chained,concurrent', '--seed', 'fixtures', '--fixtures', 'all', '--hang-sec', '5',
    ]);
    code = result.code;
    stderr = result.stderr;
    if (!fs.existsSync(path.join(out, 'run.json'))) throw new Error(`the run wrote no run.json (exit ${code}):\n${stderr.split('\n').slice(-15).join('\n')}`);
    const run = readRun(out);
    meta = run.meta;
    summary = summarize(run.meta, run.lines);
  });

  it('every fixture is known to this test, loaded, and registered with a passed self-test', () => {
    assert.deepEqual(allFixtures().sort(), [...Object.keys(FIXTURE_DRIVERS), ...Object.keys(HANG_FIXTURES), ...Object.keys(SLOW_FIXTURES)].sort());
    for (const name of allFixtures()) assert.match(stderr, new RegExp(`loaded afalg_fixture_${name}\\.ko`));
    for (const { algorithm, driver } of [...Object.values(FIXTURE_DRIVERS), ...Object.values(HANG_FIXTURES)]) {
      const candidate = summary.priorities.find((table) => table.algorithm === algorithm)?.candidates.find((c) => c.driver === driver);
      assert.equal(candidate?.selftest, 'passed', driver);
    }
  });

  it('every fixture fails, the way it was built to; every good driver passes', () => {
    assert.equal(code, 1);
    const fixtureDrivers = new Set(Object.values(FIXTURE_DRIVERS).map((fixture) => fixture.driver));
    // a template instance over a fixture (rfc4106(gcm-aes-fixture-empty-aad), …) is that fixture's code too
    const overFixture = (target: string): boolean => [...fixtureDrivers].some((driver) => target.includes(`(${driver}`) || target.includes(`,${driver}`));
    for (const row of summary.rows) {
      if (fixtureDrivers.has(row.target)) assert.ok(row.failed > 0 && !row.hung, `${row.target} was not caught`);
      else if (overFixture(row.target)) continue;
      else if (row.hung) assert.ok(Object.values(HANG_FIXTURES).some((fixture) => fixture.driver === row.target || fixture.algorithm === row.target), `${row.target} hung`);
      else if (!row.generic) assert.equal(row.failed, 0, `${row.target} (a good driver) failed`);
    }
    const failuresOf = (driver: string) => summary.rows.find((row) => row.target === driver)?.failures ?? [];
    // sha256: of the fixed vectors only the MSG_MORE chunks reach three odd-sized updates of a long
    // message (a random message spanning three pages or more does it in one send: one update per page)
    const generated = (failure: { source: string }): boolean => failure.source === 'differential' || failure.source.startsWith('boundary');
    const sha = failuresOf('sha256-fixture-odd-updates');
    assert.ok(sha.some((failure) => !generated(failure)));
    assert.ok(sha.every((failure) => generated(failure) || failure.strategy === 'chunks'));
    // gcm: a forged tag with no AAD decrypts instead of EBADMSG
    assert.ok(failuresOf('gcm-aes-fixture-empty-aad').some((failure) => failure.error === 'succeeded, expected EBADMSG'));
    // cbc: no fixed vector is long enough; the boundary cases of 16 KiB and more are, reproducible by seed
    const cbc = failuresOf('cbc-aes-fixture-many-sg');
    assert.ok(cbc.length > 0 && cbc.every(generated));
    assert.ok(cbc.some((failure) => failure.source === 'boundary' && /^b:fixtures#\d+ len \d+$/.test(failure.case)));
    // cbc IV out: every output right, so only a long message continued in a second request (chained) goes wrong
    const ivOut = failuresOf('cbc-aes-fixture-iv-out');
    assert.ok(ivOut.length > 0 && ivOut.every((failure) => failure.strategy === 'chained' && generated(failure)), JSON.stringify(ivOut.slice(0, 3)));
    // cbc IV in the transform: right one request at a time; with a decoy of the same transform in flight, concurrent only
    const tfmIv = failuresOf('cbc-aes-fixture-tfm-iv');
    assert.ok(tfmIv.length > 0 && tfmIv.every((failure) => failure.strategy === 'concurrent'), JSON.stringify(tfmIv.slice(0, 3)));
    assert.ok(tfmIv.some((failure) => !generated(failure)), 'fixed vectors catch it too: any case does, in flight with its decoy');
    // ctr: only where the low 16 bits of the counter wrap inside a request (and bits 16..31 are not all ones)
    const ctr = failuresOf('ctr-aes-fixture-counter16');
    assert.ok(ctr.length > 0 && ctr.every(generated));
    for (const wrapAt of [1, 3, 300]) assert.ok(ctr.some((failure) => failure.case.endsWith(`ctr16 wraps at block ${wrapAt}`)), `wrap at block ${wrapAt}`);
    assert.ok(!ctr.some((failure) => /ctr(32|64|128) wraps/.test(failure.case)), 'a wrap of 32 bits and more is split and carried right');
    // ecb: sockets that keep their keys while another socket sets one get the last key loaded
    assert.ok(failuresOf('ecb-aes-fixture-key-cache').some((failure) => failure.source === 'boundary' && /state socket/.test(failure.case)));
    // ccm: a wrong tag from 65,280 bytes of AAD on, right below
    const ccm = failuresOf('ccm-aes-fixture-big-aad');
    assert.ok(ccm.some((failure) => /aad 65280 (en|de)crypt$/.test(failure.case)));
    assert.ok(!ccm.some((failure) => /aad 65279/.test(failure.case)));
    // rfc4106: keys of illegal lengths accepted instead of EINVAL
    const rfc4106 = failuresOf('rfc4106-gcm-aes-fixture-setkey');
    assert.ok(rfc4106.length > 0 && rfc4106.every((failure) => /key \d+ refused$/.test(failure.case) && /expected EINVAL/.test(failure.error ?? '')));
  });

  it("a failure's rerun line, pasted into a shell, runs that one case alone and fails it again", async () => {
    const row = summary.rows.find((one) => one.target === 'cbc-aes-fixture-iv-out');
    const failure = row?.failures.find((one) => one.source === 'boundary');
    assert.ok(row && failure, 'a boundary failure of the IV fixture');
    const line = rerunCommand(meta, row, failure);
    assert.match(line, /--fixtures .*cbc_iv_out/);
    const out = path.join(tmp.path, 'rerun');
    const result = await runCliLine(`${line} --out ${out}`);
    assert.equal(result.code, 1, result.stderr);
    const again = readRun(out);
    const rows = summarize(again.meta, again.lines).rows;
    assert.deepEqual(rows.map((one) => [one.target, one.passed, one.failed]), [['cbc-aes-fixture-iv-out', 0, 1]]);
    assert.deepEqual(rows[0]?.failures.map((one) => [one.case, one.strategy, one.got]), [[failure.case, 'chained', failure.got]], 'the same case, the same wrong bytes');
  });

  it('a driver that never completes one request length: cut by the watchdog, reported with the request, the guest restarted, the run complete', () => {
    const { algorithm, driver, bytes } = HANG_FIXTURES.xts_hang as { algorithm: string; driver: string; bytes: number };
    assert.equal(summary.hangs.length, 1, 'one hang, one restart: the generic name and the driver it binds leave the run together');
    const [hang] = summary.hangs;
    assert.equal(hang?.algorithm, algorithm);
    assert.ok(hang?.target === driver || hang?.boundDriver === driver, `the hang names ${driver}: ${JSON.stringify(hang)}`);
    assert.equal(hang?.bytes, bytes);
    assert.equal(hang?.seconds, 5);
    assert.equal(hang?.then, 'restarted');
    assert.ok(hang?.source && hang.case, 'the request that hung is named by source and case');
    assert.match(stderr, /restarting qemu-x86_64 \(restart 1\)/);
    // the fixtures are loaded again into the new guest, and the run finishes there
    assert.equal(stderr.match(/loaded afalg_fixture_xts_hang\.ko/g)?.length, 2);
    assert.equal(meta.complete, true);
    const row = summary.rows.find((one) => one.target === driver);
    assert.equal(row?.hung, true);
    assert.ok(row?.failures.some((failure) => failure.status === 'hang'));
    // the other xts(aes) drivers ran on the restarted guest and pass
    const good = summary.rows.filter((one) => one.algorithm === algorithm && !one.generic && one.target !== driver);
    assert.ok(good.length >= 2);
    for (const one of good) assert.ok(one.passed > 0 && one.failed === 0, `${one.target}: ${one.passed} passed, ${one.failed} failed`);
    const verdict = summary.verdicts.find((v) => v.algorithm === algorithm && v.rule === 'selected-fails-vectors');
    assert.equal(verdict?.severity, 'critical');
    assert.equal(verdict?.drivers[0], driver);
    assert.match(verdict?.message ?? '', /hangs/);
  });

  itFull('a correct driver ten times slower that outranks the others: no failure, a priority warning from the benchmark', async () => {
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
    for (const { algorithm, driver, outrankedBy } of Object.values(FIXTURE_DRIVERS)) {
      if (outrankedBy) continue;
      const verdict = summary.verdicts.find((v) => v.algorithm === algorithm && v.rule === 'selected-fails-vectors');
      assert.ok(verdict, algorithm);
      assert.equal(verdict.severity, 'critical');
      assert.equal(verdict.drivers[0], driver);
    }
  });
});
