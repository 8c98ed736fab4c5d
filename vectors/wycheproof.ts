/**
 * Loader for Wycheproof v1 test-vector files (`testvectors_v1/*.json`).
 *
 * Each file names its schema in its `schema` field. All files of the schemas folder go into one
 * Ajv instance under their file names, so `common.json#/definitions/Source` style refs resolve.
 * Byte strings stay hex strings; later stages pick the fields their group type needs.
 */
import fs from 'node:fs';
import path from 'node:path';
import AjvModule, { type ValidateFunction } from 'ajv';
import { BadInputError } from '../harness/core/errors.js';
import { describeSchemaError } from '../harness/core/json-validation.js';

// ajv is CommonJS; under NodeNext its default export is the module object
const Ajv = AjvModule.default;
type AjvInstance = InstanceType<typeof Ajv>;

export type WycheproofResult = 'valid' | 'invalid' | 'acceptable';

export interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  result: WycheproofResult;
  /** the type's fields (key, iv, aad, msg, ct, tag, sig, label, ...), hex kept as strings */
  [field: string]: unknown;
}

export interface WycheproofGroup {
  type: string;
  source?: { name: string; version: string };
  /** the type's parameters (keySize, ivSize, tagSize in bits; RSA key encodings, ...) */
  [param: string]: unknown;
  tests: WycheproofTest[];
}

export interface WycheproofNote {
  bugType: string;
  description?: string;
  effect?: string;
  links?: string[];
  cves?: string[];
}

export interface WycheproofFile {
  file: string;
  /** missing in a few files upstream */
  algorithm?: string;
  schema: string;
  numberOfTests: number;
  header: string[];
  notes: Record<string, WycheproofNote>;
  testGroups: WycheproofGroup[];
}

/** Wycheproof's own format names. HexBytes is checked; the others are documentation only. */
const FORMATS: Record<string, RegExp | true> = {
  HexBytes: /^(?:[0-9a-fA-F]{2})*$/,
  Hex: /^[0-9a-fA-F]*$/,
  CompressedHexBytes: true,
  BigInt: true,
  Asn: true,
  Der: true,
  Pem: true,
  EcCurve: true,
  MdName: true,
};

interface SchemaSet {
  ajv: AjvInstance;
  compiled: Map<string, ValidateFunction>;
}
const schemaSets = new Map<string, SchemaSet>();

/** One Ajv instance per schemas folder, holding every schema file under its file name. */
function schemaSet(schemasDir: string): SchemaSet {
  const dir = path.resolve(schemasDir);
  let set = schemaSets.get(dir);
  if (set) return set;
  // strict, except strictRequired: a few upstream schemas (mldsa_sign_common, mlkem_semi_expanded_decaps,
  // c2sp_chunked_encryption) list `required` names in if/then branches that the branch does not define
  const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: false });
  for (const [name, check] of Object.entries(FORMATS)) {
    ajv.addFormat(name, check);
  }
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const schema = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as Record<string, unknown>;
    ajv.addSchema(schema, name);
  }
  set = { ajv, compiled: new Map() };
  schemaSets.set(dir, set);
  return set;
}

function validatorFor(schemasDir: string, schemaName: string, file: string): ValidateFunction {
  const set = schemaSet(schemasDir);
  let validate = set.compiled.get(schemaName);
  if (!validate) {
    const found = set.ajv.getSchema(schemaName);
    if (!found) throw new BadInputError(`${file}: unknown schema '${schemaName}' (not in ${schemasDir})`);
    validate = found;
    set.compiled.set(schemaName, validate);
  }
  return validate;
}

/** The schemas folder next to a `testvectors_v1/` file. */
export function defaultSchemasDir(file: string): string {
  return path.join(path.dirname(path.dirname(path.resolve(file))), 'schemas');
}

/**
 * Read a Wycheproof file, validate it against the schema it names, and return it typed.
 * Errors are BadInputError with the file path first.
 */
export function loadWycheproof(file: string, schemasDir = defaultSchemasDir(file)): WycheproofFile {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new BadInputError(`${file}: cannot read JSON: ${(error as Error).message}`);
  }
  const schemaName = (data as { schema?: unknown } | null)?.schema;
  if (typeof schemaName !== 'string') throw new BadInputError(`${file}: /schema must be string`);
  const validate = validatorFor(schemasDir, schemaName, file);
  if (!validate(data)) {
    const first = validate.errors?.[0];
    throw new BadInputError(`${file}: ${first ? describeSchemaError(first) : 'does not match its schema'}`);
  }
  const raw = data as Omit<WycheproofFile, 'file' | 'header' | 'notes'> & { header?: string[]; notes?: Record<string, WycheproofNote> };
  return {
    file,
    ...(raw.algorithm === undefined ? {} : { algorithm: raw.algorithm }),
    schema: raw.schema,
    numberOfTests: raw.numberOfTests,
    header: raw.header ?? [],
    notes: raw.notes ?? {},
    testGroups: raw.testGroups,
  };
}

/** Every test of the file, with its group. */
export function* wycheproofTests(data: WycheproofFile): Generator<{ group: WycheproofGroup; test: WycheproofTest }> {
  for (const group of data.testGroups) {
    for (const test of group.tests) yield { group, test };
  }
}
