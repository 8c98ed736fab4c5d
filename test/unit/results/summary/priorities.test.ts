import assert from 'node:assert/strict';
import type { PriorityTable, PriorityVerdict, Severity } from '../../../../harness/results/priority-verdicts.js';
import { priorityTables, verdictsBySeverity } from '../../../../harness/results/summary/priorities.js';
import { summarize } from '../../../../harness/results/summary.js';
import { benchRun } from '../../reports/fixture-bench.js';

describe('results/summary/priorities', () => {
  it('lists the verdicts of every table, most severe first, keeping the order within a severity', () => {
    const verdict = (severity: Severity, message: string): PriorityVerdict => ({ severity, message }) as PriorityVerdict;
    const tables = [
      { verdicts: [verdict('info', 'a'), verdict('critical', 'b')] },
      { verdicts: [verdict('warning', 'c'), verdict('critical', 'd'), verdict('info', 'e')] },
    ] as unknown as PriorityTable[];
    assert.deepEqual(verdictsBySeverity(tables).map((one) => one.message), ['b', 'd', 'c', 'a', 'e']);
  });

  it('makes a table per algorithm in the run, sorted, taking the 4 KiB copy-path speed as evidence', () => {
    const { meta, summary } = benchRun();
    const tables = priorityTables(meta, summary.rows, summary.bench);
    assert.deepEqual(tables, summary.priorities);
    assert.deepEqual(tables.map((table) => table.algorithm), [...tables.map((table) => table.algorithm)].sort());
    assert.ok(tables.some((table) => table.algorithm === 'sha256'), 'a bench-only algorithm has a table');
    const narrowed = { ...meta, settings: { ...meta.settings, alg: ['cbc(aes)'] } };
    const onlyCbc = priorityTables(narrowed, summarize(narrowed, []).rows, undefined);
    assert.deepEqual(onlyCbc, [], 'a run narrowed by --alg with no results has no table');
  });
});
