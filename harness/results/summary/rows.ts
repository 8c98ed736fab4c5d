/**
 * The matrix: one row per algorithm × target. Every target that reported (tallies, hangs), plus
 * every target the plan would have had but that never reported; each row charged with its
 * algorithm's skips, and given its bound driver or priority from discovery.
 */
import { matchesAny } from '../../plan/name-pattern.js';
import { type HangLine, type TallyLine } from '../result-model.js';
import { targetKey, type DiscoveredAlgorithmSummary, type RunMeta } from '../run-record.js';
import { hangFailures } from './hangs.js';
import { compareText, strategyRank } from './order.js';
import type { LinesByKind } from './result-lines.js';
import type { SummaryRow } from './summary-model.js';

type RowOf = (algorithm: string, target: string, generic: boolean) => SummaryRow;

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

function addTallies(rowOf: RowOf, tallies: readonly TallyLine[]): void {
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
}

function addHangs(rowOf: RowOf, hangs: readonly HangLine[]): void {
  for (const hang of hangs) {
    for (const one of hangFailures(hang)) {
      const row = rowOf(hang.algorithm, one.target, one.generic);
      row.ran = true;
      row.hung = true;
      if (hang.fault !== undefined) row.fault = hang.fault;
      row.failed += 1;
      row.failures.push(one.failure);
      if (one.generic && hang.boundDriver && !row.boundDriver) row.boundDriver = hang.boundDriver;
    }
  }
}

/** Rows for the planned-but-silent targets of the algorithms in the vector run, unless reported unbindable. */
function addPlannedTargets(rowOf: RowOf, meta: RunMeta, lines: LinesByKind, discovered: Map<string, DiscoveredAlgorithmSummary>): void {
  for (const algorithm of lines.algorithmsInRun) {
    const found = discovered.get(algorithm);
    if (!found) continue;
    for (const { target, generic } of plannedTargets(found, meta.settings.driver)) {
      if (lines.unbindable.some((line) => line.algorithm === algorithm && line.target === target)) continue;
      rowOf(algorithm, target, generic);
    }
  }
}

/** Skips, the bound driver (generic rows) or the priority (driver rows) from discovery, and the failed strategies. */
function completeRow(row: SummaryRow, discovered: Map<string, DiscoveredAlgorithmSummary>, skippedPerAlgorithm: ReadonlyMap<string, number>): void {
  row.skipped = skippedPerAlgorithm.get(row.algorithm) ?? 0;
  if (row.generic) {
    row.boundDriver ??= discovered.get(row.algorithm)?.bound;
    if (row.boundDriver === undefined) delete row.boundDriver;
  } else {
    const priority = discovered.get(row.algorithm)?.drivers.find((d) => d.driver === row.target)?.priority;
    if (priority !== undefined) row.priority = priority;
  }
  const failedStrategies = new Set(row.failures.map((failure) => failure.strategy));
  row.strategiesFailed = [...failedStrategies].sort((a, b) => strategyRank(a) - strategyRank(b));
}

/** By algorithm; the generic name first, then drivers by priority, then by name. */
function compareRows(a: SummaryRow, b: SummaryRow): number {
  return (
    compareText(a.algorithm, b.algorithm) ||
    Number(b.generic) - Number(a.generic) ||
    (b.priority ?? Number.NEGATIVE_INFINITY) - (a.priority ?? Number.NEGATIVE_INFINITY) ||
    compareText(a.target, b.target)
  );
}

export function summaryRows(meta: RunMeta, lines: LinesByKind, skippedPerAlgorithm: ReadonlyMap<string, number>): SummaryRow[] {
  const discovered = new Map(meta.discovery.map((algorithm) => [algorithm.name, algorithm]));
  const rows = new Map<string, SummaryRow>();
  const rowOf: RowOf = (algorithm, target, generic) => {
    const key = targetKey(algorithm, target);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = newRow(algorithm, target, generic)));
    return row;
  };
  addTallies(rowOf, lines.tallies);
  addHangs(rowOf, lines.hangs);
  addPlannedTargets(rowOf, meta, lines, discovered);
  for (const row of rows.values()) completeRow(row, discovered, skippedPerAlgorithm);
  return [...rows.values()].sort(compareRows);
}
