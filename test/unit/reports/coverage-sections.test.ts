import assert from 'node:assert/strict';
import type { CoverageRow } from '../../../harness/results/run-record.js';
import { buildRunReport } from '../../../harness/results/run-report.js';
import { renderHtml } from '../../../reports/html.js';
import { renderMarkdown } from '../../../reports/markdown.js';
import { renderRunTerminal } from '../../../reports/run-terminal.js';
import { fixtureLines, fixtureMeta } from '../results/run-fixture.js';

function row(target: string, cases: number, beyondPage: number): CoverageRow {
  return {
    algorithm: 'cbc(aes)', target, cases, executions: cases * 2, strategies: ['oneshot', 'page-cross'], length: { min: 16, max: beyondPage > 0 ? 65536 : 4096 }, beyondPage,
    keySizes: [16, 24, 32], refusals: 0, counterWidths: [], wrapPoints: [], authsizes: [], forgedTags: 0, sockets: 1, threads: 2, bySource: { vectors: cases, boundary: 0, differential: 0 },
  };
}

describe('reports: coverage sections', () => {
  const meta = fixtureMeta({ coverage: [row('cbc-aes-aesni', 900, 40), row('virtio_crypto_aes_cbc', 36, 0)] });
  const report = buildRunReport(meta, fixtureLines());

  it('a thin set is a warning verdict naming the target and why, never a quiet pass', () => {
    const thin = report.summary.verdicts.filter((verdict) => verdict.rule === 'thin-coverage');
    assert.deepEqual(thin.map((verdict) => verdict.drivers), [['virtio_crypto_aes_cbc']]);
    assert.match(thin[0]?.message ?? '', /only 36 cases \(fewer than 100\) and nothing longer than one page/);
    assert.equal(thin[0]?.severity, 'warning');
  });

  it('summary.md and report.html list every target with its dimensions; the terminal says how many are thin', () => {
    const md = renderMarkdown(report);
    assert.match(md, /## Coverage/);
    assert.match(md, /\| cbc\(aes\) \| virtio_crypto_aes_cbc \| [^|]*36 cases [^|]* \| \*\*thin\*\* \|/);
    assert.match(md, /\| cbc\(aes\) \| cbc-aes-aesni \| [^|]*900 cases [^|]*40 beyond a page[^|]* \|  \|/);
    assert.match(renderHtml(report), /<section id="coverage">[\s\S]*virtio_crypto_aes_cbc[\s\S]*thin/);
    assert.match(renderRunTerminal(report), /coverage: 2 targets planned, 1 checked by a thin set/);
  });
});
