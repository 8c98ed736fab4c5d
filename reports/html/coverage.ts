/** report.html's coverage section: per algorithm and target, the dimensions exercised and how many cases. */
import { describeCoverage, THIN_CASES } from '../../harness/results/coverage.js';
import type { RunSummary } from '../../harness/results/summary.js';
import { esc } from '../format.js';
import { table } from './elements.js';

export function coverageHtml(summary: RunSummary): string {
  if (summary.coverage.length === 0) return '';
  const rows = summary.coverage.map((row) => {
    const thin = row.cases < THIN_CASES || row.beyondPage === 0;
    return [esc(row.algorithm), esc(row.target), String(row.cases), esc(describeCoverage(row)), thin ? '<span class="badge fail">thin</span>' : ''];
  });
  return [
    '<section id="coverage">',
    '<h2>Coverage</h2>',
    `<p class="muted">What the plan exercised on each target. Fewer than ${THIN_CASES} cases, or nothing longer than one page, is a thin set: a warning verdict, never a quiet pass.</p>`,
    `<details><summary>${summary.coverage.length} targets</summary>${table(['Algorithm', 'Target', 'Cases', 'Dimensions', ''], rows, { numeric: [2] })}</details>`,
    '</section>',
  ].join('\n');
}
