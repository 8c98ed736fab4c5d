/**
 * A run's results folded into what reports show: one row per algorithm × target, the cases where
 * the generic name and a driver disagree, the notes (skips, unusable files, unbindable drivers,
 * incidents), totals and the verdict. Pure: from run.json and results.jsonl alone.
 */
import type { SplitStrategy } from '../protocol/messages.js';
import { matchesAny } from '../plan/name-pattern.js';
import { summarizeBench, type BenchSummary } from './bench-summary.js';
import { REFERENCE_SIZE, countVerdicts, priorityTable, type PriorityTable, type PriorityVerdict, type Severity, type TargetEvidence } from './priority-verdicts.js';
import type {
  AcceptableOutcome,
  BenchLine,
  TcryptLine,
  CaseFailure,
  DiscoveredAlgorithmSummary,
  HangLine,
  IncidentLine,
  ResultLine,
  RunMeta,
  SkipLine,
  TallyLine,
  UnbindableLine,
  UnusableLine,
} from './result-model.js';

const STRATEGY_ORDER: readonly SplitStrategy[] = ['oneshot', 'chunks', 'page-cross', 'inplace'];

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

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function strategyRank(strategy: SplitStrategy): number {
  const rank = STRATEGY_ORDER.indexOf(strategy);
  return rank < 0 ? STRATEGY_ORDER.length : rank;
}

function newRow(algorithm: string, target: string, generic: boolean): SummaryRow {
  return { algorithm, target, generic, ran: false, passed: 0, failed: 0, skipped: 0, acceptable: 0, failures: [], acceptables: [], strategiesFailed: [] };
}

/** The targets the planner would have made for an algorithm: the generic name, then every bindable public driver. */
function plannedTargets(discovered: DiscoveredAlgorithmSummary, driverPatterns: string[] | undefined): Array<{ target: string; generic: boolean }> {
  const targets: Array<{ target: string; generic: boolean }> = [];
  if (!driverPatterns || driverPatterns.length === 0 || matchesAny(discovered.name, driverPatterns)) targets.push({ target: discovered.name, generic: true });
  for (const driver of discovered.drivers) {
    if (driver.internal || driver.bind !== 'ok' || !matchesAny(driver.driver, driverPatterns)) continue;
    targets.push({ target: driver.driver, generic: false });
  }
  return targets;
}

const caseKey = (source: string, id: string, strategy: SplitStrategy): string => `${source}\0${id}\0${strategy}`;

function disagreementsOf(algorithm: string, rows: SummaryRow[], tallies: TallyLine[]): Disagreement[] {
  const generic = rows.find((row) => row.generic);
  if (!generic || rows.length < 2) return [];
  // which source × strategy each target ran: a case counts only for targets that ran it
  const ran = new Map<string, Set<string>>();
  for (const line of tallies) {
    let set = ran.get(line.target);
    if (!set) ran.set(line.target, (set = new Set()));
    set.add(`${line.source}\0${line.strategy}`);
  }
  const failedBy = new Map<string, { failure: CaseFailure; targets: Set<string> }>();
  for (const row of rows) {
    for (const failure of row.failures) {
      const key = caseKey(failure.source, failure.case, failure.strategy);
      let entry = failedBy.get(key);
      if (!entry) failedBy.set(key, (entry = { failure, targets: new Set() }));
      entry.targets.add(row.target);
    }
  }
  const out: Disagreement[] = [];
  for (const { failure, targets } of failedBy.values()) {
    const ranIt = rows.filter((row) => ran.get(row.target)?.has(`${failure.source}\0${failure.strategy}`));
    if (!ranIt.some((row) => row.target === generic.target)) continue;
    const failing = ranIt.filter((row) => targets.has(row.target)).map((row) => row.target);
    const passing = ranIt.filter((row) => !targets.has(row.target)).map((row) => row.target);
    if (failing.length === 0 || passing.length === 0) continue;
    out.push({ algorithm, source: failure.source, case: failure.case, strategy: failure.strategy, generic: targets.has(generic.target) ? 'fail' : 'pass', failing, passing });
  }
  return out.sort((a, b) => compareText(a.source, b.source) || compareText(a.case, b.case) || strategyRank(a.strategy) - strategyRank(b.strategy));
}

