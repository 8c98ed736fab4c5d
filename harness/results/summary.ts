/**
 * A run's results folded into what reports show: one row per algorithm × target, the cases where
 * the generic name and a driver disagree, the notes (skips, unusable files, unbindable drivers,
 * incidents), totals and the verdict. Pure: from run.json and results.jsonl alone.
 *
 * `summarize` composes the sections, each built in harness/results/summary/: result-lines (lines by
 * kind, recovered incidents), rows (the matrix), hangs, skips, disagreements, totals, priorities.
 */
import { summarizeBench } from './bench-summary.js';
import { countVerdicts } from './priority-verdicts.js';
import type { ResultLine } from './result-model.js';
import type { RunMeta } from './run-record.js';
import { disagreementsIn } from './summary/disagreements.js';
import { priorityTables, verdictsBySeverity } from './summary/priorities.js';
import { linesByKind } from './summary/result-lines.js';
import { summaryRows } from './summary/rows.js';
import { summarizeSkips } from './summary/skips.js';
import { summarizeKernelEvents } from './summary/kernel-events.js';
import { coverageVerdicts } from './coverage.js';
import type { RunSummary, Verdict } from './summary/summary-model.js';
import { summaryTotals } from './summary/totals.js';

export type { Disagreement, RunSummary, SkipGroup, SummaryRow, Verdict } from './summary/summary-model.js';
export { describeHang, hangAftermath, outcomeText } from './summary/hangs.js';
export { describeKernelEventSummary, type KernelEventSummary } from './summary/kernel-events.js';

/** Fail on a failed vector, an unbindable driver, an incident or a critical verdict; else pass once the run completed. */
function runVerdict(summary: Pick<RunSummary, 'totals' | 'unbindable' | 'incidents' | 'verdictCounts' | 'kernelEvents'>, complete: boolean): Verdict {
  const failing =
    summary.totals.failed > 0 || summary.unbindable.length > 0 || summary.incidents.length > 0 || summary.verdictCounts.critical > 0 || summary.kernelEvents.some((event) => event.failing);
  return failing ? 'fail' : complete ? 'pass' : 'incomplete';
}

export function summarize(meta: RunMeta, lines: readonly ResultLine[], read: { damagedLines?: number } = {}): RunSummary {
  const byKind = linesByKind(lines);
  const skips = summarizeSkips(byKind.skips);
  const rows = summaryRows(meta, byKind, skips.perAlgorithm);
  const totals = summaryTotals(rows, skips.vectors);
  const bench = summarizeBench(byKind.bench, byKind.tcrypt);
  const priorities = priorityTables(meta, rows, bench);
  // a target checked by a thin set of cases is a warning, never a quiet ok
  const verdicts = verdictsBySeverity(priorities, coverageVerdicts(meta.coverage ?? []));
  const verdictCounts = countVerdicts(verdicts);
  const { unusable, unbindable, incidents, hangs, recovered } = byKind;
  const kernelEvents = summarizeKernelEvents(byKind.kernelEvents, hangs);
  const verdict = runVerdict({ totals, unbindable, incidents, verdictCounts, kernelEvents }, meta.complete);
  return {
    rows,
    disagreements: disagreementsIn(rows, byKind.tallies),
    unusable,
    unbindable,
    incidents,
    hangs,
    recovered,
    kernelEvents,
    coverage: meta.coverage ?? [],
    skips: skips.groups,
    totals,
    ...(bench ? { bench } : {}),
    priorities,
    verdicts,
    verdictCounts,
    verdict,
    exitCode: verdict === 'pass' ? 0 : 1,
    damagedLines: read.damagedLines ?? 0,
  };
}
