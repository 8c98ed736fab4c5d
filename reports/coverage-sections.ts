/**
 * The coverage section of the terminal summary and of summary.md: per algorithm and target, which
 * dimensions the run exercised and with how many cases (harness/results/coverage.ts). A thin set is
 * also a warning verdict; this section shows the whole picture.
 */
import type { CoverageRow } from '../harness/results/run-record.js';
import { describeCoverage, THIN_CASES } from '../harness/results/coverage.js';
import type { RunSummary } from '../harness/results/summary.js';
import { mdText, plural } from './format.js';

const isThin = (row: CoverageRow): boolean => row.cases < THIN_CASES || row.beyondPage === 0;

/** Terminal: one line — the detail is in summary.md and report.html, the thin targets in the verdicts. */
export function coverageTerminal(summary: RunSummary, dim: (text: string) => string): string[] {
  if (summary.coverage.length === 0) return [];
  const thin = summary.coverage.filter(isThin).length;
  return ['', dim(`coverage: ${plural(summary.coverage.length, 'target')} planned, ${thin} checked by a thin set (warnings above); per target in summary.md and report.html`)];
}

export function coverageMarkdown(summary: RunSummary): string[] {
  if (summary.coverage.length === 0) return [];
  const out = ['## Coverage', ''];
  out.push(
    `What the plan exercised on each target: cases by family (vector files, generated boundary cases, random differential cases), lengths, key sizes, counter wraps, AAD and tag sizes, sockets and threads. A target with fewer than ${THIN_CASES} cases or nothing longer than one page is a **thin** set (a warning verdict).`,
    '',
    '| Algorithm | Target | Coverage | Thin |',
    '| --- | --- | --- | --- |',
  );
  for (const row of summary.coverage) out.push(`| ${mdText(row.algorithm)} | ${mdText(row.target)} | ${mdText(describeCoverage(row))} | ${isThin(row) ? '**thin**' : ''} |`);
  out.push('');
  return out;
}
