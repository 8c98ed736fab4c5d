/**
 * Runs side by side (kernels, boards): per algorithm, the driver the generic name binds in each
 * run, and per driver its priority, self-test, vector verdict and throughput in each run; then
 * what changed from each run to the next — drivers that appeared or vanished, priorities,
 * bindings, self-tests, verdicts and throughput that moved. What a vendor hands over when a BSP
 * moves from one kernel to the next. Pure: from each run's RunReport.
 */
import type { RunReport } from './run-report.js';
import type { AfAlgReach } from './result-model.js';
import type { PriorityTable } from './priority-verdicts.js';
import type { SummaryRow } from './summary.js';

/** Throughput moved when the later run is this much faster or slower (ratio, either way). */
export const THROUGHPUT_MOVE = 1.2;

export interface ComparedRun {
  /** a short unique name: board and kernel release */
  label: string;
  board: string;
  kernelRelease: string;
  arch: string;
  runId: string;
  verdict: RunReport['verdict'];
  /** why the run did not pass (empty on a pass) */
  reasons: string[];
}

/** How a target did on the vectors: pass, fail (with the count), hang, or not run. */
export type VectorVerdict = 'pass' | 'fail' | 'hang' | 'not run';

export interface DriverInRun {
  priority: number;
  selftest: string;
  module: string;
  verdict: VectorVerdict;
  failed: number;
  /** MB/s at 4 KiB, when the run measured it */
  mbPerSecond?: number;
  /** why AF_ALG cannot reach the driver on that kernel (absent: it can) */
  unreachable?: AfAlgReach['reason'];
}

export interface ComparedDriver {
  driver: string;
  /** one entry per run; undefined: the driver is not in that run's kernel */
  runs: Array<DriverInRun | undefined>;
}

export interface GenericInRun {
  /** the driver the generic name binds (undefined: not proved, or the algorithm is absent) */
  bound?: string;
  verdict: VectorVerdict;
  mbPerSecond?: number;
}

export interface ComparedAlgorithm {
  algorithm: string;
  afalgType?: string;
  /** one entry per run; undefined: the algorithm is not in that run */
  generic: Array<GenericInRun | undefined>;
  /** every public driver of any run, highest priority first */
  drivers: ComparedDriver[];
}

export type ChangeKind = 'appeared' | 'vanished' | 'binding' | 'priority' | 'reach' | 'selftest' | 'verdict' | 'throughput';

export interface Change {
  kind: ChangeKind;
  algorithm: string;
  /** the driver the change is about (absent for the generic name's binding, verdict and throughput) */
  driver?: string;
  /** index of the earlier and the later run */
  from: number;
  to: number;
  before?: string;
  after?: string;
}

export interface RunComparison {
  runs: ComparedRun[];
  algorithms: ComparedAlgorithm[];
  /** every change from each run to the next, in run order, then algorithm and driver */
  changes: Change[];
}

function verdictOf(row: SummaryRow | undefined): VectorVerdict {
  if (!row || !row.ran) return 'not run';
  if (row.hung) return 'hang';
  return row.failed > 0 ? 'fail' : 'pass';
}

function labelsOf(reports: readonly RunReport[]): string[] {
  const base = reports.map((report) => `${report.meta.board.name} ${report.meta.target.kernelRelease}`);
  return base.map((label, index) => (base.filter((other) => other === label).length > 1 ? `${label} #${index + 1}` : label));
}

interface RunIndex {
  rows: Map<string, SummaryRow>;
  priorities: Map<string, PriorityTable>;
}

function indexRun(report: RunReport): RunIndex {
  const rows = new Map(report.summary.rows.map((row) => [`${row.algorithm}\0${row.target}`, row]));
  return { rows, priorities: new Map(report.summary.priorities.map((table) => [table.algorithm, table])) };
}

