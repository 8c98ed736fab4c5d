/**
 * report.html's throughput section: charts and tables per algorithm and operation.
 */
import type { RunMeta } from '../../harness/results/run-record.js';
import type { BenchSummary } from '../../harness/results/bench-summary.js';
import { benchSettingsText, formatMb, formatNoise, formatOps, formatRatio, formatRatioRange, formatSize, formatUs, goalState } from '../format.js';
import { BAR_SIZE, chartsFor, throughputRows, type ThroughputRow } from '../throughput-charts.js';
import { inlineSvg, table } from './elements.js';
import { esc } from '../format.js';

export function tcryptCell(row: ThroughputRow): string {
  const comparison = row.comparison;
  if (comparison?.tcrypt === undefined) return '—';
  return `${esc(formatMb(comparison.tcrypt))}${comparison.tcryptSize !== undefined ? ` <span class="muted small">(at ${esc(formatSize(comparison.tcryptSize))})</span>` : ''}`;
}

export function throughputTable(bench: BenchSummary, algorithm: string, op: string): string {
  const rows = throughputRows(bench, algorithm, op);
  const columns: Array<{ header: string; cell: (row: ThroughputRow) => string; optional?: (row: ThroughputRow) => boolean; numeric: boolean }> = [
    { header: 'Target', cell: (row) => (row.generic ? `${esc(row.target)} <span class="muted">(generic → ${esc(row.comparison?.driver ?? '?')})</span>` : esc(row.target)), numeric: false },
    { header: 'Size', cell: (row) => esc(formatSize(row.size)), numeric: true },
    { header: 'MB/s', cell: (row) => `<strong>${esc(formatMb(row.copy?.mbPerSecond))}</strong>`, numeric: true },
    { header: 'ops/s', cell: (row) => esc(formatOps(row.copy?.opsPerSecond)), numeric: true },
    { header: 'µs/op', cell: (row) => esc(formatUs(row.copy?.usPerOp)), numeric: true },
    { header: 'Noise (95 % CI, min–max)', cell: (row) => esc(formatNoise(row.copy)), numeric: true },
    { header: 'Zero-copy MB/s', cell: (row) => esc(formatMb(row.comparison?.zerocopy)), optional: (row) => row.comparison?.zerocopy !== undefined, numeric: true },
    { header: 'C reference MB/s', cell: (row) => esc(formatMb(row.comparison?.cReference)), optional: (row) => row.comparison?.cReference !== undefined, numeric: true },
    { header: 'Harness/C', cell: (row) => esc(formatRatioRange(row.comparison?.harnessOverC, row.comparison?.harnessOverCRange)), optional: (row) => row.comparison?.harnessOverC !== undefined, numeric: true },
    { header: 'tcrypt MB/s', cell: tcryptCell, optional: (row) => row.comparison?.tcrypt !== undefined, numeric: true },
    { header: 'AF_ALG/tcrypt', cell: (row) => esc(formatRatioRange(row.comparison?.afalgOverTcrypt, row.comparison?.afalgOverTcryptRange)), optional: (row) => row.comparison?.afalgOverTcrypt !== undefined, numeric: true },
  ];
  const shown = columns.filter((column) => column.optional === undefined || rows.some(column.optional));
  const body = rows.map((row, index) => {
    const first = index === 0 || rows[index - 1]?.target !== row.target;
    const cells = shown.map((column, c) => `<td${column.numeric ? ' class="num"' : ''}>${c === 0 && !first ? '' : column.cell(row)}</td>`);
    return `<tr class="${first ? 'group-start' : ''}${row.size === BAR_SIZE ? ' ref-size' : ''}">${cells.join('')}</tr>`;
  });
  return [
    '<table class="throughput">',
    `<thead><tr>${shown.map((column) => `<th${column.numeric ? ' class="num"' : ''}>${column.header}</th>`).join('')}</tr></thead>`,
    `<tbody>${body.join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

export function throughput(bench: BenchSummary, meta: RunMeta): string {
  const out = ['<section id="throughput">', '<h2>Throughput</h2>'];
  const settings = meta.settings.bench;
  out.push(
    '<p class="lead">MB/s is 10⁶ payload bytes per second, the median of the repetitions; the noise is the 95 % confidence interval of the mean rate (±, relative) with the slowest–fastest repetition and their count n; a ratio carries the interval its two figures allow, and a goal or a priority warning is only claimed when it holds across that interval (else: inconclusive). The agent loop runs on the target through AF_ALG (copy: sendmsg/read; zero-copy: splice); the C reference does the same system calls from C, so harness/C is the cost of the harness itself; tcrypt is the kernel measuring the driver in-kernel, the ceiling with no system call at all.</p>',
  );
  if (settings) {
    out.push(
      `<p class="muted">Settings: ${esc(benchSettingsText(settings))}; C reference <span class="mono">${esc(meta.cReference ?? 'off')}</span>.</p>`,
    );
    for (const cut of meta.benchCuts ?? []) out.push(`<p class="warn">Budget cut: ${esc(cut)}</p>`);
  }
  for (const chart of chartsFor(bench)) {
    out.push(`<article class="bench" id="t-${chart.slug}">`);
    out.push(`<h3>${esc(chart.algorithm)} ${esc(chart.op)}</h3>`);
    out.push('<div class="charts">');
    if (chart.lineSvg !== '') out.push(`<figure class="chart chart-line">${inlineSvg(chart.lineSvg)}<figcaption>${esc(chart.algorithm)} ${esc(chart.op)}: MB/s by payload size, log–log</figcaption></figure>`);
    if (chart.barSvg !== '') out.push(`<figure class="chart chart-bar">${inlineSvg(chart.barSvg)}<figcaption>${esc(chart.algorithm)} ${esc(chart.op)} at ${formatSize(BAR_SIZE)}</figcaption></figure>`);
    out.push('</div>');
    out.push(throughputTable(bench, chart.algorithm, chart.op));
    out.push('</article>');
  }

  out.push('<h3 id="goals">Goals</h3>');
  out.push(
    table(
      ['Goal', 'Threshold', 'Size', 'Median (met?)', 'Worst measured', 'Where', 'Met', 'Note'],
      bench.goals.map((goal) => [
        esc(goal.name),
        `≥ ${goal.threshold}`,
        esc(formatSize(goal.size)),
        esc(`${formatRatio(goal.median, 3)}${goal.count !== undefined ? ` (${goal.count})` : ''}`),
        esc(formatRatio(goal.worst, 3)),
        esc(goal.worstAt ?? '—'),
        { met: '<span class="ok">✔</span>', missed: '<span class="bad">✘</span>', inconclusive: '<span class="muted">? inconclusive</span>', none: '<span class="muted">—</span>' }[goalState(goal) ?? 'none'],
        esc(goal.note ?? ''),
      ]),
      { numeric: [1, 2, 3, 4] },
    ),
  );

  out.push('<h3 id="tcrypt">tcrypt runs</h3>');
  if (bench.tcrypt.runs.length === 0) out.push('<p class="muted">tcrypt did not run.</p>');
  else {
    out.push(
      table(
        ['Parameters', 'Seconds', 'Figures', 'Error'],
        bench.tcrypt.runs.map((run) => [
          `<span class="mono">${esc(run.params.join(' '))}</span>`,
          run.seconds.toFixed(1),
          String(run.figures),
          run.error !== undefined ? `<span class="bad">${esc(run.error)}</span>` : '',
        ]),
        { numeric: [1, 2] },
      ),
    );
  }
  out.push('</section>');
  return out.join('\n');
}
