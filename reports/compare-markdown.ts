/** `afalg-harness compare --markdown FILE`: the same comparison as a Markdown document. */
import { changeSentence, type RunComparison } from '../harness/results/run-comparison.js';
import { driverCellText, genericCellText } from './compare-cells.js';
import { plural } from './format.js';
// mdText lives in markdown.ts (summary.md's escaping); it belongs in format.ts once both are merged
import { mdText } from './format.js';

const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;

export function renderComparisonMarkdown(comparison: RunComparison): string {
  const { runs, changes, algorithms } = comparison;
  const heads = runs.map((run, index) => `[${index + 1}] ${mdText(run.label)}`);
  const out = [
    '# Crypto drivers across runs',
    '',
    row(['', 'board', 'kernel', 'arch', 'run', 'verdict']),
    row(['---', '---', '---', '---', '---', '---']),
    ...runs.map((run, index) => row([`[${index + 1}]`, mdText(run.board), mdText(run.kernelRelease), mdText(run.arch), mdText(run.runId), run.verdict])),
    '',
    '## Changes',
    '',
  ];
  for (let to = 1; to < runs.length; to++) {
    const step = changes.filter((change) => change.to === to);
    out.push(`### [${to}] → [${to + 1}]: ${step.length === 0 ? 'no change' : plural(step.length, 'change')}`, '');
    out.push(...step.map((change) => `- **${change.kind}** ${mdText(changeSentence(change))}`));
    if (step.length > 0) out.push('');
  }
  out.push('## Side by side', '', 'Cells: priority · vectors · MB/s at 4 KiB; the generic name: → the driver it binds; — not in that kernel.', '');
  for (const compared of algorithms) {
    out.push(`### ${mdText(compared.algorithm)}${compared.afalgType ? ` (${compared.afalgType})` : ''}`, '');
    out.push(row(['driver', ...heads]), row(['---', ...heads.map(() => '---')]));
    out.push(row(['*generic name*', ...compared.generic.map((cell) => mdText(genericCellText(cell)))]));
    out.push(...compared.drivers.map((driver) => row([mdText(driver.driver), ...driver.runs.map((cell) => mdText(driverCellText(cell)))])), '');
  }
  return out.join('\n');
}
