import assert from 'node:assert/strict';
import { readRunReport } from '../../../harness/results/run-report.js';
import { compareRuns, type RunComparison } from '../../../harness/results/run-comparison.js';
import { renderComparisonTerminal } from '../../../reports/compare-terminal.js';
import { renderComparisonMarkdown } from '../../../reports/compare-markdown.js';
import { renderComparisonHtml } from '../../../reports/compare-html.js';
import { driverCellText, genericCellText } from '../../../reports/compare-cells.js';
import { changeCounts, splitAlgorithms, stepGroups } from '../../../reports/compare-outline.js';
import { useTempDir } from '../../support/temp-dir.js';
import { VAES, VIRTIO, writeKernelRuns } from '../results/comparison-fixture.js';

describe('reports/compare-*', () => {
  const temp = useTempDir('compare-reports-');
  let comparison: RunComparison;

  before(() => {
    comparison = compareRuns(writeKernelRuns(temp.path).map((dir) => readRunReport(dir)));
  });

  it('cells: priority, vectors, self-test when not passed, MB/s; why AF_ALG cannot reach it; — when absent', () => {
    assert.equal(driverCellText({ priority: 150, selftest: 'unknown', module: 'virtio_crypto', verdict: 'fail', failed: 2, mbPerSecond: 1234.4 }), '150 · fail (2) · selftest unknown · 1,234 MB/s');
    assert.equal(driverCellText({ priority: 150, selftest: 'passed', module: 'virtio_crypto', verdict: 'not run', failed: 0, unreachable: 'async' }), '150 · unreachable (async)');
    assert.equal(driverCellText(undefined), '—');
    assert.equal(genericCellText({ verdict: 'not run' }), '→ unproved · not run');
    // an algorithm no run tested: no verdict word in any cell
    assert.equal(driverCellText({ priority: 300, selftest: 'passed', module: 'kernel', verdict: 'not run', failed: 0 }, false), '300');
    assert.equal(genericCellText({ bound: 'sha256-avx2', verdict: 'not run' }, false), '→ sha256-avx2');
  });

  it('outline: the changes of a step by kind, most consequential first; tested algorithms apart from the rest', () => {
    assert.deepEqual(
      stepGroups(comparison, 1).map((group) => [group.kind, group.changes.length]),
      [['binding', 1], ['verdict', 1], ['throughput', 1], ['vanished', 1], ['appeared', 1], ['priority', 1]],
    );
    assert.deepEqual(changeCounts(comparison).map((row) => row.counts), [[1], [1], [1], [1], [1], [1]]);
    const split = splitAlgorithms(comparison);
    assert.deepEqual([split.tested, split.changedUntested, split.sameUntested].map((list) => list.map((entry) => entry.algorithm)), [['cbc(aes)'], [], ['sha256']]);
  });

  it('terminal: the runs with why each failed, the changes of each step by kind, the tested algorithms side by side', () => {
    const text = renderComparisonTerminal(comparison);
    assert.match(text, /^comparing 2 runs:\n {2}\[1\] qemu-x86_64 6\.8\.0-51-generic \(x86_64, run [^,]+, fail: 1 failed execution\)\n/);
    assert.match(text, /\n\[1\] → \[2\]: 6 changes\n {2}the generic name binds another driver \(1\):\n {4}cbc\(aes\): the generic name binds cbc-aes-vaes-avx2, was cbc-aes-aesni\n {2}vector verdicts \(1\):\n/);
    assert.match(text, /\ndiscovered but not tested, the same in every run: sha256\n/);
    const virtioLine = text.split('\n').find((line) => line.startsWith(`  ${VIRTIO}  `));
    assert.match(virtioLine ?? '', /^ {2}virtio_crypto_aes_cbc +150 · fail \(1\) · 320 MB\/s +—$/);
    const vaesLine = text.split('\n').find((line) => line.startsWith(`  ${VAES}  `));
    assert.match(vaesLine ?? '', /^ {2}cbc-aes-vaes-avx2 +— +600 · not run$/);
  });

  it('markdown: a run table, the counts at a glance, the changes by kind, one table per tested algorithm', () => {
    const md = renderComparisonMarkdown(comparison);
    assert.ok(md.includes('| [2] | qemu-x86_64 | 6.12.38+deb13-amd64 | x86_64 | 2025-03-15T10-00-00Z-qemu-x86_64 | fail: 1 failed execution |'));
    assert.ok(md.includes('## At a glance\n\n| changes | [1] → [2] |\n| --- | ---: |\n| the generic name binds another driver | 1 |\n'));
    assert.ok(md.includes('**priorities** (1)\n\n- cbc(aes-aesni) (cbc(aes)): priority 300 → 200'));
    assert.ok(md.includes(`| ${VIRTIO} | 150 · fail (1) · 320 MB/s | — |`));
    assert.ok(md.includes('| *generic name* | → cbc-aes-aesni · pass · 667 MB/s | → cbc-aes-vaes-avx2 · pass · 667 MB/s |'));
    assert.equal(md.match(/^### sha256 \(hash\)$/gm), null, 'sha256 was not tested and did not change: named, not tabled');
    assert.ok(md.includes('The same in every run (discovered, not tested): sha256.'));
  });

  it('html: one self-contained page that loads nothing, moved cells marked', () => {
    const html = renderComparisonHtml(comparison);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    assert.doesNotMatch(html, /<script|<link|src=|https?:\/\//);
    // each kind once in the glance table and once heading its list
    assert.equal(html.match(/<span class="badge kind-/g)?.length, 12);
    assert.ok(html.includes('<td class="count"><a href="#step-1-binding">1</a></td>'));
    assert.ok(html.includes('<h4 id="step-1-binding">'));
    assert.ok(html.includes('<td class="verdict-fail">fail: 1 failed execution</td>'));
    assert.ok(html.includes(`<tr><th scope="row">${VIRTIO}</th><td class="fail">150 · fail (1) · 320 MB/s</td><td class="absent changed">—</td></tr>`));
    assert.ok(html.includes('<tr><th scope="row">cbc-aes-aesni</th><td>400 · pass · 688 MB/s</td><td>400 · pass · 688 MB/s</td></tr>'), 'an unchanged row is not marked');
  });

  it('escapes what comes from the runs', () => {
    const hostile = { ...comparison, runs: comparison.runs.map((run) => ({ ...run, label: '<img src=x>|*' })) };
    assert.ok(!renderComparisonHtml(hostile).includes('<img'));
    assert.ok(renderComparisonMarkdown(hostile).includes('&lt;img src=x&gt;\\|\\*'));
  });
});
