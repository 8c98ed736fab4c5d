/**
 * Kernel faults are findings (issue 15), end to end through the CLI on the qemu-x86_64 guest: the
 * oops fixture dereferences NULL on a 48-byte ecb(aes) request, the warn fixture WARNs on an 80-byte
 * one (both qemu/fixtures, loaded above the good drivers with a passed self-test). The run must end
 * the oopsing request at once (not after the hang limit), name the function, module, driver and case,
 * restart the guest and finish every other driver; record the WARNING and go on; keep the kernel's
 * text in every report; and record the taint before and after.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { vectorsDir } from '../unit/vectors/vectors-dir.js';
import { readRun } from '../../harness/results/results-reader.js';
import type { HangLine, KernelEventLine, TallyLine } from '../../harness/results/result-model.js';
import type { RunMeta } from '../../harness/results/run-record.js';

const HANG_SEC = 30;

describe('kernel faults as findings (oops and warn fixtures on qemu-x86_64)', function () {
  this.timeout(600_000);
  const tmp = useTempDir('afalg-kernel-faults-');
  let out: string;
  let code: number | null;
  let stdout: string;
  let meta: RunMeta;
  let events: KernelEventLine[];
  let hangs: HangLine[];
  let tallies: TallyLine[];

  before(async () => {
    out = path.join(tmp.path, 'run');
    const result = await runCli([
      'run', '--board', 'qemu-x86_64', '--vectors', vectorsDir, '--out', out,
      '--alg', 'ecb(aes)', '--strategies', 'oneshot', '--fixtures', 'oops', 'warn', '--hang-sec', String(HANG_SEC),
    ]);
    code = result.code;
    stdout = result.stdout;
    const run = readRun(out);
    meta = run.meta;
    events = run.lines.filter((line): line is KernelEventLine => line.kind === 'kernel-event');
    hangs = run.lines.filter((line): line is HangLine => line.kind === 'hang');
    tallies = run.lines.filter((line): line is TallyLine => line.kind === 'tally');
  });

  it('ends the oopsing request at once and names the function, module, driver and case', () => {
    assert.equal(code, 1);
    const oops = events.find((event) => event.event === 'null-deref');
    assert.ok(oops, `an oops event among ${events.map((event) => event.title).join(' | ')}`);
    // the console (QEMU's) and the agent's kmsg reader both bring each oops (two workers may oops, #1 and #2): each recorded once
    const oopsNumbers = events.filter((event) => event.event === 'null-deref').map((event) => /Oops: \S+ \[#(\d+)\]/.exec(event.text)?.[1]);
    assert.deepEqual(oopsNumbers, [...new Set(oopsNumbers)], `oops numbers ${oopsNumbers.join(', ')}`);
    assert.deepEqual([oops.function, oops.module, oops.driver, oops.algorithm, oops.phase], ['fixture_oops_submit', 'afalg_fixture_oops', 'ecb-aes-fixture-oops', 'ecb(aes)', 'vectors']);
    assert.match(oops.text, /RIP: 0010:fixture_oops_submit\+0x/);
    const [hang] = hangs;
    assert.ok(hang && hang.fault !== undefined, 'the request ended with the kernel report');
    assert.equal(hang.fault, oops.title);
    assert.ok(hang.seconds < HANG_SEC / 3, `ended after ${hang.seconds} s, not at the ${HANG_SEC} s hang limit`);
    assert.equal(hang.bytes, 48);
    // whichever 48-byte operation reaches the driver first oopses: the native agent's workers take a file's cases in parallel chunks
    assert.match(stdout, /null-deref in fixture_oops_submit \[afalg_fixture_oops\] on ecb-aes-fixture-oops \(ecb\(aes\)\), nist\/\S+ COUNT \d+[^[]*\[oneshot\], (en|de)crypt of 48 bytes/);
  });

  it('records the WARNING with its driver and goes on; the boot report is listed as such', () => {
    const warning = events.find((event) => event.event === 'warning' && event.phase === 'vectors');
    assert.ok(warning, 'a WARNING during the vectors');
    assert.deepEqual([warning.function, warning.module, warning.driver], ['fixture_warn_check', 'afalg_fixture_warn', 'ecb-aes-fixture-warn']);
    assert.ok(events.some((event) => event.phase === 'before-requests'), 'the boot log is read too');
    // the warn driver answers correctly: its executions pass (only the kernel report fails the run)
    const warnTallies = tallies.filter((line) => line.target === 'ecb-aes-fixture-warn');
    assert.ok(warnTallies.length > 0 && warnTallies.every((line) => line.failed === 0));
  });

  it('restarts the guest and finishes every other driver, passing', () => {
    assert.equal(meta.complete, true);
    const good = tallies.filter((line) => !line.target.includes('fixture') && !line.generic);
    assert.ok(good.length > 0);
    for (const line of good) assert.equal(line.failed, 0, `${line.target} ${line.source}`);
    assert.ok(meta.kernelTaint, 'taint recorded');
    assert.ok(meta.kernelTaint.after.includes('O'), `taint after: ${meta.kernelTaint.after.join('')}`);
  });

  it('keeps the kernel text in report.html and junit.xml', () => {
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    assert.match(html, /<h3 id="kernel-reports">Kernel reports<\/h3>/);
    assert.match(html, /RIP: 0010:fixture_oops_submit/);
    assert.match(fs.readFileSync(path.join(out, 'junit.xml'), 'utf8'), /<error message="null-deref in fixture_oops_submit/);
  });
});
