/**
 * Every JSON input (board files, driver specs, vector files) goes through ajv; a failure becomes
 * one line naming the file and the field.
 */
import fs from 'node:fs';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { BadInputError } from './errors.js';

// ajv is CommonJS; under NodeNext its default export is the module object
const Ajv = AjvModule.default;

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
const compiled = new Map<string, ValidateFunction>();

export function validatorFor(schemaPath: string): ValidateFunction {
  let validate = compiled.get(schemaPath);
  if (!validate) {
    const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as object;
    validate = ajv.compile(schema);
    compiled.set(schemaPath, validate);
  }
  return validate;
}

/** "field /qemu/memory: unknown field" style description of the first error. */
export function describeSchemaError(error: ErrorObject): string {
  const at = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') {
    const field = (error.params as { additionalProperty: string }).additionalProperty;
    return `unknown field '${at === '/' ? '' : at}/${field}'`;
  }
  if (error.keyword === 'required') {
    const field = (error.params as { missingProperty: string }).missingProperty;
    return `missing field '${at === '/' ? '' : at}/${field}'`;
  }
  if (error.keyword === 'false schema') return `field '${at}' is not allowed here`;
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
    return `field '${at}' must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return `field '${at}' ${error.message ?? 'is invalid'}`;
}

/**
 * Read and parse a JSON file; throws BadInputError naming the file. `missingHint` replaces the
 * plain "cannot read" message when the file does not exist.
 */
export function readJsonFile(file: string, missingHint?: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (missingHint && (error as NodeJS.ErrnoException).code === 'ENOENT') throw new BadInputError(`${file}: ${missingHint}`);
    throw new BadInputError(`${file}: cannot read: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BadInputError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
}

/** Read, parse and validate a JSON file; throws BadInputError naming the file and field. */
export function readValidatedJson<T>(file: string, schemaPath: string): T {
  const data = readJsonFile(file);
  const validate = validatorFor(schemaPath);
  if (!validate(data)) {
    const first = validate.errors?.[0];
    throw new BadInputError(`${file}: ${first ? describeSchemaError(first) : 'does not match its schema'}`);
  }
  return data as T;
}
