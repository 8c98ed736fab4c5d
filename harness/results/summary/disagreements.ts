/** Disagreements: the cases the generic name and at least one driver of the same algorithm did not agree on. */
import type { SplitStrategy } from '../../protocol/messages.js';
import type { CaseFailure, TallyLine } from '../result-model.js';
import { compareText, strategyRank } from './order.js';
import type { Disagreement, SummaryRow } from './summary-model.js';

const caseKey = (source: string, id: string, strategy: SplitStrategy): string => `${source}\0${id}\0${strategy}`;

function disagreementsOf(algorithm: string, rows: readonly SummaryRow[], tallies: readonly TallyLine[]): Disagreement[] {
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

/** Every algorithm's disagreements, in the order of the rows. */
export function disagreementsIn(rows: readonly SummaryRow[], tallies: readonly TallyLine[]): Disagreement[] {
  const byAlgorithm = new Map<string, SummaryRow[]>();
  for (const row of rows) byAlgorithm.set(row.algorithm, [...(byAlgorithm.get(row.algorithm) ?? []), row]);
  const disagreements: Disagreement[] = [];
  for (const [algorithm, algorithmRows] of byAlgorithm) {
    disagreements.push(...disagreementsOf(algorithm, algorithmRows, tallies.filter((line) => line.algorithm === algorithm)));
  }
  return disagreements;
}
