/** `afalg-harness compare` in the terminal: the runs, what changed from each to the next, then every algorithm side by side. */
import { changeSentence, type ComparedAlgorithm, type RunComparison } from '../harness/results/run-comparison.js';
import { driverCellText, genericCellText } from './compare-cells.js';
import { plural, printable } from './format.js';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function algorithmTable(compared: ComparedAlgorithm, runs: number): string[] {
  const rows = [
    ['generic name', ...compared.generic.map(genericCellText)],
    ...compared.drivers.map((driver) => [driver.driver, ...driver.runs.map(driverCellText)]),
  ];
  const widths = Array.from({ length: runs + 1 }, (_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return [`${compared.algorithm}${compared.afalgType ? `  [${compared.afalgType}]` : ''}`, ...rows.map((row) => `  ${row.map((cell, column) => pad(printable(cell), widths[column] ?? 0)).join('  ').trimEnd()}`)];
}

export function renderComparisonTerminal(comparison: RunComparison): string {
  const { runs, changes, algorithms } = comparison;
  const out = [`comparing ${plural(runs.length, 'run')}:`, ...runs.map((run, index) => `  [${index + 1}] ${run.label} (${run.arch}, run ${run.runId}, ${run.verdict})`), ''];
  for (let to = 1; to < runs.length; to++) {
    const step = changes.filter((change) => change.to === to);
    out.push(`[${to}] → [${to + 1}]: ${step.length === 0 ? 'no change' : plural(step.length, 'change')}`);
    out.push(...step.map((change) => `  ${printable(changeSentence(change))}`));
    out.push('');
  }
  out.push(`side by side (cells: priority · vectors · MB/s at 4 KiB; generic name: → the driver it binds), columns [1]…[${runs.length}]:`, '');
  for (const compared of algorithms) out.push(...algorithmTable(compared, runs.length), '');
  return out.join('\n');
}
