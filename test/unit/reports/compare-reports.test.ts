import assert from 'node:assert/strict';
import { readRunReport } from '../../../harness/results/run-report.js';
import { compareRuns, type RunComparison } from '../../../harness/results/run-comparison.js';
import { renderComparisonTerminal } from '../../../reports/compare-terminal.js';
import { renderComparisonMarkdown } from '../../../reports/compare-markdown.js';
import { renderComparisonHtml } from '../../../reports/compare-html.js';
import { driverCellText, genericCellText } from '../../../reports/compare-cells.js';
import { useTempDir } from '../../support/temp-dir.js';
import { VAES, VIRTIO, writeKernelRuns } from '../results/comparison-fixture.js';

describe('reports/compare-*', () => {
  const temp = useTempDir('compare-reports-');
  let comparison: RunComparison;

  before(() => {
    comparison = compareRuns(writeKernelRuns(temp.path).map((dir) => readRunReport(dir)));
  });

  it('cells: priority, vectors, self-test when not passed, MB/s; — when absent', () => {
    assert.equal(driverCellText({ priority: 150, selftest: 'unknown', module: 'virtio_crypto', verdict: 'fail', failed: 2, mbPerSecond: 1234.4 }), '150 · fail (2) · selftest unknown · 1,234 MB/s');
    assert.equal(driverCellText(undefined), '—');
    assert.equal(genericCellText({ verdict: 'not run' }), '→ unproved · not run');
  });

  it('terminal: the runs, the changes of each step, every algorithm side by side', () => {
    const text = renderComparisonTerminal(comparison);
    assert.match(text, /^comparing 2 runs:\n {2}\[1\] qemu-x86_64 6\.8\.0-51-generic \(x86_64, run [^,]+, fail\)\n/);
    assert.match(text, /\n\[1\] → \[2\]: 6 changes\n {2}cbc\(aes\): the generic name binds cbc-aes-vaes-avx2, was cbc-aes-aesni\n/);
    const virtioLine = text.split('\n').find((line) => line.startsWith(`  ${VIRTIO}  `));
    assert.match(virtioLine ?? '', /^ {2}virtio_crypto_aes_cbc +150 · fail \(1\) · 320 MB\/s +—$/);
    const vaesLine = text.split('\n').find((line) => line.startsWith(`  ${VAES}  `));
    assert.match(vaesLine ?? '', /^ {2}cbc-aes-vaes-avx2 +— +600 · not run$/);
  });

  it('markdown: a run table, the changes with their kind, one table per algorithm', () => {
    const md = renderComparisonMarkdown(comparison);
    assert.ok(md.includes('| [2] | qemu-x86_64 | 6.12.38+deb13-amd64 | x86_64 |'));
    assert.ok(md.includes('- **priority** cbc(aes-aesni) (cbc(aes)): priority 300 → 200'));
    assert.ok(md.includes(`| ${VIRTIO} | 150 · fail (1) · 320 MB/s | — |`));
    assert.ok(md.includes('| *generic name* | → cbc-aes-aesni · pass · 667 MB/s | → cbc-aes-vaes-avx2 · pass · 667 MB/s |'));
    assert.equal(md.match(/^### sha256 \(hash\)$/gm)?.length, 1);
  });

  it('html: one self-contained page that loads nothing, moved cells marked', () => {
    const html = renderComparisonHtml(comparison);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    assert.doesNotMatch(html, /<script|<link|src=|https?:\/\//);
    assert.equal(html.match(/<span class="badge kind-/g)?.length, 6);
    assert.ok(html.includes(`<tr><th scope="row">${VIRTIO}</th><td class="fail">150 · fail (1) · 320 MB/s</td><td class="absent changed">—</td></tr>`));
    assert.ok(html.includes('<tr><th scope="row">cbc-aes-aesni</th><td>400 · pass · 688 MB/s</td><td>400 · pass · 688 MB/s</td></tr>'), 'an unchanged row is not marked');
  });

  it('escapes what comes from the runs', () => {
    const hostile = { ...comparison, runs: comparison.runs.map((run) => ({ ...run, label: '<img src=x>|*' })) };
    assert.ok(!renderComparisonHtml(hostile).includes('<img'));
    assert.ok(renderComparisonMarkdown(hostile).includes('&lt;img src=x&gt;\\|\\*'));
  });
});
