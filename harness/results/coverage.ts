/**
 * Coverage: per algorithm and target, which dimensions the planned cases exercise and by how many
 * cases: lengths, key sizes, counter wraps, AAD lengths, tag sizes, forged tags, refusals, sockets,
 * strategies, and how many threads the agent may run them on at once. A thin set (fewer than
 * THIN_CASES cases, or nothing beyond one page) is a warning verdict, not a quiet "ok". Pure: the
 * input is the plan (its batches carry every case), so a report can show it without the kernel.
 */
import type { CaseBody, SplitStrategy } from '../protocol/messages.js';
import type { CaseDims, VectorCase } from '../../vectors/vector-case.js';
import { MAX_WORKERS, MIN_CASES_PER_WORKER } from '../protocol/constants.js';
import type { CoverageRow, Range } from './run-record.js';

export type { CoverageRow, Range };

export const THIN_CASES = 100;
export const PAGE_BYTES = 4096;

export interface CoverageVerdict {
  algorithm: string;
  severity: 'warning';
  rule: 'thin-coverage';
  message: string;
  /** the target the verdict is about */
  drivers: string[];
}

/** What a batch looks like to coverage (a PlannedBatch has all of it). */
export interface CoverageBatch {
  algorithm: string;
  source: string;
  targets: Array<{ name: string }>;
  strategies: SplitStrategy[];
  cases: VectorCase[];
}

const b64Length = (text: string | undefined): number => (text === undefined ? 0 : Buffer.byteLength(text, 'base64'));

/** The dimensions of a case: the generator's own, else read from the body (vector files). */
export function dimsOf(vectorCase: VectorCase): CaseDims {
  if (vectorCase.dims) return vectorCase.dims;
  const body: CaseBody = vectorCase.body;
  switch (body.type) {
    case 'hash':
      return { length: b64Length(body.msg), ...(body.key !== undefined ? { keyLength: b64Length(body.key) } : {}) };
    case 'skcipher':
      return { length: b64Length(body.input), keyLength: b64Length(body.key) };
    case 'aead': {
      const input = b64Length(body.input);
      return { length: body.op === 'decrypt' ? Math.max(0, input - body.authsize) : input, keyLength: b64Length(body.key), aadLength: b64Length(body.assoc), authsize: body.authsize };
    }
    default:
      return { length: 3 * b64Length(body.seed) };
  }
}

function familyOf(source: string): keyof CoverageRow['bySource'] {
  if (source.startsWith('boundary')) return 'boundary';
  if (source === 'differential') return 'differential';
  return 'vectors';
}

const widen = (range: Range | undefined, value: number): Range => (range ? { min: Math.min(range.min, value), max: Math.max(range.max, value) } : { min: value, max: value });
const sorted = (values: Iterable<number>): number[] => [...new Set(values)].sort((a, b) => a - b);

interface Tally {
  row: CoverageRow;
  keys: Set<number>;
  widths: Set<number>;
  wraps: Set<number>;
  authsizes: Set<number>;
  strategies: Set<SplitStrategy>;
}

function emptyTally(algorithm: string, target: string): Tally {
  return {
    row: { algorithm, target, cases: 0, executions: 0, strategies: [], length: { min: Infinity, max: 0 }, beyondPage: 0, keySizes: [], refusals: 0, counterWidths: [], wrapPoints: [], authsizes: [], forgedTags: 0, sockets: 1, threads: 1, bySource: { vectors: 0, boundary: 0, differential: 0 } },
    keys: new Set(),
    widths: new Set(),
    wraps: new Set(),
    authsizes: new Set(),
    strategies: new Set(),
  };
}

