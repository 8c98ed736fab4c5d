/** `afalg-harness compare` in the terminal: the runs, what changed from each to the next by kind, then the algorithms side by side. */
import { changeSentence, runVerdictText, type ComparedAlgorithm, type RunComparison } from '../harness/results/run-comparison.js';
import { driverCellText, genericCellText } from './compare-cells.js';
import { splitAlgorithms, stepGroups } from './compare-outline.js';
import { plural, printable } from './format.js';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function algorithmTable(compared: ComparedAlgorithm, runs: number, tested: boolean): string[] {
  const rows = [
    ['generic name', ...compared.generic.map((cell) => genericCellText(cell, tested))],
    ...compared.drivers.map((driver) => [driver.driver, ...driver.runs.map((cell) => driverCellText(cell, tested))]),
  ];
  const widths = Array.from({ length: runs + 1 }, (_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return [`${compared.algorithm}${compared.afalgType ? `  [${compared.afalgType}]` : ''}`, ...rows.map((row) => `  ${row.map((cell, column) => pad(printable(cell), widths[column] ?? 0)).join('  ').trimEnd()}`)];
}

function stepLines(comparison: RunComparison, to: number): string[] {
  const groups = stepGroups(comparison, to);
  const count = groups.reduce((sum, group) => sum + group.changes.length, 0);
  const out = [`[${to}] → [${to + 1}]: ${count === 0 ? 'no change' : plural(count, 'change')}`];
  for (const group of groups) out.push(`  ${group.title} (${group.changes.length}):`, ...group.changes.map((change) => `    ${printable(changeSentence(change))}`));
  return [...out, ''];
}

export function renderComparisonTerminal(comparison: RunComparison): string {
  const { runs } = comparison;
  const out = [`comparing ${plural(runs.length, 'run')}:`, ...runs.map((run, index) => `  [${index + 1}] ${run.label} (${run.arch}, run ${run.runId}, ${runVerdictText(run)})`), ''];
  for (let to = 1; to < runs.length; to++) out.push(...stepLines(comparison, to));
  const split = splitAlgorithms(comparison);
  out.push(`side by side (cells: priority · vectors · MB/s at 4 KiB; generic name: → the driver it binds), columns [1]…[${runs.length}]:`, '');
  for (const compared of split.tested) out.push(...algorithmTable(compared, runs.length, true), '');
  if (split.changedUntested.length > 0) {
    out.push(`discovered but not tested, changed (cells: priority; generic name: → the driver it binds):`, '');
    for (const compared of split.changedUntested) out.push(...algorithmTable(compared, runs.length, false), '');
  }
  if (split.sameUntested.length > 0) out.push(`discovered but not tested, the same in every run: ${split.sameUntested.map((compared) => compared.algorithm).join(', ')}`, '');
  return out.join('\n');
}
