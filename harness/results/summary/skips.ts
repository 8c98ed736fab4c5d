/** Skipped vectors: grouped per algorithm, source and reason, and counted per algorithm (a skip applies to every target). */
import type { SkipLine } from '../result-model.js';
import { compareText } from './order.js';
import type { SkipGroup } from './summary-model.js';

export interface SkipSummary {
  /** sorted by algorithm, source, reason */
  groups: SkipGroup[];
  /** vectors skipped per algorithm */
  perAlgorithm: Map<string, number>;
  /** vectors skipped in all */
  vectors: number;
}

export function summarizeSkips(lines: readonly SkipLine[]): SkipSummary {
  const perAlgorithm = new Map<string, number>();
  const groups = new Map<string, SkipGroup>();
  for (const line of lines) {
    perAlgorithm.set(line.algorithm, (perAlgorithm.get(line.algorithm) ?? 0) + line.count);
    const key = `${line.algorithm}\0${line.source}\0${line.reason}`;
    const group = groups.get(key);
    if (group) {
      group.count += line.count;
      for (const id of line.cases) if (!group.cases.includes(id)) group.cases.push(id);
    } else {
      groups.set(key, { algorithm: line.algorithm, source: line.source, reason: line.reason, count: line.count, cases: [...line.cases] });
    }
  }
  return {
    groups: [...groups.values()].sort((a, b) => compareText(a.algorithm, b.algorithm) || compareText(a.source, b.source) || compareText(a.reason, b.reason)),
    perAlgorithm,
    vectors: lines.reduce((sum, line) => sum + line.count, 0),
  };
}
