/**
 * summary.md's throughput section: per algorithm × operation the chart files (SVG, written beside
 * summary.md) and the table of every target's figures with the C reference and tcrypt beside them.
 */
import type { RunMeta } from '../harness/results/run-record.js';
import type { BenchSummary } from '../harness/results/bench-summary.js';
import type { RunReport } from '../harness/results/run-report.js';
import { benchSettingsText, formatMb, formatNoise, formatOps, formatRatio, formatRatioRange, formatSize, formatUs, goalState, mdTable, mdText } from './format.js';
import { BAR_SIZE, chartsFor, throughputRows, type ChartSet } from './throughput-charts.js';

/** Where the charts of an algorithm × op go, relative to summary.md. */
export function chartFile(chart: Pick<ChartSet, 'slug'>, kind: 'line' | 'bar'): string {
  return kind === 'line' ? `charts/${chart.slug}.svg` : `charts/${chart.slug}-bar.svg`;
}

/** The chart files summary.md refers to (none without throughput results). */
export function markdownChartFiles({ summary }: RunReport): Array<{ file: string; content: string }> {
  if (!summary.bench) return [];
  const files: Array<{ file: string; content: string }> = [];
  for (const chart of chartsFor(summary.bench)) {
    if (chart.lineSvg !== '') files.push({ file: chartFile(chart, 'line'), content: chart.lineSvg });
    if (chart.barSvg !== '') files.push({ file: chartFile(chart, 'bar'), content: chart.barSvg });
  }
  return files;
}

export function throughputSection(bench: BenchSummary, meta: RunMeta): string[] {
  const out: string[] = ['## Throughput', ''];
  out.push(
    'MB/s is 10⁶ payload bytes per second, the median of the repetitions; the noise is the 95 % confidence interval of the mean rate (±, relative) with the slowest–fastest repetition and their count n; a ratio carries the interval its two figures allow, and a goal or a priority warning is only claimed when it holds across that interval (else: inconclusive). ' +
      'Copy and zero-copy are the harness agent through AF_ALG; the C reference makes the same system calls from C (harness/C: the cost of the harness); ' +
      'tcrypt is the kernel measuring the driver in-kernel, the ceiling with no system call.',
  );
  out.push('');
  const settings = meta.settings.bench;
  if (settings) {
    out.push(`Settings: ${benchSettingsText(settings)}.`);
    out.push('');
    for (const cut of meta.benchCuts ?? []) out.push(`- Budget cut: ${mdText(cut)}`);
    if ((meta.benchCuts ?? []).length > 0) out.push('');
  }
  for (const chart of chartsFor(bench)) {
    const name = `${chart.algorithm} ${chart.op}`;
    out.push(`### ${mdText(name)}`);
    out.push('');
    // alt text: no brackets (they would end it)
    const alt = name.replace(/[[\]\\]/g, '');
    if (chart.lineSvg !== '') out.push(`![${alt}](${chartFile(chart, 'line')})`, '');
    if (chart.barSvg !== '') out.push(`![${alt} at ${formatSize(BAR_SIZE)}](${chartFile(chart, 'bar')})`, '');
    const rows = throughputRows(bench, chart.algorithm, chart.op);
    const optional = [
      { header: 'Zero-copy MB/s', has: rows.some((row) => row.comparison?.zerocopy !== undefined), cell: (row: (typeof rows)[number]) => formatMb(row.comparison?.zerocopy) },
      { header: 'C reference MB/s', has: rows.some((row) => row.comparison?.cReference !== undefined), cell: (row: (typeof rows)[number]) => formatMb(row.comparison?.cReference) },
      { header: 'Harness/C', has: rows.some((row) => row.comparison?.harnessOverC !== undefined), cell: (row: (typeof rows)[number]) => formatRatioRange(row.comparison?.harnessOverC, row.comparison?.harnessOverCRange) },
      {
        header: 'tcrypt MB/s',
        has: rows.some((row) => row.comparison?.tcrypt !== undefined),
        cell: (row: (typeof rows)[number]) =>
          row.comparison?.tcrypt === undefined ? '—' : `${formatMb(row.comparison.tcrypt)}${row.comparison.tcryptSize !== undefined ? ` (at ${formatSize(row.comparison.tcryptSize)})` : ''}`,
      },
      { header: 'AF_ALG/tcrypt', has: rows.some((row) => row.comparison?.afalgOverTcrypt !== undefined), cell: (row: (typeof rows)[number]) => formatRatioRange(row.comparison?.afalgOverTcrypt, row.comparison?.afalgOverTcryptRange) },
    ].filter((column) => column.has);
    out.push(
      ...mdTable(
        ['Target', 'Size', 'MB/s', 'ops/s', 'µs/op', 'Noise (95 % CI, min–max)', ...optional.map((column) => column.header)],
        rows.map((row) => [
          mdText(row.label),
          formatSize(row.size),
          formatMb(row.copy?.mbPerSecond),
          formatOps(row.copy?.opsPerSecond),
          formatUs(row.copy?.usPerOp),
          formatNoise(row.copy),
          ...optional.map((column) => column.cell(row)),
        ]),
        ['l', 'r', 'r', 'r', 'r', 'r', ...optional.map((): 'r' => 'r')],
      ),
    );
    out.push('');
  }
  out.push('### Goals');
  out.push('');
  out.push(
    ...mdTable(
      ['Goal', 'Threshold', 'Size', 'Median (met?)', 'Worst measured', 'Where', 'Met', 'Note'],
      bench.goals.map((goal) => [
        mdText(goal.name),
        `≥ ${goal.threshold}`,
        formatSize(goal.size),
        `${formatRatio(goal.median, 3)}${goal.count !== undefined ? ` (${goal.count})` : ''}`,
        formatRatio(goal.worst, 3),
        mdText(goal.worstAt ?? '—'),
        { met: '✔', missed: '✘', inconclusive: '? inconclusive', none: '—' }[goalState(goal) ?? 'none'],
        mdText(goal.note ?? ''),
      ]),
      ['l', 'r', 'r', 'r', 'r', 'l', 'l', 'l'],
    ),
  );
  out.push('');
  if (bench.tcrypt.runs.length > 0) {
    out.push('### tcrypt runs');
    out.push('');
    out.push(
      ...mdTable(
        ['Parameters', 'Seconds', 'Figures', 'Error'],
        bench.tcrypt.runs.map((run) => [mdText(run.params.join(' ')), run.seconds.toFixed(1), String(run.figures), mdText(run.error ?? '')]),
        ['l', 'r', 'r', 'l'],
      ),
    );
    out.push('');
  }
  return out;
}
