/**
 * Throughput charts as self-contained SVG, drawn on the host with Apache ECharts' server-side
 * renderer (no DOM, no browser): a log-log line chart of MB/s against payload size per target,
 * and a bar chart of every target at one size beside the C reference and tcrypt's in-kernel
 * ceiling. Also the number formatting and the table rows the HTML and Markdown reports share.
 */
import * as echarts from 'echarts';
import type { BenchSummary, ThroughputComparison, ThroughputSeries } from '../harness/results/bench-summary.js';
import type { PointStats } from '../harness/bench/bench-stats.js';
import { executorNote, formatMb, formatSize, groupDigits } from './format.js';

export const LINE_WIDTH = 720;
export const LINE_HEIGHT = 420;
export const BAR_WIDTH = 720;
/** the size the bar chart compares targets at by default */
export const BAR_SIZE = 4096;
/** line width of a driver's line, and of the generic name's (highlighted) */
export const DRIVER_LINE_WIDTH = 2;
export const GENERIC_LINE_WIDTH = 4.5;

/** Colour-blind-safe palette (Okabe–Ito, without yellow), one colour per target. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#56B4E9', '#E69F00', '#000000', '#7F7F7F'];
const BAR_COLOURS = { copy: '#0072B2', zerocopy: '#56B4E9', cReference: '#009E73', tcrypt: '#7F7F7F' };
const TEXT = '#222';
const FONT = 'sans-serif';

/** `cbc(aes) (generic → cbc-aes-aesni)` for the generic name, the driver name otherwise (with the executor when it is not AF_ALG) */
export function seriesLabel(one: Pick<ThroughputSeries, 'target' | 'generic' | 'driver'> & { executor?: 'kernel' }): string {
  return one.generic ? `${one.target} (generic → ${one.driver ?? '?'})` : `${one.target}${executorNote(one)}`;
}

/** A file-name-safe slug: `cbc(aes)` + `encrypt` → `cbc-aes-encrypt`. */
export function slugOf(...parts: string[]): string {
  const slug = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'chart' : slug;
}

/** One line of the throughput table: a target at a size, the agent copy path's statistics and the comparisons. */
export interface ThroughputRow {
  target: string;
  label: string;
  generic: boolean;
  size: number;
  /** agent engine, copy path */
  copy?: PointStats;
  comparison?: ThroughputComparison;
}

