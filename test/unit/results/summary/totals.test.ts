import assert from 'node:assert/strict';
import type { SummaryRow } from '../../../../harness/results/summary.js';
import { summaryTotals } from '../../../../harness/results/summary/totals.js';

describe('results/summary/totals', () => {
  const row = (algorithm: string, target: string, counts: Pick<SummaryRow, 'passed' | 'failed' | 'skipped' | 'acceptable'>): SummaryRow => ({
    algorithm,
    target,
    generic: algorithm === target,
    ran: true,
    ...counts,
    failures: [],
    acceptables: [],
    strategiesFailed: [],
  });

  it('adds up the rows, counting algorithms once and skipped vectors as given', () => {
    const rows = [row('cbc(aes)', 'cbc(aes)', { passed: 10, failed: 1, skipped: 2, acceptable: 3 }), row('cbc(aes)', 'cbc-aes-aesni', { passed: 11, failed: 0, skipped: 2, acceptable: 3 }), row('sha256', 'sha256', { passed: 5, failed: 2, skipped: 0, acceptable: 0 })];
    assert.deepEqual(summaryTotals(rows, 2), { passed: 26, failed: 3, skipped: 4, skippedVectors: 2, acceptable: 6, algorithms: 2, targets: 3 });
    assert.deepEqual(summaryTotals([], 0), { passed: 0, failed: 0, skipped: 0, skippedVectors: 0, acceptable: 0, algorithms: 0, targets: 0 });
  });
});
