/**
 * The native agent watches the kernel log too (its `kernel-log` op, issue 14), end to end through
 * the CLI on the qemu-x86_64 guest with `--agent native`: the oops fixture dereferences NULL on a
 * 48-byte ecb(aes) request; the run must report the oops event (function, module, driver) and end
 * the request at once with the kernel's report, not after the hang limit — as with the Node agent
 * (kernel-faults.test.ts).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { vectorsDir } from '../unit/vectors/vectors-dir.js';
import { readRun } from '../../harness/results/results-reader.js';
import type { HangLine, KernelEventLine } from '../../harness/results/result-model.js';

const HANG_SEC = 30;

describe('kernel faults with the native agent (oops fixture on qemu-x86_64, --agent native)', function () {
  this.timeout(600_000);
  const tmp = useTempDir('afalg-native-faults-');

  it('reports the oops event and ends the oopsing request at once', async () => {
    const out = path.join(tmp.path, 'run');
    const result = await runCli([
      'run', '--board', 'qemu-x86_64', '--agent', 'native', '--vectors', vectorsDir, '--out', out,
      '--alg', 'ecb(aes)', '--strategies', 'oneshot', '--fixtures', 'oops', '--hang-sec', String(HANG_SEC),
    ]);
    assert.doesNotMatch(result.stdout + result.stderr, /kernel log: not watched/);
    const run = readRun(out);
    const events = run.lines.filter((line): line is KernelEventLine => line.kind === 'kernel-event');
    const oops = events.find((event) => event.event === 'null-deref');
    assert.ok(oops, `an oops event among ${events.map((event) => event.title).join(' | ')}\n${result.stderr.slice(-2000)}`);
    assert.deepEqual([oops.function, oops.module, oops.driver, oops.algorithm], ['fixture_oops_submit', 'afalg_fixture_oops', 'ecb-aes-fixture-oops', 'ecb(aes)']);
    assert.match(oops.text, /RIP: 0010:fixture_oops_submit\+0x/);
    const [hang] = run.lines.filter((line): line is HangLine => line.kind === 'hang');
    assert.equal(hang?.fault, oops.title, 'the request ended with the kernel report');
    assert.ok((hang?.seconds ?? HANG_SEC) < HANG_SEC / 3, `ended after ${hang?.seconds} s, not at the ${HANG_SEC} s hang limit`);
    assert.equal(result.code, 1);
  });
});