/** The table rows of one algorithm × op: every target (generic first) × every size measured. */
export function throughputRows(bench: BenchSummary, algorithm: string, op: string): ThroughputRow[] {
  const rows: ThroughputRow[] = [];
  const copyOf = new Map<string, ThroughputSeries>();
  for (const one of bench.series) {
    if (one.algorithm === algorithm && one.op === op && one.engine === 'agent' && one.path === 'copy') copyOf.set(one.target, one);
  }
  for (const comparison of bench.comparisons) {
    if (comparison.algorithm !== algorithm || comparison.op !== op) continue;
    const series = copyOf.get(comparison.target);
    const copy = series?.points.find((point) => point.size === comparison.size);
    rows.push({
      target: comparison.target,
      label: seriesLabel({ ...comparison, ...(series?.executor ? { executor: series.executor } : {}) }),
      generic: comparison.generic,
      size: comparison.size,
      ...(copy ? { copy } : {}),
      comparison,
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// rendering

const xmlText = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Render one option to SVG. Element ids and classes (`zr<N>-…`, numbered per chart instance in
 * this process) get a stable prefix of our own, so the output is reproducible and several charts
 * can sit in one HTML page without their clip paths or styles colliding.
 */
function renderSvg(option: echarts.EChartsOption, width: number, height: number, idPrefix: string, title: string): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  let svg: string;
  try {
    chart.setOption({ animation: false, ...option });
    svg = chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
  svg = svg.replace(/(id="|url\(#|class="|\.)zr\d+-/g, `$1${idPrefix}-`);
  // style classes are numbered across every chart this process drew: number them per chart
  const classes = new Map<string, number>();
  // (the prefix is a slug: nothing in it a pattern would read)
  const classPattern = new RegExp(`${idPrefix}-cls-(\\d+)`, 'g');
  svg = svg.replace(classPattern, (_whole, n: string) => {
    if (!classes.has(n)) classes.set(n, classes.size);
    return `${idPrefix}-cls-${classes.get(n)}`;
  });
  // an accessible name, and no pointer hover styles: the chart is a static picture
  return svg.replace(/^<svg([^>]*)>/, `<svg$1 role="img" aria-label="${xmlText(title).replace(/"/g, '&quot;')}"><title>${xmlText(title)}</title>`);
}

const positive = (value: number): boolean => Number.isFinite(value) && value > 0;

/** Rough width of a legend entry (ECharts' default 12 px sans-serif, symbol 25 px, gap 10 px). */
const legendItemWidth = (name: string): number => 25 + 5 + name.length * 6.6 + 10;

function legendRows(names: readonly string[], width: number): number {
  let rows = 1;
  let used = 0;
  for (const name of names) {
    const item = legendItemWidth(name);
    if (used > 0 && used + item > width) {
      rows++;
      used = 0;
    }
    used += item;
  }
  return rows;
}

/**
 * MB/s against payload size, both axes logarithmic: one line per target (agent loop, copy path),
 * the zero-copy path as a dashed line of the same colour, the generic name thicker. '' when the
 * bench has no agent series for this algorithm × op.
 */
export function throughputChart(bench: BenchSummary, algorithm: string, op: string): string {
  const agent = bench.series.filter((one) => one.algorithm === algorithm && one.op === op && one.engine === 'agent');
  const targets: ThroughputSeries[] = [];
  for (const one of agent) if (!targets.some((seen) => seen.target === one.target)) targets.push(one);
  const lines: echarts.LineSeriesOption[] = [];
  const names: string[] = [];
  let minSize = Infinity;
  let maxSize = 0;
  targets.forEach((target, index) => {
    const colour = PALETTE[index % PALETTE.length] as string;
    const width = target.generic ? GENERIC_LINE_WIDTH : DRIVER_LINE_WIDTH;
    for (const path of ['copy', 'zerocopy'] as const) {
      const one = agent.find((candidate) => candidate.target === target.target && candidate.path === path);
      if (!one) continue;
      const data = one.points.filter((point) => positive(point.mbPerSecond) && point.size > 0).map((point) => [point.size, point.mbPerSecond]);
      if (data.length === 0) continue;
      for (const [size] of data) {
        minSize = Math.min(minSize, size as number);
        maxSize = Math.max(maxSize, size as number);
      }
      const name = path === 'copy' ? seriesLabel(target) : `${seriesLabel(target)} zero-copy`;
      names.push(name);
      lines.push({
        type: 'line',
        name,
        data,
        color: colour,
        symbol: path === 'copy' ? 'circle' : 'emptyTriangle',
        symbolSize: target.generic ? 7 : 5,
        z: target.generic ? 3 : 2,
        lineStyle: { width, color: colour, type: path === 'copy' ? 'solid' : 'dashed' },
        itemStyle: { color: colour },
        emphasis: { disabled: true },
      });
    }
  });
  if (lines.length === 0) return '';

  const title = `${algorithm} ${op}`;
  const rows = legendRows(names, LINE_WIDTH - 40);
  const legendHeight = rows * 24;
  const height = LINE_HEIGHT + legendHeight;
  const option: echarts.EChartsOption = {
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT, color: TEXT },
    title: {
      text: title,
      subtext: 'agent loop · solid: copy path · dashed: zero-copy path · thick: the generic name',
      left: 10,
      top: 6,
      textStyle: { fontSize: 16, color: TEXT },
      subtextStyle: { fontSize: 11, color: '#555' },
    },
    legend: { bottom: 8, left: 20, right: 20, type: 'plain', itemGap: 10, textStyle: { fontSize: 12, color: TEXT }, data: names },
    grid: { left: 80, right: 40, top: 78, bottom: 70 + legendHeight },
    xAxis: {
      type: 'log',
      logBase: 4,
      min: minSize,
      max: maxSize,
      name: 'payload per operation (bytes, log scale)',
      nameLocation: 'middle',
      nameGap: 30,
      nameTextStyle: { color: TEXT },
      axisLabel: { formatter: (value: number) => formatSize(value), color: TEXT },
      splitLine: { show: true, lineStyle: { color: '#e6e6e6' } },
    },
    yAxis: {
      type: 'log',
      logBase: 10,
      name: 'MB/s (10⁶ bytes/s, log scale)',
      nameLocation: 'middle',
      nameGap: 58,
      nameTextStyle: { color: TEXT },
      axisLabel: { formatter: (value: number) => groupDigits(value, value < 1 ? 2 : 0), color: TEXT },
      splitLine: { show: true, lineStyle: { color: '#e6e6e6' } },
    },
    series: lines,
  };
  return renderSvg(option, LINE_WIDTH, height, `${slugOf(algorithm, op)}-line`, title);
}

/**
 * MB/s per target at one size: the agent copy path, and when measured the zero-copy path, the C
 * reference loop and tcrypt's in-kernel figure for the driver (its ceiling). '' when no series
 * has that size.
 */
export function barChartAt(bench: BenchSummary, algorithm: string, op: string, size = BAR_SIZE): string {
  const rows = bench.comparisons.filter((row) => row.algorithm === algorithm && row.op === op && row.size === size);
  const measured = rows.filter((row) => [row.copy, row.zerocopy, row.cReference].some((value) => value !== undefined && positive(value)));
  if (measured.length === 0) return '';
  // tcrypt counts only at the size it measured: a 4 KiB figure is no ceiling for 64 KiB
  const tcryptOf = (row: ThroughputComparison): number | undefined => (row.tcryptSize === undefined && row.tcrypt !== undefined && positive(row.tcrypt) ? row.tcrypt : undefined);
  const value = (v: number | undefined): number | null => (v !== undefined && positive(v) ? v : null);
  const kinds: Array<{ name: string; colour: string; pick: (row: ThroughputComparison) => number | undefined }> = [
    { name: 'AF_ALG copy (agent)', colour: BAR_COLOURS.copy, pick: (row) => row.copy },
    { name: 'AF_ALG zero-copy (agent)', colour: BAR_COLOURS.zerocopy, pick: (row) => row.zerocopy },
    { name: 'C reference', colour: BAR_COLOURS.cReference, pick: (row) => row.cReference },
    { name: 'tcrypt (in-kernel)', colour: BAR_COLOURS.tcrypt, pick: tcryptOf },
  ];
  const present = kinds.filter((kind) => measured.some((row) => value(kind.pick(row)) !== null));
  const categories = measured.map((row) => seriesLabel(row));
  const barHeight = 16;
  const groupHeight = present.length * (barHeight + 3) + 14;
  const plotHeight = Math.max(120, measured.length * groupHeight);
  const longest = Math.max(...categories.map((label) => label.length));
  const left = Math.min(320, Math.max(100, Math.round(longest * 6.6) + 20));
  const title = `${algorithm} ${op} at ${formatSize(size)}`;
  const height = 80 + plotHeight + 70;
  const option: echarts.EChartsOption = {
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT, color: TEXT },
    title: { text: title, subtext: 'MB/s, higher is better', left: 10, top: 6, textStyle: { fontSize: 16, color: TEXT }, subtextStyle: { fontSize: 11, color: '#555' } },
    legend: { bottom: 8, left: 20, right: 20, type: 'plain', textStyle: { fontSize: 12, color: TEXT }, data: present.map((kind) => kind.name) },
    grid: { left, right: 70, top: 70, bottom: 80 },
    xAxis: {
      type: 'value',
      name: 'MB/s',
      nameLocation: 'middle',
      nameGap: 28,
      nameTextStyle: { color: TEXT },
      axisLabel: { formatter: (v: number) => groupDigits(v, 0), color: TEXT },
      splitLine: { show: true, lineStyle: { color: '#e6e6e6' } },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: categories,
      axisLabel: { color: TEXT, fontSize: 12, width: left - 14, overflow: 'truncate' },
      axisTick: { show: false },
    },
    series: present.map(
      (kind): echarts.BarSeriesOption => ({
        type: 'bar',
        name: kind.name,
        data: measured.map((row) => value(kind.pick(row))),
        barMaxWidth: barHeight,
        barGap: '18%',
        color: kind.colour,
        itemStyle: { color: kind.colour },
        label: { show: true, position: 'right', fontSize: 10, color: TEXT, formatter: (params: echarts.DefaultLabelFormatterCallbackParams) => formatMb(typeof params.value === 'number' ? params.value : undefined) },
        emphasis: { disabled: true },
      }),
    ),
  };
  return renderSvg(option, BAR_WIDTH, height, `${slugOf(algorithm, op)}-bar-${size}`, title);
}

export interface ChartSet {
  algorithm: string;
  op: string;
  /** file-name safe, unique within the set: `cbc-aes-encrypt` */
  slug: string;
  lineSvg: string;
  /** '' when nothing was measured at 4 KiB */
  barSvg: string;
}

const OP_ORDER: readonly string[] = ['encrypt', 'decrypt', 'digest'];
const rendered = new WeakMap<BenchSummary, ChartSet[]>();

/** The charts of every algorithm × op in the bench, in the bench's order (rendered once per bench object). */
export function chartsFor(bench: BenchSummary): ChartSet[] {
  const cached = rendered.get(bench);
  if (cached) return cached.map((chart) => ({ ...chart }));
  const pairs: Array<{ algorithm: string; op: string }> = [];
  for (const one of bench.series) if (!pairs.some((pair) => pair.algorithm === one.algorithm && pair.op === one.op)) pairs.push({ algorithm: one.algorithm, op: one.op });
  // within an algorithm: encrypt, then decrypt, then digest (the bench sorts them by name)
  const algorithmOrder = [...new Set(pairs.map((pair) => pair.algorithm))];
  const opRank = (op: string): number => (OP_ORDER.indexOf(op) < 0 ? OP_ORDER.length : OP_ORDER.indexOf(op));
  pairs.sort((a, b) => algorithmOrder.indexOf(a.algorithm) - algorithmOrder.indexOf(b.algorithm) || opRank(a.op) - opRank(b.op));
  const used = new Set<string>();
  const charts = pairs.map(({ algorithm, op }) => {
    const base = slugOf(algorithm, op);
    let slug = base;
    for (let n = 2; used.has(slug); n++) slug = `${base}-${n}`;
    used.add(slug);
    return { algorithm, op, slug, lineSvg: throughputChart(bench, algorithm, op), barSvg: barChartAt(bench, algorithm, op) };
  });
  rendered.set(bench, charts);
  return charts.map((chart) => ({ ...chart }));
}
