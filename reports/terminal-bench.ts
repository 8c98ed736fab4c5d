/**
 * The terminal's priority and throughput sections: the verdicts (most severe first), then per
 * algorithm × operation one line per target with MB/s at a few sizes, the C-loop ratio and tcrypt.
 */
import type { RunSummary } from '../harness/results/summary.js';
import { formatMb, formatRatioRange, goalState, sizeLabel } from './format.js';
import type { ThroughputSeries } from '../harness/results/bench-summary.js';

export interface TerminalPaint {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const padEnd = (text: string, width: number): string => (text.length >= width ? text : text + ' '.repeat(width - text.length));
const padStart = (text: string, width: number): string => (text.length >= width ? text : ' '.repeat(width - text.length) + text);

export function renderPrioritySection(summary: RunSummary, paint: TerminalPaint, printable: (text: string) => string): string[] {
  if (summary.verdicts.length === 0) return [];
  const out = ['', paint.bold('priority selection')];
  for (const verdict of summary.verdicts) {
    const tag = verdict.severity === 'critical' ? paint.red('critical') : verdict.severity === 'warning' ? paint.yellow('warning ') : paint.dim('info    ');
    out.push(`  ${tag} ${printable(verdict.algorithm)}: ${printable(verdict.message)}`);
  }
  return out;
}

/** The sizes shown in the terminal: small, a page, the largest. */
function shownSizes(sizes: readonly number[]): number[] {
  const wanted = [64, 4096, 65536].filter((size) => sizes.includes(size));
  return wanted.length > 0 ? wanted : sizes.slice(-3);
}

export function renderThroughputSection(summary: RunSummary, paint: TerminalPaint, printable: (text: string) => string, budgetCuts: readonly string[] = []): string[] {
  const bench = summary.bench;
  if (!bench) return [];
  const out = ['', paint.bold('throughput (MB/s, median of the repetitions; copy path unless marked; ± the 95 % interval at 4 KiB)')];
  for (const cut of budgetCuts) out.push(paint.yellow(`  budget: ${printable(cut)}`));
  const sizes = shownSizes(bench.sizes);
  const groups = new Map<string, ThroughputSeries[]>();
  for (const one of bench.series) {
    const key = `${one.algorithm} ${one.op}`;
    groups.set(key, [...(groups.get(key) ?? []), one]);
  }
  for (const [title, series] of groups) {
    const agentCopy = series.filter((one) => one.engine === 'agent' && one.path === 'copy');
    const header = ['  ' + title, ...sizes.map((size) => sizeLabel(size)), '± @4K', ...sizes.map((size) => `0copy ${sizeLabel(size)}`), 'vs C @4K', 'tcrypt @4K'];
    const rows = agentCopy.map((one) => {
      const zerocopy = series.find((other) => other.target === one.target && other.engine === 'agent' && other.path === 'zerocopy');
      const at = (s: ThroughputSeries | undefined, size: number): string => formatMb(s?.points.find((p) => p.size === size)?.mbPerSecond, '-');
      const comparison = bench.comparisons.find((row) => row.algorithm === one.algorithm && row.target === one.target && row.op === one.op && row.size === 4096);
      const label = `${one.generic ? `${one.target} → ${one.driver ?? '?'}` : one.target}${one.executor ? ' [in-kernel executor]' : ''}`;
      const precision = one.points.find((p) => p.size === 4096)?.precision;
      return [
        '    ' + printable(label),
        ...sizes.map((size) => at(one, size)),
        precision !== undefined && Number.isFinite(precision) ? `${(precision * 100).toFixed(1)}%` : '-',
        ...sizes.map((size) => at(zerocopy, size)),
        comparison?.harnessOverC !== undefined ? formatRatioRange(comparison.harnessOverC, comparison.harnessOverCRange) : '-',
        comparison?.tcrypt !== undefined ? `${formatMb(comparison.tcrypt, '-')}${comparison.afalgOverTcrypt !== undefined ? ` (${formatRatioRange(comparison.afalgOverTcrypt, comparison.afalgOverTcryptRange)})` : ''}` : '-',
      ];
    });
    const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] as string).length)));
    const format = (cells: string[]): string => cells.map((cell, column) => (column === 0 ? padEnd(cell, widths[0] as number) : padStart(cell, widths[column] as number))).join('  ');
    out.push(paint.bold(format(header)));
    for (const row of rows) out.push(format(row));
  }
  if (bench.goals.length > 0) {
    out.push(paint.bold('  goals'));
    for (const goal of bench.goals) {
      const measured =
        goal.median !== undefined ? `median ${goal.median.toFixed(2)} over ${goal.count}, worst ${(goal.worst ?? 0).toFixed(2)} (${printable(goal.worstAt ?? '')})` : 'nothing to compare';
      const judged = goalState(goal);
      const state = judged === undefined ? paint.dim('n/a') : judged === 'met' ? paint.green('met') : judged === 'missed' ? paint.yellow('not met') : paint.dim('inconclusive (within the noise)');
      out.push(`    ${goal.name} ≥ ${goal.threshold} at ${sizeLabel(goal.size)}: ${measured} ${state}${goal.note ? paint.dim(` — ${printable(goal.note)}`) : ''}`);
    }
  }
  for (const run of bench.tcrypt.runs) {
    if (run.error) out.push(paint.yellow(`  tcrypt ${printable(run.params.join(' '))}: ${printable(run.error)}`));
  }
  return out;
}
