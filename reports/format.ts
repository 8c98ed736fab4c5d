/**
 * Formatting shared by every reporter: numbers and sizes, hex windows, failure titles, labels.
 * A reporter formats through these, never through another reporter's module.
 */
import type { CaseFailure } from '../harness/results/result-model.js';
import type { SplitStrategy } from '../harness/protocol/messages.js';
import type { RunMeta } from '../harness/results/run-record.js';
import type { SummaryRow } from '../harness/results/summary.js';
import type { PriorityCandidate } from '../harness/results/priority-verdicts.js';

export { formatMb, formatSize, groupDigits } from '../harness/core/units.js';
import { formatMb, formatSize, groupDigits } from '../harness/core/units.js';

const HEX_LIMIT = 64;

/** Control characters (C0, DEL, C1) as visible escapes, so no result text can drive the terminal. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Hex cut to 64 digits with `…` and the full length, so a long ciphertext stays one line. */
export function truncateHex(hex: string, limit = HEX_LIMIT): string {
  if (hex === '') return '(empty)';
  if (hex.length <= limit) return hex;
  return `${hex.slice(0, limit)}… (${Math.floor(hex.length / 2)} bytes)`;
}

/** Hex cut to a 64-digit window starting at hex digit `start` (even), with `…` on each cut side. */
function hexWindow(hex: string, start: number, limit = HEX_LIMIT): string {
  if (hex === '') return '(empty)';
  if (start === 0) return truncateHex(hex, limit);
  const end = start + limit;
  return `…${hex.slice(start, end)}${end < hex.length ? '…' : ''} (${Math.floor(hex.length / 2)} bytes, shown from byte ${start / 2})`;
}

/**
 * Expected and got side by side: both cut to 64 hex digits, on the same window, which starts
 * just before the first differing byte when that lies beyond the first 32 bytes.
 */
export function hexPair(expected: string | undefined, got: string | undefined): { expected?: string; got?: string; differsAt?: number } {
  if (expected === undefined || got === undefined) {
    return { ...(expected !== undefined ? { expected: truncateHex(expected) } : {}), ...(got !== undefined ? { got: truncateHex(got) } : {}) };
  }
  const a = expected.toLowerCase();
  const b = got.toLowerCase();
  let digit = 0;
  while (digit < a.length && digit < b.length && a[digit] === b[digit]) digit++;
  if (digit === a.length && digit === b.length) return { expected: truncateHex(expected), got: truncateHex(got) };
  const differsAt = Math.floor(digit / 2);
  // the same window for both: four bytes before the difference, or as late as the longer one allows
  const wanted = differsAt * 2 < HEX_LIMIT ? 0 : (differsAt - 4) * 2;
  const start = Math.min(wanted, Math.max(0, Math.max(a.length, b.length) - HEX_LIMIT));
  return { expected: hexWindow(expected, start), got: hexWindow(got, start), differsAt };
}

/** `cbc(aes) → cbc-aes-aesni` for a generic row, the driver name otherwise. */
export function targetLabel(row: Pick<SummaryRow, 'target' | 'generic' | 'boundDriver' | 'executor'>): string {
  return row.generic ? `${row.target} → ${row.boundDriver ?? '?'}` : `${row.target}${executorNote(row)}`;
}

/** `wycheproof/x.json tcId 17 [page-cross] decrypt` */
export function failureTitle(failure: CaseFailure): string {
  return `${failure.source} ${failure.case} [${failure.strategy}]${failure.op ? ` ${failure.op}` : ''}`;
}

/** `EBADMSG at read` / `at checkpoint 3` / undefined */
export function failureError(failure: CaseFailure): string | undefined {
  if (failure.error === undefined && failure.step === undefined) return undefined;
  return [failure.error, failure.step !== undefined ? `at ${failure.step}` : undefined].filter((part) => part !== undefined).join(' ');
}

