import assert from 'node:assert/strict';
import path from 'node:path';
import { projectRoot } from '../../../harness/core/paths.js';
import { readRunReport } from '../../../harness/results/run-report.js';
import { changeSentence, compareRuns, type RunComparison } from '../../../harness/results/run-comparison.js';
import { renderComparisonHtml } from '../../../reports/compare-html.js';
import { MATRIX_CHANGES, MATRIX_REASONS, MATRIX_VERSIONS } from '../../support/kernel-matrix-expected.js';

/** Real sampled runs on Debian's 5.10, 6.1, 6.12 and 7.2 (test/fixtures/kernel-matrix/README.md says how they were cut down). */
const RUNS = ['5.10-bullseye', '6.1-bookworm', '6.12-trixie', '7.2-sid'].map((name) => path.join(projectRoot, 'test', 'fixtures', 'kernel-matrix', name));

describe('results/run-comparison over real runs of the kernel matrix', () => {
  let comparison: RunComparison;
  before(() => {
    comparison = compareRuns(RUNS.map((dir) => readRunReport(dir)));
  });

  it('labels the runs by board and kernel, and says why the 7.2 run fails', () => {
    assert.deepEqual(comparison.runs.map((run) => run.kernelRelease.replace(/^(\d+\.\d+).*$/, '$1')), MATRIX_VERSIONS);
    assert.deepEqual(comparison.runs.map((run) => run.reasons), MATRIX_REASONS);
  });

  MATRIX_CHANGES.forEach((expected, index) => {
    it(`[${index + 1}] ${MATRIX_VERSIONS[index]} → [${index + 2}] ${MATRIX_VERSIONS[index + 1]}: ${expected.length} of the changes the kernels show`, () => {
      const step = comparison.changes.filter((change) => change.to === index + 1).map(changeSentence);
      for (const sentence of expected) assert.ok(step.includes(sentence), `${sentence}\nnot in:\n${step.join('\n')}`);
    });
  });

  it('the HTML page puts the tested algorithms in full and folds the others away', () => {
    const html = renderComparisonHtml(comparison);
    assert.ok(html.includes('<h3 id="alg-cbc_aes_">cbc(aes) <span class="muted">skcipher</span></h3>'));
    assert.match(html, /<details><summary>\d+ algorithms the runs discovered but did not test, that changed/);
    assert.ok(html.includes('<td class="verdict-fail">fail: 1 driver AF_ALG cannot reach on this kernel</td>'));
    assert.ok(html.includes('<a href="#step-3-reach">1</a>'));
  });
});