export function summarize(meta: RunMeta, lines: readonly ResultLine[], read: { damagedLines?: number } = {}): RunSummary {
  const tallies: TallyLine[] = [];
  const skipLines: SkipLine[] = [];
  const unusable: UnusableLine[] = [];
  const unbindable: UnbindableLine[] = [];
  const incidents: IncidentLine[] = [];
  const hangs: HangLine[] = [];
  const benchLines: BenchLine[] = [];
  const tcryptLines: TcryptLine[] = [];
  // a link lost before the last resume was recovered from: that attempt's incident does not fail the run
  const lastResume = lines.reduce((at, line, index) => (line.kind === 'resumed' ? index : at), -1);
  const recovered: IncidentLine[] = [];
  lines.forEach((line, index) => {
    if (line.kind === 'incident' && line.link && index < lastResume) recovered.push(line);
  });
  for (const line of lines) {
    switch (line.kind) {
      case 'tally':
        tallies.push(line);
        break;
      case 'skip':
        skipLines.push(line);
        break;
      case 'unusable':
        unusable.push(line);
        break;
      case 'unbindable':
        unbindable.push(line);
        break;
      case 'incident':
        if (!recovered.includes(line)) incidents.push(line);
        break;
      case 'hang':
        hangs.push(line);
        break;
      case 'bench':
        benchLines.push(line);
        break;
      case 'tcrypt':
        tcryptLines.push(line);
        break;
    }
  }

  const discovered = new Map(meta.discovery.map((algorithm) => [algorithm.name, algorithm]));
  const priorityOf = (algorithm: string, driver: string): number | undefined =>
    discovered.get(algorithm)?.drivers.find((d) => d.driver === driver)?.priority;

  // rows: every target that reported, plus every target the plan would have had but that never did
  const rows = new Map<string, SummaryRow>();
  const rowKey = (algorithm: string, target: string): string => `${algorithm}\0${target}`;
  const rowOf = (algorithm: string, target: string, generic: boolean): SummaryRow => {
    const key = rowKey(algorithm, target);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = newRow(algorithm, target, generic)));
    return row;
  };
  for (const line of tallies) {
    const row = rowOf(line.algorithm, line.target, line.generic);
    row.ran = true;
    row.passed += line.passed;
    row.failed += line.failed;
    row.acceptable += line.acceptable;
    row.failures.push(...line.failures);
    row.acceptables.push(...(line.acceptables ?? []));
    if (line.boundDriver && !row.boundDriver) row.boundDriver = line.boundDriver;
    if (line.executor) row.executor = line.executor;
  }
  // a hang is a failure of the target that hung and, through a generic name, of the driver bound to it
  for (const hang of hangs) {
    const failure: CaseFailure = {
      source: hang.source,
      case: hang.case,
      strategy: hang.strategy,
      status: 'hang',
      expectation: hang.expectation ?? 'valid',
      ...(hang.op !== undefined ? { op: hang.op } : {}),
      error: `no answer within ${hang.seconds} s (${hang.bytes} bytes)`,
      ...(hang.seed !== undefined ? { seed: hang.seed } : {}),
    };
    const hungRows: Array<{ target: string; generic: boolean; failure: CaseFailure }> = [{ target: hang.target, generic: hang.generic, failure }];
    if (hang.generic && hang.boundDriver) hungRows.push({ target: hang.boundDriver, generic: false, failure: { ...failure, comment: `through the generic name ${hang.target}` } });
    for (const one of hungRows) {
      const row = rowOf(hang.algorithm, one.target, one.generic);
      row.ran = true;
      row.hung = true;
      row.failed += 1;
      row.failures.push(one.failure);
      if (one.generic && hang.boundDriver && !row.boundDriver) row.boundDriver = hang.boundDriver;
    }
  }
  const algorithmsInRun = new Set<string>();
  // targets of the vector run (a bench-only run plans no vector rows)
  for (const line of lines) if ((line.kind === 'tally' || line.kind === 'skip' || line.kind === 'unusable' || line.kind === 'unbindable' || line.kind === 'incident' || line.kind === 'hang') && line.algorithm !== undefined) algorithmsInRun.add(line.algorithm);
  for (const algorithm of algorithmsInRun) {
    const found = discovered.get(algorithm);
    if (!found) continue;
    for (const { target, generic } of plannedTargets(found, meta.settings.driver)) {
      // a planned-but-silent target, unless it was reported unbindable
      if (unbindable.some((line) => line.algorithm === algorithm && line.target === target)) continue;
      rowOf(algorithm, target, generic);
    }
  }

  const skippedPerAlgorithm = new Map<string, number>();
  const skipGroups = new Map<string, SkipGroup>();
  for (const line of skipLines) {
    skippedPerAlgorithm.set(line.algorithm, (skippedPerAlgorithm.get(line.algorithm) ?? 0) + line.count);
    const key = `${line.algorithm}\0${line.source}\0${line.reason}`;
    const group = skipGroups.get(key);
    if (group) {
      group.count += line.count;
      for (const id of line.cases) if (!group.cases.includes(id)) group.cases.push(id);
    } else {
      skipGroups.set(key, { algorithm: line.algorithm, source: line.source, reason: line.reason, count: line.count, cases: [...line.cases] });
    }
  }

  for (const row of rows.values()) {
    row.skipped = skippedPerAlgorithm.get(row.algorithm) ?? 0;
    if (row.generic) {
      row.boundDriver ??= discovered.get(row.algorithm)?.bound;
      if (row.boundDriver === undefined) delete row.boundDriver;
    } else {
      const priority = priorityOf(row.algorithm, row.target);
      if (priority !== undefined) row.priority = priority;
    }
    const failedStrategies = new Set(row.failures.map((failure) => failure.strategy));
    row.strategiesFailed = [...failedStrategies].sort((a, b) => strategyRank(a) - strategyRank(b));
  }

  const sortedRows = [...rows.values()].sort(
    (a, b) =>
      compareText(a.algorithm, b.algorithm) ||
      Number(b.generic) - Number(a.generic) ||
      (b.priority ?? Number.NEGATIVE_INFINITY) - (a.priority ?? Number.NEGATIVE_INFINITY) ||
      compareText(a.target, b.target),
  );

  const disagreements: Disagreement[] = [];
  const byAlgorithm = new Map<string, SummaryRow[]>();
  for (const row of sortedRows) byAlgorithm.set(row.algorithm, [...(byAlgorithm.get(row.algorithm) ?? []), row]);
  for (const [algorithm, algorithmRows] of byAlgorithm) {
    disagreements.push(...disagreementsOf(algorithm, algorithmRows, tallies.filter((line) => line.algorithm === algorithm)));
  }

  const totals = {
    passed: 0,
    failed: 0,
    skipped: 0,
    skippedVectors: skipLines.reduce((sum, line) => sum + line.count, 0),
    acceptable: 0,
    algorithms: byAlgorithm.size,
    targets: sortedRows.length,
  };
  for (const row of sortedRows) {
    totals.passed += row.passed;
    totals.failed += row.failed;
    totals.skipped += row.skipped;
    totals.acceptable += row.acceptable;
  }

  const bench = summarizeBench(benchLines, tcryptLines);
  const priorities = priorityTables(meta, sortedRows, bench);
  const verdicts = priorities.flatMap((table) => table.verdicts).sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  const verdictCounts = countVerdicts(verdicts);

  const failing = totals.failed > 0 || unbindable.length > 0 || incidents.length > 0 || verdictCounts.critical > 0;
  const verdict: Verdict = failing ? 'fail' : meta.complete ? 'pass' : 'incomplete';

  return {
    rows: sortedRows,
    disagreements,
    unusable,
    unbindable,
    incidents,
    hangs,
    recovered,
    skips: [...skipGroups.values()].sort((a, b) => compareText(a.algorithm, b.algorithm) || compareText(a.source, b.source) || compareText(a.reason, b.reason)),
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

/** How a failed execution went, in words. */
export function outcomeText(status: CaseFailure['status']): string {
  return status === 'hang' ? 'no answer (hang)' : status === 'error' ? 'unexpected error' : 'wrong answer';
}

/** One line for a hang: who, what request, how long. */
export function describeHang(line: HangLine): string {
  const through = line.generic && line.boundDriver ? ` (bound to ${line.boundDriver})` : '';
  return `${line.target}${through} hung: ${line.op ?? 'an operation'} of ${line.bytes} bytes, ${line.source} ${line.case} [${line.strategy}], no answer within ${line.seconds} s`;
}

/** What the harness did about a hang. */
export function hangAftermath(line: HangLine): string {
  return line.then === 'restarted' ? 'the target was restarted and the run went on without it' : 'the run stopped here';
}

function severityRank(severity: Severity): number {
  return severity === 'critical' ? 0 : severity === 'warning' ? 1 : 2;
}

/**
 * Priority tables for the algorithms this run is about: those with vector or bench results, and on
 * a run not narrowed by --alg every algorithm discovery listed (AF_ALG-reachable or not: a broken
 * akcipher outranking its software twin is still a finding).
 */
function priorityTables(meta: RunMeta, rows: readonly SummaryRow[], bench: BenchSummary | undefined): PriorityTable[] {
  const inRun = new Set<string>([...rows.filter((row) => row.ran).map((row) => row.algorithm), ...(bench?.series.map((one) => one.algorithm) ?? [])]);
  const narrowed = (meta.settings.alg?.length ?? 0) > 0;
  const speedAt4k = new Map<string, number>();
  for (const one of bench?.series ?? []) {
    if (one.engine !== 'agent' || one.path !== 'copy' || one.op === 'decrypt') continue;
    const point = one.points.find((p) => p.size === REFERENCE_SIZE);
    if (point && Number.isFinite(point.mbPerSecond)) speedAt4k.set(`${one.algorithm}\0${one.target}`, point.mbPerSecond);
  }
  const rowOf = new Map(rows.map((row) => [`${row.algorithm}\0${row.target}`, row]));
  const tables: PriorityTable[] = [];
  for (const algorithm of meta.discovery) {
    if (!inRun.has(algorithm.name) && (narrowed || algorithm.drivers.filter((driver) => !driver.internal).length < 1)) continue;
    const evidence = (target: string): TargetEvidence => {
      const key = `${algorithm.name}\0${target}`;
      const row = rowOf.get(key);
      const mb = speedAt4k.get(key);
      return {
        ...(row?.ran ? { correct: row.failed === 0, failed: row.failed } : {}),
        ...(row?.hung ? { hung: true } : {}),
        ...(mb !== undefined ? { mbPerSecond: mb } : {}),
      };
    };
    const table = priorityTable(algorithm, evidence);
    // algorithms outside the run are listed only when they have something to say
    if (!inRun.has(algorithm.name) && table.verdicts.every((verdict) => verdict.severity === 'info')) continue;
    tables.push(table);
  }
  return tables.sort((a, b) => compareText(a.algorithm, b.algorithm));
}
