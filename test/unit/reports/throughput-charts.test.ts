import assert from 'node:assert/strict';
import type { BenchSummary } from '../../../harness/results/bench-summary.js';
import { barChartAt, chartsFor, DRIVER_LINE_WIDTH, GENERIC_LINE_WIDTH, slugOf, throughputChart, throughputRows } from '../../../reports/throughput-charts.js';
import { formatMb, formatSize, formatSpread, groupDigits } from '../../../reports/format.js';
import { AES_BENCH_TARGETS, BENCH_SIZES, benchRun } from './fixture-bench.js';

/** Tags balance (void `<x/>` aside), outside CDATA and comments: enough to call the string well-formed markup. */
function assertWellFormed(svg: string): void {
  const stripped = svg.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '').replace(/<!--[\s\S]*?-->/g, '');
  const stack: string[] = [];
  for (const match of stripped.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = match as unknown as [string, string, string, string, string];
    if (selfClosing) continue;
    if (closing) assert.equal(stack.pop(), name, `</${name}> closes something else`);
    else stack.push(name);
  }
  assert.deepEqual(stack, [], 'every element is closed');
  assert.ok(!/<[^>]*</.test(stripped.replace(/<text[^>]*>[^<]*<\/text>/g, '')), 'no stray < inside a tag');
}

/** The line-series paths: ECharts draws each line once, clipped to the grid. */
function linePaths(svg: string): Array<{ d: string; stroke: string; width: number; dashed: boolean }> {
  return [...svg.matchAll(/<g clip-path="url\(#[^)]*\)">\s*<path ([^>]*)>/g)].map((match) => {
    const attributes = match[1] as string;
    const attribute = (name: string): string | undefined => new RegExp(`(?:^| )${name}="([^"]*)"`).exec(attributes)?.[1];
    return { d: attribute('d') ?? '', stroke: attribute('stroke') ?? '', width: Number(attribute('stroke-width') ?? '1'), dashed: attribute('stroke-dasharray') !== undefined };
  });
}

/** Text elements with their x position (ECharts places them with a translate). */
function texts(svg: string): Array<{ text: string; x: number; y: number }> {
  return [...svg.matchAll(/<text [^>]*transform="translate\(([-\d.]+) ([-\d.]+)\)"[^>]*>([^<]*)<\/text>/g)].map((match) => ({
    x: Number(match[1]),
    y: Number(match[2]),
    text: (match[3] as string).replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"'),
  }));
}