function algorithmInRun(report: RunReport, index: RunIndex, algorithm: string): { generic?: GenericInRun; drivers: Map<string, DriverInRun> } {
  const discovered = report.meta.discovery.find((entry) => entry.name === algorithm);
  const drivers = new Map<string, DriverInRun>();
  if (!discovered) return { drivers };
  const table = index.priorities.get(algorithm);
  for (const driver of discovered.drivers) {
    if (driver.internal) continue;
    const row = index.rows.get(`${algorithm}\0${driver.driver}`);
    const mb = table?.candidates.find((candidate) => candidate.driver === driver.driver)?.mbPerSecond;
    drivers.set(driver.driver, {
      priority: driver.priority,
      selftest: driver.selftest,
      module: driver.module,
      verdict: verdictOf(row),
      failed: row?.failed ?? 0,
      ...(mb !== undefined ? { mbPerSecond: mb } : {}),
      ...(driver.afalgReach ? { unreachable: driver.afalgReach.reason } : {}),
    });
  }
  const genericRow = index.rows.get(`${algorithm}\0${algorithm}`);
  const bound = discovered.bound ?? table?.selected;
  const mb = table?.genericMbPerSecond;
  return { generic: { ...(bound ? { bound } : {}), verdict: verdictOf(genericRow), ...(mb !== undefined ? { mbPerSecond: mb } : {}) }, drivers };
}

const highestPriority = (driver: ComparedDriver): number => Math.max(...driver.runs.map((run) => run?.priority ?? -Infinity));

function compareAlgorithm(reports: readonly RunReport[], indexes: RunIndex[], algorithm: string): ComparedAlgorithm {
  const perRun = reports.map((report, run) => algorithmInRun(report, indexes[run] as RunIndex, algorithm));
  const names = [...new Set(perRun.flatMap((entry) => [...entry.drivers.keys()]))];
  const drivers = names
    .map((driver) => ({ driver, runs: perRun.map((entry) => entry.drivers.get(driver)) }))
    .sort((a, b) => highestPriority(b) - highestPriority(a) || a.driver.localeCompare(b.driver));
  const afalgType = reports.map((report) => report.meta.discovery.find((entry) => entry.name === algorithm)?.afalgType).find((type) => type !== undefined);
  return { algorithm, ...(afalgType ? { afalgType } : {}), generic: perRun.map((entry) => entry.generic), drivers };
}

/** `reachable`, or why AF_ALG cannot reach the driver (the reason as afalg-reach.ts names it). */
export const reachText = (unreachable: AfAlgReach['reason'] | undefined): string => (unreachable ? `unreachable (${unreachable})` : 'reachable');
const mbText = (mb: number | undefined): string | undefined => (mb === undefined ? undefined : `${mb.toFixed(1)} MB/s`);
const verdictText = (verdict: VectorVerdict, failed: number): string => (verdict === 'fail' ? `fail (${failed})` : verdict);

function throughputMoved(before: number | undefined, after: number | undefined): boolean {
  if (before === undefined || after === undefined || before <= 0 || after <= 0) return false;
  return after / before >= THROUGHPUT_MOVE || before / after >= THROUGHPUT_MOVE;
}

/** A verdict change counts only between two runs that both ran the target. */
const verdictMoved = (before: VectorVerdict, after: VectorVerdict): boolean => before !== after && before !== 'not run' && after !== 'not run';

function driverChanges(algorithm: string, driver: ComparedDriver, from: number, to: number): Change[] {
  const before = driver.runs[from];
  const after = driver.runs[to];
  const base = { algorithm, driver: driver.driver, from, to };
  if (!before && !after) return [];
  if (!before) return [{ kind: 'appeared', ...base, after: `priority ${after?.priority}` }];
  if (!after) return [{ kind: 'vanished', ...base, before: `priority ${before.priority}` }];
  const changes: Change[] = [];
  if (before.priority !== after.priority) changes.push({ kind: 'priority', ...base, before: String(before.priority), after: String(after.priority) });
  if (before.unreachable !== after.unreachable) changes.push({ kind: 'reach', ...base, before: reachText(before.unreachable), after: reachText(after.unreachable) });
  if (before.selftest !== after.selftest) changes.push({ kind: 'selftest', ...base, before: before.selftest, after: after.selftest });
  if (verdictMoved(before.verdict, after.verdict)) changes.push({ kind: 'verdict', ...base, before: verdictText(before.verdict, before.failed), after: verdictText(after.verdict, after.failed) });
  if (throughputMoved(before.mbPerSecond, after.mbPerSecond)) changes.push({ kind: 'throughput', ...base, before: mbText(before.mbPerSecond), after: mbText(after.mbPerSecond) });
  return changes;
}

