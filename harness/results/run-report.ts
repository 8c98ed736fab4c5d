/**
 * The RunReport: everything a reporter renders, computed once from the results files — the
 * summary, the drivers-spec evaluation, the final verdict, its exit code and why. Reporters
 * (reports/) only render it; nothing downstream recomputes a verdict.
 */
import type { ResultLine } from './result-model.js';
import type { RunMeta } from './run-record.js';
import { readRun } from './results-reader.js';
import { summarize, type RunSummary, type Verdict } from './summary.js';
import { specVerdictOf, type SpecVerdict } from '../spec/drivers-spec.js';

export interface RunReport {
  meta: RunMeta;
  summary: RunSummary;
  /** the drivers-spec stored with the run, evaluated against the results */
  spec?: SpecVerdict;
  /** the run's verdict once the drivers-spec counts: an unmet requirement fails the run */
  verdict: Verdict;
  exitCode: 0 | 1;
  /** why the run did not pass, one short phrase each (empty on a pass) */
  reasons: string[];
}

function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

function failureReasons(summary: RunSummary, meta: RunMeta, spec: SpecVerdict | undefined): string[] {
  const reasons: string[] = [];
  if (summary.totals.failed > 0) reasons.push(plural(summary.totals.failed, 'failed execution'));
  if (summary.hangs.length > 0) reasons.push(plural(summary.hangs.length, 'hang'));
  const unreachable = summary.unbindable.filter((line) => line.afalgReach).length;
  if (unreachable > 0) reasons.push(plural(unreachable, 'driver AF_ALG cannot reach on this kernel', 'drivers AF_ALG cannot reach on this kernel'));
  if (summary.unbindable.length > unreachable) reasons.push(plural(summary.unbindable.length - unreachable, 'driver that cannot be bound', 'drivers that cannot be bound'));
  if (summary.incidents.length > 0) reasons.push(plural(summary.incidents.length, 'incident'));
  const kernelFailing = summary.kernelEvents.filter((event) => event.failing).length;
  if (kernelFailing > 0) reasons.push(plural(kernelFailing, 'kernel report (oops, BUG, WARNING…) during a request', 'kernel reports (oops, BUG, WARNING…) during requests'));
  if (summary.verdictCounts.critical > 0) reasons.push(plural(summary.verdictCounts.critical, 'critical priority verdict'));
  if (spec && spec.unmet > 0) reasons.push(`${plural(spec.unmet, 'unmet requirement')} of drivers-spec ${spec.spec}`);
  if (!meta.complete) reasons.push('the run did not finish');
  return reasons;
}

/** The report of a run from its metadata and result lines (what `readRunReport` reads from disk). */
export function buildRunReport(meta: RunMeta, lines: readonly ResultLine[], options: { damagedLines?: number } = {}): RunReport {
  return runReportOf(meta, summarize(meta, [...lines], options));
}

/** The report of a run whose summary is already made. */
export function runReportOf(meta: RunMeta, summary: RunSummary): RunReport {
  const spec = specVerdictOf(meta, summary);
  const specFails = spec !== undefined && spec.unmet > 0;
  const verdict: Verdict = specFails ? 'fail' : summary.verdict;
  const exitCode: 0 | 1 = specFails ? 1 : summary.exitCode;
  return { meta, summary, ...(spec ? { spec } : {}), verdict, exitCode, reasons: exitCode === 0 ? [] : failureReasons(summary, meta, spec) };
}

/** The report of the run in `dir`, from run.json and results.jsonl alone. */
export function readRunReport(dir: string): RunReport {
  const { meta, lines, damagedLines } = readRun(dir);
  return buildRunReport(meta, lines, { damagedLines });
}

/** What the exit code says about this run, in a sentence. */
export function verdictSentence(report: RunReport): string {
  if (report.exitCode === 0) {
    const checks = 'the run is complete, every execution passed, every driver could be bound, nothing went wrong on the target';
    return report.spec
      ? `pass: ${checks}, no priority verdict is critical, and every requirement of drivers-spec ${report.spec.spec} is met.`
      : `pass: ${checks}, and no priority verdict is critical.`;
  }
  const reasons = report.reasons.length > 0 ? report.reasons.join(', ') : 'see the details below';
  return `${report.verdict === 'incomplete' ? 'incomplete' : 'fail'}: ${reasons}.`;
}
