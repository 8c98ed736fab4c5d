/** `afalg-harness compare --markdown FILE`: the same comparison as a Markdown document. */
import { changeSentence, runVerdictText, type ComparedAlgorithm, type RunComparison } from '../harness/results/run-comparison.js';
import { driverCellText, genericCellText } from './compare-cells.js';
import { changeCounts, runsLine, splitAlgorithms, stepGroups } from './compare-outline.js';
import { plural } from './format.js';
// mdText lives in markdown.ts (summary.md's escaping); it belongs in format.ts once both are merged
import { mdText } from './format.js';

const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;

function algorithmTable(compared: ComparedAlgorithm, heads: string[], tested: boolean): string[] {
  return [
    `### ${mdText(compared.algorithm)}${compared.afalgType ? ` (${compared.afalgType})` : ''}`,
    '',
    row(['driver', ...heads]),
    row(['---', ...heads.map(() => '---')]),
    row(['*generic name*', ...compared.generic.map((cell) => mdText(genericCellText(cell, tested)))]),
    ...compared.drivers.map((driver) => row([mdText(driver.driver), ...driver.runs.map((cell) => mdText(driverCellText(cell, tested)))])),
    '',
  ];
}

function atAGlance(comparison: RunComparison): string[] {
  const steps = comparison.runs.slice(1).map((_, index) => `[${index + 1}] → [${index + 2}]`);
  const counts = changeCounts(comparison);
  if (counts.length === 0) return ['No change between the runs.', ''];
  return [row(['changes', ...steps]), row(['---', ...steps.map(() => '---:')]), ...counts.map((entry) => row([entry.title, ...entry.counts.map((count) => (count === 0 ? '' : String(count)))])), ''];
}

function changesOfStep(comparison: RunComparison, to: number): string[] {
  const groups = stepGroups(comparison, to);
  const count = groups.reduce((sum, group) => sum + group.changes.length, 0);
  const out = [`### [${to}] → [${to + 1}]: ${count === 0 ? 'no change' : plural(count, 'change')}`, ''];
  for (const group of groups) out.push(`**${group.title}** (${group.changes.length})`, '', ...group.changes.map((change) => `- ${mdText(changeSentence(change))}`), '');
  return out;
}

export function renderComparisonMarkdown(comparison: RunComparison): string {
  const { runs } = comparison;
  const heads = runs.map((run, index) => `[${index + 1}] ${mdText(run.label)}`);
  const out = [
    `# Crypto drivers across ${plural(runs.length, 'run')}`,
    '',
    mdText(runsLine(comparison)),
    '',
    row(['', 'board', 'kernel', 'arch', 'run', 'verdict']),
    row(['---', '---', '---', '---', '---', '---']),
    ...runs.map((run, index) => row([`[${index + 1}]`, mdText(run.board), mdText(run.kernelRelease), mdText(run.arch), mdText(run.runId), mdText(runVerdictText(run))])),
    '',
    '## At a glance',
    '',
    ...atAGlance(comparison),
    '## Changes',
    '',
  ];
  for (let to = 1; to < runs.length; to++) out.push(...changesOfStep(comparison, to));
  const split = splitAlgorithms(comparison);
  out.push('## Side by side: the algorithms the runs tested', '', 'Cells: priority · vectors · MB/s at 4 KiB; the generic name: → the driver it binds; — not in that kernel.', '');
  for (const compared of split.tested) out.push(...algorithmTable(compared, heads, true));
  if (split.changedUntested.length > 0) {
    out.push('## Side by side: discovered, not tested, changed', '', 'Cells: priority; the generic name: → the driver it binds; — not in that kernel.', '');
    for (const compared of split.changedUntested) out.push(...algorithmTable(compared, heads, false));
  }
  if (split.sameUntested.length > 0) out.push(`The same in every run (discovered, not tested): ${split.sameUntested.map((compared) => mdText(compared.algorithm)).join(', ')}.`, '');
  return out.join('\n');
}
