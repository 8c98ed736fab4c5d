/**
 * Reads a run directory back: run.json and every line of results.jsonl, each validated against
 * reports/results.schema.json. A run killed mid-write may leave its last line cut short: that one
 * line is dropped and counted; a bad line anywhere else is an error naming its line number.
 */
import fs from 'node:fs';
import path from 'node:path';
import AjvModule, { type ValidateFunction } from 'ajv';
import { BadInputError } from '../core/errors.js';
import { describeSchemaError, readJsonFile } from '../core/json-validation.js';
import { projectRoot } from '../core/paths.js';
import { RESULTS_FILE, RUN_FILE, type ResultLine } from './result-model.js';
import { type RunMeta } from './run-record.js';

// ajv is CommonJS; under NodeNext its default export is the module object
const Ajv = AjvModule.default;

export const resultsSchemaPath = path.join(projectRoot, 'reports', 'results.schema.json');

const LINE_DEFINITIONS: Record<ResultLine['kind'], string> = {
  tally: 'TallyLine',
  skip: 'SkipLine',
  unusable: 'UnusableLine',
  unbindable: 'UnbindableLine',
  incident: 'IncidentLine',
  hang: 'HangLine',
  'kernel-event': 'KernelEventLine',
  bench: 'BenchLine',
  tcrypt: 'TcryptLine',
  done: 'BatchDoneLine',
  resumed: 'ResumedLine',
};

interface Validators {
  meta: ValidateFunction;
  lines: Map<string, ValidateFunction>;
}

let validators: Validators | undefined;

function validatorsOf(): Validators {
  if (validators) return validators;
  const schema = JSON.parse(fs.readFileSync(resultsSchemaPath, 'utf8')) as { $id: string };
  const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
  ajv.addSchema(schema);
  const get = (definition: string): ValidateFunction => {
    const validate = ajv.getSchema(`${schema.$id}#/definitions/${definition}`);
    if (!validate) throw new Error(`${resultsSchemaPath}: no definition ${definition}`);
    return validate;
  };
  validators = {
    meta: get('RunMeta'),
    lines: new Map(Object.entries(LINE_DEFINITIONS).map(([kind, definition]) => [kind, get(definition)])),
  };
  return validators;
}

/** Validate a parsed run.json; returns the reason it is invalid, or undefined. */
export function runMetaProblem(data: unknown): string | undefined {
  const validate = validatorsOf().meta;
  if (validate(data)) return undefined;
  const first = validate.errors?.[0];
  return first ? describeSchemaError(first) : 'does not match the results schema';
}

/** Validate one parsed line of results.jsonl; returns the reason it is invalid, or undefined. */
export function resultLineProblem(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'not a JSON object';
  const kind = (data as { kind?: unknown }).kind;
  if (kind === undefined) return "missing field '/kind'";
  const validate = typeof kind === 'string' ? validatorsOf().lines.get(kind) : undefined;
  if (!validate) {
    return `field '/kind' must be one of ${Object.keys(LINE_DEFINITIONS)
      .map((k) => JSON.stringify(k))
      .join(', ')}`;
  }
  if (validate(data)) return undefined;
  const first = validate.errors?.[0];
  return first ? describeSchemaError(first) : 'does not match the results schema';
}

export interface RunRead {
  meta: RunMeta;
  lines: ResultLine[];
  /** lines dropped because the run was killed while writing them (only ever the last line) */
  damagedLines: number;
}

/**
 * run.json of a harness before RunSettings kept `options` (strategies, differential, bench…, no
 * board or vectors directory): read as settings, so `report DIR` renders old runs too. Such a run
 * cannot be resumed by board file alone; its board file and vectors directory come from run.json.
 */
export function upgradeLegacyMeta(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || !('options' in data) || 'settings' in data) return data;
  const { options, ...rest } = data as { options: Record<string, unknown>; board?: { file?: unknown }; vectors?: { dir?: unknown }; [key: string]: unknown };
  const { vectors, tcrypt: _tcrypt, ...kept } = options as { vectors?: unknown; tcrypt?: unknown; [key: string]: unknown };
  const bench = kept.bench as { tcrypt?: boolean; cReference?: unknown; [key: string]: unknown } | undefined;
  const { tcrypt: benchTcrypt, cReference, ...benchKept } = bench ?? {};
  const settings = {
    board: rest.board?.file,
    ...(vectors !== false && typeof rest.vectors?.dir === 'string' ? { vectorsDir: rest.vectors.dir } : {}),
    seed: '',
    mctCheckpoints: 10,
    hangSec: 20,
    fixtures: [],
    loadModules: [],
    ...kept,
    ...(bench ? { bench: { ...benchKept, cReference: typeof cReference === 'string' && !cReference.startsWith('off') } } : {}),
  };
  if (bench && benchTcrypt === false) delete (settings.bench as { tcryptSec?: number }).tcryptSec;
  return { ...rest, settings, ...(typeof cReference === 'string' ? { cReference } : {}) };
}

function readMeta(dir: string): RunMeta {
  const file = path.join(dir, RUN_FILE);
  const data = upgradeLegacyMeta(readJsonFile(file, `not found (is ${dir} a run directory?)`));
  const problem = runMetaProblem(data);
  if (problem) throw new BadInputError(`${file}: ${problem}`);
  return data as RunMeta;
}

function readLines(dir: string, meta: RunMeta): { lines: ResultLine[]; damagedLines: number } {
  const file = path.join(dir, RESULTS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // a run that died before its first batch may have no results yet; a finished one must
    if (code === 'ENOENT' && !meta.complete) return { lines: [], damagedLines: 0 };
    if (code === 'ENOENT') throw new BadInputError(`${file}: not found, but ${RUN_FILE} says the run is complete`);
    throw new BadInputError(`${file}: cannot read: ${(error as Error).message}`);
  }
  const physical = text.split('\n');
  let last = physical.length - 1;
  while (last >= 0 && (physical[last] as string).trim() === '') last--;
  const lines: ResultLine[] = [];
  let damagedLines = 0;
  for (let index = 0; index <= last; index++) {
    const raw = physical[index] as string;
    if (raw.trim() === '') continue;
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch (error) {
      // the run was killed mid-write: only the last line can be cut short
      if (index === last) {
        damagedLines++;
        continue;
      }
      throw new BadInputError(`${file}:${index + 1}: not valid JSON: ${(error as Error).message}`);
    }
    const problem = resultLineProblem(data);
    if (problem) throw new BadInputError(`${file}:${index + 1}: ${problem}`);
    lines.push(data as ResultLine);
  }
  return { lines, damagedLines };
}

/** Read and validate a run directory (run.json + results.jsonl). Throws BadInputError naming the file and field. */
export function readRun(dir: string): RunRead {
  const meta = readMeta(dir);
  return { meta, ...readLines(dir, meta) };
}
