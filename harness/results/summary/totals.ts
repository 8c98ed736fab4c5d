/** The run's totals over the matrix. */
import type { RunSummary, SummaryRow } from './summary-model.js';

/** Sums of the rows' counts; `skippedVectors` counts each skipped vector once, whatever the number of targets. */
export function summaryTotals(rows: readonly SummaryRow[], skippedVectors: number): RunSummary['totals'] {
  const totals = { passed: 0, failed: 0, skipped: 0, skippedVectors, acceptable: 0, algorithms: new Set(rows.map((row) => row.algorithm)).size, targets: rows.length };
  for (const row of rows) {
    totals.passed += row.passed;
    totals.failed += row.failed;
    totals.skipped += row.skipped;
    totals.acceptable += row.acceptable;
  }
  return totals;
}
