/** Priority selection: a table per algorithm joining discovery with the run's vector and bench evidence, and the verdicts. */
import type { BenchSummary } from '../bench-summary.js';
import { REFERENCE_SIZE, priorityTable, type PriorityTable, type PriorityVerdict, type Severity, type TargetEvidence } from '../priority-verdicts.js';
import { targetKey, type RunMeta } from '../run-record.js';
import { compareText } from './order.js';
import type { SummaryRow } from './summary-model.js';

function severityRank(severity: Severity): number {
  return severity === 'critical' ? 0 : severity === 'warning' ? 1 : 2;
}

/**
 * Priority tables for the algorithms this run is about: those with vector or bench results, and on
 * a run not narrowed by --alg every algorithm discovery listed (AF_ALG-reachable or not: a broken
 * akcipher outranking its software twin is still a finding).
 */
export function priorityTables(meta: RunMeta, rows: readonly SummaryRow[], bench: BenchSummary | undefined): PriorityTable[] {
  const inRun = new Set<string>([...rows.filter((row) => row.ran).map((row) => row.algorithm), ...(bench?.series.map((one) => one.algorithm) ?? [])]);
  const narrowed = (meta.settings.alg?.length ?? 0) > 0;
  const speedAt4k = new Map<string, { mb: number; low: number; high: number; inKernel: boolean }>();
  for (const one of bench?.series ?? []) {
    if (one.engine !== 'agent' || one.path !== 'copy' || one.op === 'decrypt') continue;
    const point = one.points.find((p) => p.size === REFERENCE_SIZE);
    if (point && Number.isFinite(point.mbPerSecond)) speedAt4k.set(targetKey(one.algorithm, one.target), { mb: point.mbPerSecond, low: point.lowMb, high: point.highMb, inKernel: one.executor === 'kernel' });
  }
  const rowOf = new Map(rows.map((row) => [targetKey(row.algorithm, row.target), row]));
  const tables: PriorityTable[] = [];
  for (const algorithm of meta.discovery) {
    if (!inRun.has(algorithm.name) && (narrowed || algorithm.drivers.filter((driver) => !driver.internal).length < 1)) continue;
    const evidence = (target: string): TargetEvidence => {
      const key = targetKey(algorithm.name, target);
      const row = rowOf.get(key);
      const speed = speedAt4k.get(key);
      return {
        ...(row?.ran ? { correct: row.failed === 0, failed: row.failed } : {}),
        ...(row?.hung ? { hung: true } : {}),
        ...(row?.fault !== undefined ? { fault: row.fault } : {}),
        ...(speed !== undefined ? { mbPerSecond: speed.mb, mbLow: speed.low, mbHigh: speed.high, ...(speed.inKernel ? { measuredInKernel: true } : {}) } : {}),
      };
    };
    const table = priorityTable(algorithm, evidence);
    // algorithms outside the run are listed only when they have something to say
    if (!inRun.has(algorithm.name) && table.verdicts.every((verdict) => verdict.severity === 'info')) continue;
    tables.push(table);
  }
  return tables.sort((a, b) => compareText(a.algorithm, b.algorithm));
}

/** Every table's verdicts, most severe first. */
export function verdictsBySeverity(tables: readonly PriorityTable[], others: readonly PriorityVerdict[] = []): PriorityVerdict[] {
  return [...tables.flatMap((table) => table.verdicts), ...others].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
}
