import assert from 'node:assert/strict';
import type { ResultLine } from '../../../harness/results/result-model.js';
import type { RunMeta } from '../../../harness/results/run-record.js';
import { summarize, type RunSummary } from '../../../harness/results/summary.js';
import { loadDriversSpec } from '../../../harness/spec/load-spec.js';
import type { Requirement } from '../../../harness/spec/spec-model.js';
import { renderHtml } from '../../../reports/html.js';
import { renderJunit } from '../../../reports/junit.js';
import { renderMarkdown } from '../../../reports/markdown.js';
import { renderRunTerminal } from '../../../reports/run-terminal.js';
import { fixtureLines, fixtureMeta } from '../results/run-fixture.js';
import { boardRun, FAILING, SHIPPED, withSpec } from '../spec/spec-fixture.js';
import { runReportOf } from '../../../harness/results/run-report.js';

describe('reports: the drivers-spec sections', () => {
  describe('in the reports', () => {
    const failingRun = (): { meta: RunMeta; summary: RunSummary } => {
      const { meta, summary } = boardRun();
      return { meta: withSpec(meta, FAILING), summary };
    };

    it('adds nothing without a spec', () => {
      const { meta, summary } = boardRun();
      assert.ok(!renderMarkdown(runReportOf(meta, summary)).includes('drivers-spec'));
      assert.ok(!renderHtml(runReportOf(meta, summary)).includes('id="spec"'));
      assert.ok(!renderJunit(runReportOf(meta, summary)).includes('drivers-spec'));
      assert.ok(!renderRunTerminal(runReportOf(meta, summary)).includes('drivers-spec'));
    });

    it('markdown: a Qualification section with the count, each requirement, ✔/✘, evidence and why', () => {
      const { meta, summary } = failingRun();
      const md = renderMarkdown(runReportOf(meta, summary));
      assert.ok(md.includes('## Qualification (drivers-spec)\n'));
      assert.ok(md.includes('**0 of 2 requirements met.** 2 requirements are not met: the run fails.'));
      assert.ok(md.includes('| Requirement | Met | Evidence | Why |'));
      assert.ok(
        md.includes(
          '| **cbc-aes-served-by-virtio**: the generic name cbc(aes) is served by a driver matching virtio_crypto_\\* | ✘ | served by cbc-aes-aesni (priority 400); matching but not selected: virtio_crypto_aes_cbc (priority 150) | the product offloads',
        ),
        md,
      );
      assert.ok(md.indexOf('## Qualification') < md.indexOf('## Priority selection'));
      assert.match(md, /drivers-spec qemu-x86_64-fails: 0 of 2 requirements met\./);
    });

    it('html: #spec with the badge and the table, a link from the verdict, exit code 1', () => {
      const { meta, summary } = failingRun();
      const html = renderHtml(runReportOf(meta, summary));
      assert.match(html, /<section id="spec">\n<h2>Qualification \(drivers-spec\)<\/h2>/);
      assert.match(html, /<span id="spec-badge" class="badge big spec-badge spec-unmet">0 of 2 requirements met<\/span>/);
      assert.match(html, /<thead><tr><th>Requirement<\/th><th>Met<\/th><th>Evidence<\/th><th>Why<\/th><\/tr><\/thead>/);
      assert.match(html, /<tr class="req-unmet"><td><span class="mono">sha256-priority-300<\/span><br>the driver serving sha256 has priority ≥ 300<\/td><td class="req-state"><span class="bad" title="not met">✘<\/span><\/td><td>served by sha256-avx2 \(priority 170\), below 300<\/td><td>a hardware SHA-256/);
      assert.match(html, /<a href="#spec">Qualification<\/a>/);
      assert.match(html, /drivers-spec <strong>qemu-x86_64-fails<\/strong>: <a href="#spec">0 of 2 requirements met<\/a>/);
      assert.match(html, /Exit code <strong>1<\/strong>: fail: 1 critical priority verdict, 2 unmet requirements of drivers-spec qemu-x86_64-fails\./);
    });

    it('junit: a drivers-spec suite, one case per requirement, an unmet one failing with its evidence', () => {
      const { meta, summary } = failingRun();
      const xml = renderJunit(runReportOf(meta, summary));
      assert.match(xml, /<testsuite name="drivers-spec" tests="2" failures="2" errors="0" skipped="0"/);
      assert.match(
        xml,
        /<testcase name="sha256-priority-300" classname="drivers-spec\.qemu-x86_64-fails">\n {6}<failure message="served by sha256-avx2 \(priority 170\), below 300" type="requirement-unmet">requirement: the driver serving sha256 has priority ≥ 300\nevidence: served by sha256-avx2 \(priority 170\), below 300\nwhy: a hardware/,
      );
      assert.ok(xml.indexOf('name="drivers-spec"') < xml.indexOf('<testsuite name="run"'));
    });

    it('terminal: a short section before the verdict line, which counts the unmet requirements', () => {
      const { meta, summary } = failingRun();
      const text = renderRunTerminal(runReportOf(meta, summary));
      const lines = text.split('\n');
      const start = lines.indexOf(`drivers-spec qemu-x86_64-fails: 0 of 2 requirements met (${FAILING})`);
      assert.ok(start > 0, text);
      assert.deepEqual(lines.slice(start + 1, start + 4), [
        '  ✘ cbc-aes-served-by-virtio: the generic name cbc(aes) is served by a driver matching virtio_crypto_*',
        '      found: served by cbc-aes-aesni (priority 400); matching but not selected: virtio_crypto_aes_cbc (priority 150)',
        `      why:   ${(loadDriversSpec(FAILING).requirements[0] as Requirement).why}`,
      ]);
      assert.match(lines.at(-2) ?? '', /^FAIL: .*; 1 critical priority verdict, 2 unmet drivers-spec requirements$/);
      const met = renderRunTerminal(runReportOf(withSpec(boardRun().meta, SHIPPED), summary));
      assert.ok(met.includes('drivers-spec qemu-x86_64: 8 of 8 requirements met'));
      assert.ok(met.includes('  ✔ cbc-aes-served-by-aesni: served by cbc-aes-aesni (priority 400)\n'));
    });

    it('a run that passes but misses a requirement says FAIL everywhere', () => {
      const meta = withSpec(fixtureMeta(), FAILING);
      const summary = summarize(meta, fixtureLines().map((line): ResultLine => (line.kind === 'tally' ? { ...line, failed: 0, failures: [] } : line)));
      assert.equal(summary.verdict, 'pass');
      assert.match(renderRunTerminal(runReportOf(meta, summary)).split('\n').at(-2) ?? '', /^FAIL: .*; 2 unmet drivers-spec requirements$/);
      assert.ok(renderMarkdown(runReportOf(meta, summary)).includes('**Verdict: FAIL.**'));
      const html = renderHtml(runReportOf(meta, summary));
      assert.match(html, /<div id="verdict" class="verdict verdict-fail">/);
      assert.match(html, /Exit code <strong>1<\/strong>: fail: 2 unmet requirements of drivers-spec qemu-x86_64-fails\./);
      assert.match(html, /<body class="verdict-is-fail">/);
    });
  });
});