function assertSelfContained(svg: string): void {
  assert.ok(!/\b(?:xlink:)?href\s*=/.test(svg), 'no links');
  assert.ok(!/<image\b/.test(svg), 'no images');
  assert.ok(!/@import|@font-face|url\(\s*['"]?(?:https?:|\/\/)/.test(svg), 'no fonts or styles from elsewhere');
}

describe('reports/throughput-charts', () => {
  let bench: BenchSummary;
  before(() => {
    const { summary } = benchRun();
    assert.ok(summary.bench);
    bench = summary.bench;
  });

  it('formats sizes, rates and spreads the same whatever the locale', () => {
    assert.deepEqual([16, 4096, 65536, 1048576, 1500].map(formatSize), ['16 B', '4 KiB', '64 KiB', '1 MiB', '1500 B']);
    assert.equal(groupDigits(1234567.891, 2), '1,234,567.89');
    assert.deepEqual([1234.4, 56.78, 0.891, undefined].map((value) => formatMb(value)), ['1,234', '56.8', '0.89', '—']);
    assert.equal(formatSpread(0.05), '±2.5 %');
    assert.equal(slugOf('cbc(aes)', 'encrypt'), 'cbc-aes-encrypt');
    assert.equal(slugOf('rfc4106(gcm(aes))', 'decrypt'), 'rfc4106-gcm-aes-decrypt');
  });

  it('draws MB/s against size on log–log axes: one line per target and path, the generic name thicker, zero-copy dashed in the same colour', () => {
    const svg = throughputChart(bench, 'cbc(aes)', 'encrypt');
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.ok(svg.trimEnd().endsWith('</svg>'));
    assertWellFormed(svg);
    assertSelfContained(svg);
    assert.match(svg, /<title>cbc\(aes\) encrypt<\/title>/);

    const lines = linePaths(svg);
    assert.equal(lines.length, AES_BENCH_TARGETS.length * 2, 'copy and zero-copy for each of the four targets');
    for (const line of lines) assert.equal(line.d.split('L').length, BENCH_SIZES.length, 'a vertex per size');
    const solid = lines.filter((line) => !line.dashed);
    const dashed = lines.filter((line) => line.dashed);
    assert.equal(solid.length, 4);
    assert.equal(dashed.length, 4);
    assert.deepEqual(new Set(dashed.map((line) => line.stroke)), new Set(solid.map((line) => line.stroke)), 'zero-copy in the colour of its target');
    assert.equal(new Set(solid.map((line) => line.stroke)).size, 4, 'a colour per target');
    const wide = lines.filter((line) => line.width === GENERIC_LINE_WIDTH);
    assert.equal(wide.length, 2, 'the generic name: copy and zero-copy');
    assert.ok(GENERIC_LINE_WIDTH > DRIVER_LINE_WIDTH);
    assert.equal(lines.filter((line) => line.width === DRIVER_LINE_WIDTH).length, 6);

    const labels = texts(svg);
    const legend = labels.map((label) => label.text);
    assert.ok(legend.includes('cbc(aes) (generic → cbc-aes-aesni)'), 'the generic name marked with its driver');
    assert.ok(legend.includes('virtio_crypto_aes_cbc zero-copy'));
    assert.ok(legend.includes('payload per operation (bytes, log scale)'));
    assert.ok(svg.includes('>MB/s (10⁶ bytes/s, log scale)</text>'), 'y axis name (rotated)');

    // x: every size a tick, equally spaced (a factor 4 is the same distance everywhere)
    const xTicks = BENCH_SIZES.map((size) => labels.find((label) => label.text === formatSize(size)));
    assert.ok(xTicks.every((tick) => tick !== undefined), `ticks ${BENCH_SIZES.map(formatSize).join(', ')}`);
    const xs = xTicks.map((tick) => (tick as { x: number }).x);
    const steps = xs.slice(1).map((x, i) => x - (xs[i] as number));
    for (const step of steps) assert.ok(Math.abs(step - (steps[0] as number)) < 0.5, `equal steps ${steps.join(', ')}`);
    // y: powers of ten, equally spaced
    const yTicks = ['1', '10', '100', '1,000'].map((text) => labels.find((label) => label.text === text));
    assert.ok(yTicks.every((tick) => tick !== undefined), 'y ticks 1, 10, 100, 1,000');
    const ys = yTicks.map((tick) => (tick as { y: number }).y);
    assert.ok(Math.abs(ys[0]! - ys[1]! - (ys[2]! - ys[3]!)) < 0.5, `decades equally spaced ${ys.join(', ')}`);
  });

  it('is reproducible: ids get a prefix of their own, not the renderer instance number', () => {
    const first = throughputChart(bench, 'cbc(aes)', 'decrypt');
    const second = throughputChart(bench, 'cbc(aes)', 'decrypt');
    assert.equal(first, second);
    assert.ok(!/zr\d+-/.test(first));
    assert.match(first, /id="cbc-aes-decrypt-line-c0"/);
  });

  it('draws bars per target at 4 KiB: agent copy and zero-copy, the C reference and the tcrypt ceiling', () => {
    const svg = barChartAt(bench, 'cbc(aes)', 'encrypt');
    assert.match(svg, /^<svg /);
    assertWellFormed(svg);
    assertSelfContained(svg);
    const labels = texts(svg).map((label) => label.text);
    for (const name of ['AF_ALG copy (agent)', 'AF_ALG zero-copy (agent)', 'C reference', 'tcrypt (in-kernel)']) assert.ok(labels.includes(name), name);
    for (const target of ['cbc(aes) (generic → cbc-aes-aesni)', 'cbc-aes-aesni', 'virtio_crypto_aes_cbc', 'cbc(aes-generic)']) assert.ok(labels.includes(target), target);
    assert.ok(labels.includes('cbc(aes) encrypt at 4 KiB'));
    const bars = (series: number): number => [...svg.matchAll(new RegExp(`<path [^>]*ecmeta_series_index="${series}" [^>]*ecmeta_ssr_type="chart"`, 'g'))].length;
    assert.deepEqual([0, 1, 2].map(bars), [4, 4, 4], 'a bar per target for the agent copy, zero-copy and C loops');
    assert.equal(bars(3), 2, 'tcrypt only for cbc-aes-aesni (and the generic name bound to it)');
    // the bar lengths follow the table
    const aesni = bench.comparisons.find((row) => row.target === 'cbc-aes-aesni' && row.op === 'encrypt' && row.size === 4096);
    assert.ok(aesni?.tcrypt !== undefined && aesni.copy !== undefined);
    assert.ok(labels.includes(formatMb(aesni.tcrypt)) && labels.includes(formatMb(aesni.copy)), 'values printed on the bars');
  });

  it('leaves tcrypt out where it did not measure that size, and draws nothing at a size no series has', () => {
    const at64k = barChartAt(bench, 'cbc(aes)', 'encrypt', 65536);
    assert.ok(at64k.startsWith('<svg'));
    assert.ok(!texts(at64k).some((label) => label.text === 'tcrypt (in-kernel)'));
    assert.equal(barChartAt(bench, 'cbc(aes)', 'encrypt', 8192), '');
    assert.equal(barChartAt(bench, 'ctr(aes)', 'encrypt'), '');
    assert.equal(throughputChart(bench, 'ctr(aes)', 'encrypt'), '');
  });

  it('makes a chart set per algorithm × op, encrypt before decrypt, with file-safe slugs', () => {
    const charts = chartsFor(bench);
    assert.deepEqual(
      charts.map((chart) => [chart.algorithm, chart.op, chart.slug]),
      [
        ['cbc(aes)', 'encrypt', 'cbc-aes-encrypt'],
        ['cbc(aes)', 'decrypt', 'cbc-aes-decrypt'],
        ['sha256', 'digest', 'sha256-digest'],
      ],
    );
    for (const chart of charts) {
      assert.ok(chart.lineSvg.startsWith('<svg') && chart.barSvg.startsWith('<svg'), chart.slug);
      assert.match(chart.slug, /^[a-z0-9-]+$/);
    }
    assert.equal(linePaths((charts[2] as { lineSvg: string }).lineSvg).length, 3, 'sha256: three targets, copy path only');
  });

  it('lists table rows per target and size with the comparisons', () => {
    const rows = throughputRows(bench, 'cbc(aes)', 'encrypt');
    assert.equal(rows.length, AES_BENCH_TARGETS.length * BENCH_SIZES.length);
    assert.equal(rows[0]?.label, 'cbc(aes) (generic → cbc-aes-aesni)');
    const at4k = rows.find((row) => row.target === 'cbc-aes-aesni' && row.size === 4096);
    assert.ok(at4k?.copy && at4k.comparison?.zerocopy !== undefined && at4k.comparison.cReference !== undefined && at4k.comparison.afalgOverTcrypt !== undefined);
    assert.equal(at4k.copy.mbPerSecond, at4k.comparison.copy);
    // a driver measured through the in-kernel executor says so in its row (and so in summary.md's table)
    const inKernel: BenchSummary = { ...bench, series: bench.series.map((one) => (one.target === 'virtio_crypto_aes_cbc' ? { ...one, executor: 'kernel' as const } : one)) };
    const virtio = throughputRows(inKernel, 'cbc(aes)', 'encrypt').find((row) => row.target === 'virtio_crypto_aes_cbc');
    assert.equal(virtio?.label, 'virtio_crypto_aes_cbc [in-kernel executor]');
    assert.equal(rows.find((row) => row.target === 'virtio_crypto_aes_cbc')?.label, 'virtio_crypto_aes_cbc', 'AF_ALG rows carry no note');
  });

  it('escapes names the chart draws', () => {
    const evil = '<script>alert(1)</script>';
    const copy: BenchSummary = {
      ...bench,
      series: bench.series.map((one) => (one.target === 'virtio_crypto_aes_cbc' ? { ...one, target: evil } : one)),
      comparisons: bench.comparisons.map((row) => (row.target === 'virtio_crypto_aes_cbc' ? { ...row, target: evil } : row)),
    };
    for (const svg of [throughputChart(copy, 'cbc(aes)', 'encrypt'), barChartAt(copy, 'cbc(aes)', 'encrypt')]) {
      assert.ok(!svg.includes(evil));
      assert.ok(svg.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
      assertWellFormed(svg);
    }
  });
});