function genericChanges(compared: ComparedAlgorithm, from: number, to: number): Change[] {
  const before = compared.generic[from] as GenericInRun;
  const after = compared.generic[to] as GenericInRun;
  const base = { algorithm: compared.algorithm, from, to };
  const changes: Change[] = [];
  if (before.bound !== after.bound) changes.push({ kind: 'binding', ...base, before: before.bound ?? 'unproved', after: after.bound ?? 'unproved' });
  if (verdictMoved(before.verdict, after.verdict)) changes.push({ kind: 'verdict', ...base, before: before.verdict, after: after.verdict });
  if (throughputMoved(before.mbPerSecond, after.mbPerSecond)) changes.push({ kind: 'throughput', ...base, before: mbText(before.mbPerSecond), after: mbText(after.mbPerSecond) });
  return changes;
}

/** An algorithm new or gone is one change (its drivers with it); otherwise the generic name's and each driver's. */
function algorithmChanges(compared: ComparedAlgorithm, from: number, to: number): Change[] {
  const before = compared.generic[from];
  const after = compared.generic[to];
  if (!before && !after) return [];
  if (!before || !after) return [{ kind: before ? 'vanished' : 'appeared', algorithm: compared.algorithm, from, to }];
  return [...genericChanges(compared, from, to), ...compared.drivers.flatMap((driver) => driverChanges(compared.algorithm, driver, from, to))];
}

/** The runs side by side, in the order given (the first is the baseline). */
export function compareRuns(reports: readonly RunReport[]): RunComparison {
  const labels = labelsOf(reports);
  const runs: ComparedRun[] = reports.map((report, index) => ({
    label: labels[index] as string,
    board: report.meta.board.name,
    kernelRelease: report.meta.target.kernelRelease,
    arch: report.meta.target.arch,
    runId: report.meta.runId,
    verdict: report.verdict,
    reasons: report.reasons,
  }));
  const indexes = reports.map(indexRun);
  const names = [...new Set(reports.flatMap((report) => report.meta.discovery.filter((entry) => entry.afalgType !== undefined).map((entry) => entry.name)))].sort();
  const algorithms = names.map((algorithm) => compareAlgorithm(reports, indexes, algorithm));
  const changes: Change[] = [];
  for (let to = 1; to < reports.length; to++) {
    for (const compared of algorithms) changes.push(...algorithmChanges(compared, to - 1, to));
  }
  return { runs, algorithms, changes };
}

/** `pass`, or `fail: 1 driver AF_ALG cannot reach on this kernel` */
export function runVerdictText(run: ComparedRun): string {
  return run.reasons.length > 0 ? `${run.verdict}: ${run.reasons.join(', ')}` : run.verdict;
}

/** A change in one line of plain text (reporters add their markup around the same words). */
export function changeSentence(change: Change): string {
  const who = change.driver ? `${change.driver} (${change.algorithm})` : change.algorithm;
  switch (change.kind) {
    case 'appeared':
      return change.driver ? `${who} appeared, ${change.after}` : `${who} appeared`;
    case 'vanished':
      return change.driver ? `${who} vanished (was ${change.before})` : `${who} vanished`;
    case 'binding':
      return `${who}: the generic name binds ${change.after}, was ${change.before}`;
    case 'priority':
      return `${who}: priority ${change.before} → ${change.after}`;
    case 'reach':
      return `${who}: through AF_ALG ${change.before} → ${change.after}`;
    case 'selftest':
      return `${who}: self-test ${change.before} → ${change.after}`;
    case 'verdict':
      return `${change.driver ? who : `${who} (generic name)`}: vectors ${change.before} → ${change.after}`;
    case 'throughput':
      return `${change.driver ? who : `${who} (generic name)`}: ${change.before} → ${change.after} at 4 KiB`;
  }
}
