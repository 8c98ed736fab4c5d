import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../../harness/core/paths.js';
import { parseKernelLog } from '../../../../harness/kernel-log/kernel-events.js';
import type { HangLine, KernelEventLine } from '../../../../harness/results/result-model.js';
import { describeKernelEventSummary, summarizeKernelEvents } from '../../../../harness/results/summary/kernel-events.js';
import { summarize } from '../../../../harness/results/summary.js';
import { buildRunReport } from '../../../../harness/results/run-report.js';
import { renderHtml } from '../../../../reports/html.js';
import { renderJunit } from '../../../../reports/junit.js';
import { renderMarkdown } from '../../../../reports/markdown.js';
import { renderRunTerminal } from '../../../../reports/run-terminal.js';
import { fixtureLines, fixtureMeta } from '../run-fixture.js';

/** The kernel's own text, captured from the oops fixture on the qemu-x86_64 guest. */
function capturedEvent(file: string, phase: KernelEventLine['phase']): KernelEventLine {
  const event = parseKernelLog(fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'kernel-events', file), 'utf8')).find((one) => one.kind !== 'taint-change');
  assert.ok(event, `${file} holds a kernel report`);
  return {
    kind: 'kernel-event',
    event: event.kind,
    title: event.title,
    ...(event.function !== undefined ? { function: event.function } : {}),
    ...(event.module !== undefined ? { module: event.module } : {}),
    phase,
    ...(phase === 'before-requests' ? {} : { algorithm: 'ecb(aes)', source: 'nist/ECBMMT128.rsp', targets: ['ecb(aes)', 'ecb-aes-fixture-oops'], driver: 'ecb-aes-fixture-oops' }),
    text: event.text,
  };
}

describe('results/summary/kernel-events', () => {
  const oops = capturedEvent('oops-null-deref.console.txt', 'vectors');
  const hang: HangLine = {
    kind: 'hang',
    algorithm: 'ecb(aes)',
    target: 'ecb-aes-fixture-oops',
    generic: false,
    source: 'nist/ECBMMT128.rsp',
    case: 'COUNT 2',
    strategy: 'oneshot',
    op: 'encrypt',
    bytes: 48,
    seconds: 0,
    then: 'restarted',
    fault: oops.title,
  };

  it('joins an oops with the operation it ended, and says where it happened', () => {
    const [event] = summarizeKernelEvents([oops], [hang]);
    assert.ok(event);
    assert.equal(event.failing, true);
    assert.deepEqual(event.operation, { target: 'ecb-aes-fixture-oops', case: 'nist/ECBMMT128.rsp COUNT 2', strategy: 'oneshot', op: 'encrypt', bytes: 48 });
    assert.equal(describeKernelEventSummary(event), `${oops.event} in fixture_oops_submit [afalg_fixture_oops] on ecb-aes-fixture-oops (ecb(aes)), nist/ECBMMT128.rsp COUNT 2 [oneshot], encrypt of 48 bytes`);
  });

  it('lists a report at boot without failing the run; a WARNING during a request fails it', () => {
    const boot = capturedEvent('boot-warning-virtio-crypto-rsa.console.txt', 'before-requests');
    const warn = capturedEvent('warn.console.txt', 'vectors');
    const [atBoot, during] = summarizeKernelEvents([boot, warn], []);
    assert.deepEqual([atBoot?.failing, during?.failing], [false, true]);
    assert.match(describeKernelEventSummary(atBoot!), /before any request\)$/);
    const passing = fixtureLines().filter((line) => line.kind !== 'tally' || line.failed === 0);
    assert.equal(buildRunReport(fixtureMeta(), [...passing, boot]).verdict, 'pass', 'a boot warning alone does not fail a run');
    const report = buildRunReport(fixtureMeta(), [...passing, warn]);
    assert.deepEqual([report.verdict, report.reasons], ['fail', ['1 kernel report (oops, BUG, WARNING…) during a request']]);
  });

  it('every reporter shows the report; HTML and JUnit carry the kernel text', () => {
    const meta = fixtureMeta();
    const lines = [...fixtureLines(), hang, oops];
    const report = buildRunReport(meta, lines);
    const firstTraceLine = oops.text.split('\n').find((line) => /RIP: /.test(line)) as string;
    assert.ok(firstTraceLine, 'the captured oops has its RIP line');
    assert.match(renderRunTerminal(report), /kernel reports\n {2}null-deref in fixture_oops_submit \[afalg_fixture_oops\] on ecb-aes-fixture-oops/);
    const html = renderHtml(report);
    assert.match(html, /<h3 id="kernel-reports">Kernel reports<\/h3>/);
    assert.ok(html.includes('fixture_oops_submit+0x'), 'the kernel text is folded in the page');
    assert.match(renderMarkdown(report), /## Kernel reports[\s\S]*```text[\s\S]*fixture_oops_submit/);
    const junit = renderJunit(report);
    assert.match(junit, /<error message="null-deref in fixture_oops_submit[^"]*" type="kernel-null-deref">[^<]*RIP: /);
    assert.equal(summarize(meta, lines).kernelEvents.length, 1);
  });
});