/** What each split strategy did, for a reader of a failure who did not write the harness. */
export const STRATEGY_MEANINGS: Readonly<Record<SplitStrategy, string>> = {
  oneshot: 'the whole input in one sendmsg',
  chunks: 'the input in MSG_MORE pieces of 1, 15 and 17 bytes, one request',
  'page-cross': 'input and output buffers starting 13 bytes before a page boundary',
  inplace: 'the output read into the buffer the input was sent from',
  zerocopy: 'the input vmspliced into a pipe and spliced into the socket (at most 16 pages per splice): the driver gets the user\'s pages',
  concurrent:
    'a second request of the same transform (other IV, other text) on a second socket, read from another thread while the case is read, both in flight at once; its answer must be the one it gets alone: a driver that keeps a request\'s state in the transform mixes them up',
  chained: 'one block, then half the blocks left, then the rest, each its own request on one socket, the IV given with the first only: the later ones continue from the IV the driver handed back',
};

/**
 * What narrowed the run below every algorithm, driver and case (`--alg 'cbc(aes)'; --case 'tcId 117'`),
 * or undefined: a report of a narrowed run says so beside its verdict.
 */
export function narrowingOf(settings: RunMeta['settings']): string | undefined {
  const parts = [
    ...(settings.alg ? [`--alg ${settings.alg.map(shellWord).join(' ')}`] : []),
    ...(settings.driver ? [`--driver ${settings.driver.map(shellWord).join(' ')}`] : []),
    ...(settings.cases ? [`--case ${settings.cases.map(shellWord).join(' ')}`] : []),
    ...(settings.sample !== undefined ? [`--sample ${settings.sample}`] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** A word for sh: bare when it is plainly safe, else in single quotes. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The one line that runs a failure's case again, alone: the run's board, the row's algorithm and
 * target (a driver, or the generic name), the failing strategy and case id, and what made the case
 * and the driver exist — the seed (generated ids are the seed's), the differential count for a
 * differential case, --thorough, the vectors directory, the fixtures, modules, executor and agent
 * the run used.
 * `afalg-harness` is `node dist/harness/cli.js` in a checkout.
 */
export function rerunCommand(meta: Pick<RunMeta, 'settings'>, row: Pick<SummaryRow, 'algorithm' | 'target'>, failure: Pick<CaseFailure, 'source' | 'case' | 'strategy'>): string {
  const settings = meta.settings;
  const words = ['afalg-harness', 'run', '--board', settings.board, '--alg', row.algorithm, '--driver', row.target, '--strategies', failure.strategy, '--case', failure.case, '--seed', settings.seed];
  if (failure.source === 'differential') words.push('--differential', String(settings.differential));
  if (settings.boundary?.thorough) words.push('--thorough');
  if (failure.case.startsWith('Monte') && settings.mctCheckpoints !== 10) words.push('--mct-checkpoints', String(settings.mctCheckpoints));
  // generated cases need no file, but a run without a vectors directory runs no cases at all
  if (settings.vectorsDir !== undefined) words.push('--vectors', settings.vectorsDir);
  if (settings.fixtures.length > 0) words.push('--fixtures', ...settings.fixtures);
  for (const module of settings.loadModules) words.push('--load-module', module);
  if (settings.executor) words.push('--executor', settings.executor);
  if (settings.agent && settings.agent !== 'auto') words.push('--agent', settings.agent);
  return words.map(shellWord).join(' ');
}

/** ` (page-cross, inplace)`: the strategies that failed, or nothing. */
export function strategiesNote(row: Pick<SummaryRow, 'strategiesFailed'>): string {
  return row.strategiesFailed.length > 0 ? ` (${row.strategiesFailed.join(', ')})` : '';
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

/** `COMPLETE` or `PARTIAL: reason` */
export function completionOf(meta: RunMeta): string {
  return meta.complete ? 'COMPLETE' : `PARTIAL: ${meta.incompleteReason ?? 'the run did not finish (no reason recorded)'}`;
}

export function acceleratorOf(meta: RunMeta): string {
  if (!meta.target.accel) return 'none recorded';
  return meta.target.accelReason ? `${meta.target.accel} (${meta.target.accelReason})` : meta.target.accel;
}

// ---------------------------------------------------------------------------------------------
// formatting shared by the reports

export function formatOps(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '—' : groupDigits(value, 0);
}

/** µs per operation, three significant digits */
export function formatUs(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return value >= 1000 ? groupDigits(value, 0) : Number(value.toPrecision(3)).toString();
}

/** ±x.y %: half the spread (max − min over the median) */
export function formatSpread(spread: number | undefined): string {
  return spread === undefined || !Number.isFinite(spread) ? '—' : `±${(spread * 50).toFixed(1)} %`;
}

/** A point's noise: ±x.y % (the 95 % interval of the mean, relative), then the slowest–fastest repetition in MB/s. */
export function formatNoise(point: { precision?: number; minOpsPerSecond: number; maxOpsPerSecond: number; size: number; repetitions: number } | undefined): string {
  if (!point) return '—';
  const range = `${formatMb((point.minOpsPerSecond * point.size) / 1e6)}–${formatMb((point.maxOpsPerSecond * point.size) / 1e6)}`;
  const ci = point.precision !== undefined && Number.isFinite(point.precision) ? `±${(point.precision * 100).toFixed(1)} %` : '±?';
  return `${ci} (${range}, n=${point.repetitions})`;
}

/** A ratio with the interval the two figures' noise allows: 0.93 (0.88–0.99). */
export function formatRatioRange(value: number | undefined, range: { low: number; high: number } | undefined, decimals = 2): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  const end = (bound: number): string => (bound === Infinity ? '∞' : formatRatio(bound, decimals));
  return range && range.low < range.high ? `${value.toFixed(decimals)} (${end(range.low)}–${end(range.high)})` : value.toFixed(decimals);
}

/** A goal's state, judged with the noise when the run has intervals (older runs: on the median alone). */
export function goalState(goal: { met?: boolean; judgement?: 'met' | 'missed' | 'inconclusive' }): 'met' | 'missed' | 'inconclusive' | undefined {
  return goal.judgement ?? (goal.met === undefined ? undefined : goal.met ? 'met' : 'missed');
}

/** The bench settings in one sentence (summary.md and report.html). */
export function benchSettingsText(settings: { sizes: number[]; seconds: number; repetitions: number; maxRepetitions?: number; precision?: number; budget?: number; paths: string[]; tcryptSec?: number }): string {
  const repetitions =
    settings.maxRepetitions !== undefined
      ? `${settings.repetitions}–${settings.maxRepetitions} repetitions of ${Number(((settings.seconds * 1000) / settings.repetitions).toFixed(1))} ms per point, stopping once the 95 % interval is within ±${((settings.precision ?? 0) * 100).toFixed(1)} %`
      : `${settings.repetitions} repetitions of ${settings.seconds} s`;
  const budget = settings.budget !== undefined ? `; budget ${settings.budget} s` : '';
  const tcrypt = settings.tcryptSec === undefined ? 'off' : settings.tcryptSec === 0 ? 'cycle counts (sec=0)' : `sec=${settings.tcryptSec}`;
  return `sizes ${settings.sizes.map(formatSize).join(', ')}; ${repetitions}${budget}; paths ${settings.paths.join(', ')}; tcrypt ${tcrypt}`;
}

/** a ratio, 2 decimals (3 where a threshold is compared: 0.949 must not read 0.95) */
export function formatRatio(value: number | undefined, decimals = 2): string {
  return value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(decimals);
}

export function sizeLabel(size: number): string {
  return size >= 1024 && size % 1024 === 0 ? `${size / 1024}K` : String(size);
}

/** ✔ / ✘ n failed / not run */
export function candidateCorrectness(candidate: Pick<PriorityCandidate, 'correct' | 'failed'>): string {
  if (candidate.correct === true) return '✔';
  if (candidate.correct === false) return `✘ ${candidate.failed ?? 'some'} failed`;
  return 'not run';
}

/** Text safe in HTML element content and in a quoted attribute value; control characters made visible. */
export function esc(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Text safe in a table cell or a list item: no line breaks, no `|`, nothing read as HTML or
 * emphasis. Underscores stay (driver names are full of them, and inside a word they are literal).
 */
export function mdText(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/([\\`*[\]|])/g, '\\$1')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** What a driver row says of the executor that served it (nothing for AF_ALG). */
export function executorNote(row: { executor?: 'kernel' }): string {
  return row.executor === 'kernel' ? ' [in-kernel executor]' : '';
}

/** A Markdown table: header, alignment row (l or r per column), rows. */
export function mdTable(header: string[], rows: string[][], align: Array<'l' | 'r'>): string[] {
  return [`| ${header.join(' | ')} |`, `| ${align.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
}
