/** The shapes of a run's summary: the matrix rows, disagreements, skip groups, totals and verdict. */
import type { SplitStrategy } from '../../protocol/messages.js';
import type { BenchSummary } from '../bench-summary.js';
import type { PriorityTable, PriorityVerdict, Severity } from '../priority-verdicts.js';
import type { AcceptableOutcome, CaseFailure, HangLine, IncidentLine, UnbindableLine, UnusableLine } from '../result-model.js';
import type { KernelEventSummary } from './kernel-events.js';
import type { CoverageRow } from '../run-record.js';

export interface SummaryRow {
  algorithm: string;
  /** the name bound with AF_ALG: a unique driver name, or the generic name itself */
  target: string;
  generic: boolean;
  /** generic rows: the driver the generic name bound */
  boundDriver?: string;
  /** driver rows: the driver's priority from discovery */
  priority?: number;
  /** the in-kernel executor ran this driver (absent: AF_ALG) */
  executor?: 'kernel';
  /** false when no result came back for this target (planned, but nothing ran) */
  ran: boolean;
  passed: number;
  failed: number;
  /** vectors of the algorithm the kernel cannot express: they apply to every target */
  skipped: number;
  acceptable: number;
  failures: CaseFailure[];
  acceptables: AcceptableOutcome[];
  /** strategies with at least one failure, in the usual order */
  strategiesFailed: SplitStrategy[];
  /** an operation on this target never returned (itself, or through the generic name bound to it) */
  hung?: boolean;
  /** the kernel report that ended such an operation at once (an oops, a BUG…): its first line */
  fault?: string;
}

/** A case (source + case id + strategy) the generic name and at least one driver did not agree on. */
export interface Disagreement {
  algorithm: string;
  source: string;
  case: string;
  strategy: SplitStrategy;
  /** how the generic name did */
  generic: 'pass' | 'fail';
  /** targets (generic name included) that ran the case and failed it */
  failing: string[];
  /** targets (generic name included) that ran the case and passed it */
  passing: string[];
}

export interface SkipGroup {
  algorithm: string;
  source: string;
  reason: string;
  count: number;
  cases: string[];
}

export type Verdict = 'pass' | 'fail' | 'incomplete';

export interface RunSummary {
  rows: SummaryRow[];
  disagreements: Disagreement[];
  unusable: UnusableLine[];
  unbindable: UnbindableLine[];
  incidents: IncidentLine[];
  /** operations that never returned, in the order they happened */
  hangs: HangLine[];
  /** link losses a resumed run recovered from (listed, not failures) */
  recovered: IncidentLine[];
  /** the kernel's reports (oops, WARNING, lockups…), with the request each came during */
  kernelEvents: KernelEventSummary[];
  /** what the plan exercised per algorithm and target */
  coverage: CoverageRow[];
  skips: SkipGroup[];
  totals: {
    passed: number;
    failed: number;
    /** sum of the rows' skipped (a skipped vector counts once per target) */
    skipped: number;
    /** vectors skipped, counted once whatever the number of targets */
    skippedVectors: number;
    acceptable: number;
    /** algorithms with at least one row */
    algorithms: number;
    /** rows (algorithm × target) */
    targets: number;
  };
  /** throughput, when the run measured it */
  bench?: BenchSummary;
  /** per algorithm: who serves the generic name, every candidate, and the priority verdicts */
  priorities: PriorityTable[];
  /** every priority verdict, most severe first */
  verdicts: PriorityVerdict[];
  verdictCounts: Record<Severity, number>;
  verdict: Verdict;
  /** 0 pass, 1 fail or incomplete */
  exitCode: 0 | 1;
  /** lines of results.jsonl dropped as damaged (a run killed mid-write), as the reader counted them */
  damagedLines: number;
}