function addCase(tally: Tally, vectorCase: VectorCase, strategies: SplitStrategy[], source: string): void {
  const { row } = tally;
  const dims = dimsOf(vectorCase);
  row.cases++;
  row.executions += strategies.length;
  row.bySource[familyOf(source)]++;
  row.length = widen(row.length, dims.length);
  if (dims.length > PAGE_BYTES) row.beyondPage++;
  // sizes count where they were used; a refused size is a refusal (forged tags keep their size)
  const refusal = 'expectError' in vectorCase.body && vectorCase.body.expectError !== undefined;
  if (refusal) row.refusals++;
  if (dims.keyLength !== undefined && (!refusal || dims.forged)) tally.keys.add(dims.keyLength);
  if (dims.counterWidth !== undefined) tally.widths.add(dims.counterWidth);
  if (dims.wrapAt !== undefined) tally.wraps.add(dims.wrapAt);
  if (dims.aadLength !== undefined) row.aad = widen(row.aad, dims.aadLength);
  if (dims.authsize !== undefined && (!refusal || dims.forged)) tally.authsizes.add(dims.authsize);
  if (dims.forged) row.forgedTags++;
  if (dims.socket !== undefined) row.sockets = Math.max(row.sockets, dims.socket + 1);
  for (const strategy of strategies) tally.strategies.add(strategy);
}

/** Coverage of every algorithm × target the batches run, in plan order. */
export function coverageOf(batches: readonly CoverageBatch[]): CoverageRow[] {
  const tallies = new Map<string, Tally>();
  for (const batch of batches) {
    const threads = Math.max(1, Math.min(MAX_WORKERS, Math.floor(batch.cases.length / MIN_CASES_PER_WORKER)));
    for (const target of batch.targets) {
      const key = `${batch.algorithm}\0${target.name}`;
      const tally = tallies.get(key) ?? emptyTally(batch.algorithm, target.name);
      tallies.set(key, tally);
      tally.row.threads = Math.max(tally.row.threads, threads);
      for (const vectorCase of batch.cases) addCase(tally, vectorCase, vectorCase.strategies ?? batch.strategies, batch.source);
    }
  }
  return [...tallies.values()].map(({ row, keys, widths, wraps, authsizes, strategies }) => ({
    ...row,
    length: row.cases > 0 ? row.length : { min: 0, max: 0 },
    keySizes: sorted(keys),
    counterWidths: sorted(widths),
    wrapPoints: sorted(wraps),
    authsizes: sorted(authsizes),
    strategies: [...strategies],
  }));
}

/** A warning for every target checked only by a thin set of cases. */
export function coverageVerdicts(rows: readonly CoverageRow[]): CoverageVerdict[] {
  const verdicts: CoverageVerdict[] = [];
  for (const row of rows) {
    const why: string[] = [];
    if (row.cases < THIN_CASES) why.push(`only ${row.cases} cases (fewer than ${THIN_CASES})`);
    if (row.beyondPage === 0) why.push(`nothing longer than one page (longest ${row.length.max} bytes)`);
    if (why.length === 0) continue;
    verdicts.push({ algorithm: row.algorithm, severity: 'warning', rule: 'thin-coverage', drivers: [row.target], message: `${row.target} (${row.algorithm}) is checked by a thin set: ${why.join(' and ')}` });
  }
  return verdicts;
}

/** One line per row, for a terminal or a report: what was exercised and by how many cases. */
export function describeCoverage(row: CoverageRow): string {
  const parts = [
    `${row.cases} cases (${row.bySource.vectors} vectors, ${row.bySource.boundary} boundary, ${row.bySource.differential} differential)`,
    `lengths ${row.length.min}..${row.length.max} (${row.beyondPage} beyond a page)`,
    ...(row.keySizes.length > 0 ? [`keys ${row.keySizes.join('/')}`] : []),
    ...(row.refusals > 0 ? [`${row.refusals} refusals`] : []),
    ...(row.counterWidths.length > 0 ? [`counter wraps ${row.counterWidths.join('/')}-bit at blocks ${row.wrapPoints.join('/')}`] : []),
    ...(row.aad ? [`AAD ${row.aad.min}..${row.aad.max}`] : []),
    ...(row.authsizes.length > 0 ? [`tags ${row.authsizes.join('/')}`] : []),
    ...(row.forgedTags > 0 ? [`${row.forgedTags} forged tags`] : []),
    ...(row.sockets > 1 ? [`${row.sockets} sockets interleaved`] : []),
    `strategies ${row.strategies.join(',')}`,
    `up to ${row.threads} threads`,
  ];
  return `${row.algorithm} ${row.target}: ${parts.join('; ')}`;
}
