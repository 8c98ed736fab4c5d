/**
 * A kernel panic is a finding too (issue 15), end to end through the CLI on the qemu-x86_64 guest:
 * the panic fixture (qemu/fixtures/afalg_fixture_panic.c, above the good drivers with a passed
 * self-test, so the generic name ecb(aes) binds it) calls panic() on a 144-byte request. The agent
 * dies with the kernel; the panic's text comes from the QEMU console. The run must record the
 * panic attributed to the driver, its function and module, find the case by replaying the request
 * on a restarted guest, restart again and finish every other driver, passing.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { vectorsDir } from '../unit/vectors/vectors-dir.js';
import { readRun } from '../../harness/results/results-reader.js';
import type { HangLine, KernelEventLine, TallyLine } from '../../harness/results/result-model.js';
import type { RunMeta } from '../../harness/results/run-record.js';

const DRIVER = 'ecb-aes-fixture-panic';
const PANIC_TITLE = 'Kernel panic - not syncing: afalg fixture: engine state lost on a 144-byte request';

describe('a kernel panic as a finding (panic fixture on qemu-x86_64)', function () {
  this.timeout(900_000);
  const tmp = useTempDir('afalg-kernel-panic-');
  let out: string;
  let code: number | null;
  let stdout: string;
  let meta: RunMeta;
  let panics: KernelEventLine[];
  let hangs: HangLine[];
  let tallies: TallyLine[];

  before(async () => {
    out = path.join(tmp.path, 'run');
    const startedAt = Date.now();
    // --sample 12 keeps a 144-byte case of each ECBMMT file (the first one panics)
    const result = await runCli([
      'run', '--board', 'qemu-x86_64', '--vectors', vectorsDir, '--out', out,
      '--alg', 'ecb(aes)', '--strategies', 'oneshot', '--sample', '12', '--seed', 'panic15', '--differential', '0', '--no-boundary', '--fixtures', 'panic',
    ]);
    const wentOn = /the run goes on without .*, ([\d.]+) s after the panic/.exec(result.stdout + result.stderr);
    process.stdout.write(`      [run: ${((Date.now() - startedAt) / 1000).toFixed(1)} s, exit ${result.code}; went on ${wentOn?.[1] ?? '?'} s after the panic]\n`);
    code = result.code;
    stdout = result.stdout;
    const run = readRun(out);
    meta = run.meta;
    panics = run.lines.filter((line): line is KernelEventLine => line.kind === 'kernel-event' && line.event === 'panic');
    hangs = run.lines.filter((line): line is HangLine => line.kind === 'hang');
    tallies = run.lines.filter((line): line is TallyLine => line.kind === 'tally');
  });

  it('records the panic from the console, attributed to the driver with its function and module', () => {
    assert.equal(panics.length, 1, `one panic event (the replay's is not recorded again): ${panics.map((line) => line.title).join(' | ')}`);
    const [panic] = panics as [KernelEventLine];
    assert.equal(panic.title, PANIC_TITLE);
    assert.deepEqual([panic.function, panic.module, panic.driver, panic.algorithm, panic.phase], ['fixture_panic_check', 'afalg_fixture_panic', DRIVER, 'ecb(aes)', 'vectors']);
    assert.ok(panic.targets?.includes(DRIVER) || panic.targets?.includes('ecb(aes)'), `the request in flight: ${panic.targets?.join(', ')}`);
    assert.match(panic.text, /Kernel Offset: disabled$/);
  });

  it('names the case the replay found: the 144-byte encryption of the driver, the guest restarted', () => {
    assert.equal(hangs.length, 1, hangs.map((line) => `${line.target} ${line.case}`).join(' | '));
    const [hang] = hangs as [HangLine];
    assert.deepEqual([hang.target, hang.fault, hang.bytes, hang.strategy, hang.then], [DRIVER, PANIC_TITLE, 144, 'oneshot', 'restarted']);
    assert.match(hang.source, /ECBMMT/);
    assert.match(hang.case, /^COUNT \d+/);
    assert.match(stdout, new RegExp(`panic in fixture_panic_check \\[afalg_fixture_panic\\] on ${DRIVER}`));
    // the priority verdict: the generic name selects a driver that crashes the kernel
    assert.match(stdout, /the generic name ecb\(aes\) selects ecb-aes-fixture-panic \(priority 1330\), which crashes in the kernel \("Kernel panic - not syncing/);
  });

  it('goes on without the driver and the generic name bound to it; every other driver passes', () => {
    assert.equal(meta.complete, true, meta.incompleteReason);
    assert.equal(code, 1, 'findings: the panic');
    const after = tallies.filter((line) => line.source === hangs[0]?.source);
    assert.ok(after.length > 0);
    assert.ok(!after.some((line) => line.target === DRIVER || line.target === 'ecb(aes)'), 'the panicking driver and its generic twin are out');
    const good = tallies.filter((line) => !line.target.includes('fixture') && !line.generic);
    assert.ok(good.length > 0);
    for (const line of good) assert.equal(line.failed, 0, `${line.target} ${line.source}`);
    assert.ok(/ECBVarTxt256/.test(good.map((line) => line.source).join(' ')), 'the last vector file ran');
  });
});
