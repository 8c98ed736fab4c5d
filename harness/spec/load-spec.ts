/**
 * Reading a drivers-spec: where the files are, validation against the schema with errors worded
 * for a vendor (a bad name pattern is explained), and the content run.json stores.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ErrorObject } from 'ajv';
import { BadInputError } from '../core/errors.js';
import { describeSchemaError, readJsonFile, validatorFor } from '../core/json-validation.js';
import { projectRoot } from '../core/paths.js';
import type { DriversSpec, Requirement } from './spec-model.js';

export const driversSpecDir = path.join(projectRoot, 'drivers-spec');
export const driversSpecSchemaPath = path.join(driversSpecDir, 'drivers-spec.schema.json');

/** `--spec NAME` (a file in drivers-spec/) or `--spec PATH`. */
export function driversSpecPath(nameOrPath: string): string {
  if (nameOrPath.includes('/') || nameOrPath.endsWith('.json')) return path.resolve(nameOrPath);
  return path.join(driversSpecDir, `${nameOrPath}.json`);
}

/** The bundled specs, by name. */
export function listDriversSpecs(): string[] {
  return fs
    .readdirSync(driversSpecDir)
    .filter((file) => file.endsWith('.json') && !file.endsWith('.schema.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

const PATTERN_HELP = 'a pattern is a literal name where * and ? are wildcards, alternatives separated by |, e.g. virtio_crypto_*|*-aesni';

/** The value at a JSON pointer (`/requirements/0/driver`). */
function valueAt(data: unknown, pointer: string): unknown {
  let value = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Why a name pattern is refused, in words. */
function patternProblem(value: string): string {
  if (value.includes('.*') || /[\^$[\]\\{}+]/.test(value)) return `looks like a regular expression; ${PATTERN_HELP}`;
  if (/\s/.test(value)) return `contains white space; ${PATTERN_HELP}`;
  if (value.split('|').some((part) => part === '')) return `has an empty alternative; ${PATTERN_HELP}`;
  return PATTERN_HELP;
}

/** One line for the first schema error, patterns explained. */
function describeSpecError(error: ErrorObject, data: unknown): string {
  if (error.keyword === 'pattern') {
    const at = error.instancePath || '/';
    const value = valueAt(data, error.instancePath);
    const shown = JSON.stringify(value);
    if (error.schemaPath.includes('/namePattern/')) return `field '${at}' is not a name pattern: ${shown} ${patternProblem(String(value))}`;
    if (error.schemaPath.includes('/algorithmName/')) return `field '${at}' must be one algorithm name such as cbc(aes) (no wildcards, no |, no spaces), got ${shown}`;
    if (error.schemaPath.includes('/id/')) return `field '${at}' must be letters, digits, '.', '_', ':' or '-', got ${shown}`;
    if (at === '/name') return `field '/name' must be letters, digits, '.', '_' or '-', got ${shown}`;
  }
  return describeSchemaError(error);
}

/**
 * Validate parsed spec content (a file's JSON, or what run.json stored); throws BadInputError
 * `FILE: field '/requirements/2/driver' …`.
 */
export function driversSpecFrom(content: unknown, file: string): DriversSpec {
  const validate = validatorFor(driversSpecSchemaPath);
  if (!validate(content)) {
    const first = validate.errors?.[0];
    throw new BadInputError(`${file}: ${first ? describeSpecError(first, content) : 'does not match the drivers-spec schema'}`);
  }
  const data = content as { name: string; description?: string; requirements: Requirement[] };
  const seen = new Map<string, number>();
  data.requirements.forEach((requirement, index) => {
    const earlier = seen.get(requirement.id);
    if (earlier !== undefined) throw new BadInputError(`${file}: field '/requirements/${index}/id': duplicate requirement id '${requirement.id}' (also /requirements/${earlier}/id)`);
    seen.set(requirement.id, index);
  });
  return {
    name: data.name,
    ...(data.description !== undefined ? { description: data.description } : {}),
    requirements: data.requirements.map((requirement) => ({ ...requirement })),
    file,
  };
}

/** Read and validate a spec file (a bundled name or a path); BadInputError naming file and field. */
export function loadDriversSpec(nameOrPath: string): DriversSpec {
  const file = driversSpecPath(nameOrPath);
  const content = readJsonFile(file, `no such drivers-spec file (bundled specs: ${listDriversSpecs().join(', ') || 'none'})`);
  return driversSpecFrom(content, file);
}

/** What run.json stores as `spec.content`: the spec without where it was read from. */
export function specContent(spec: DriversSpec): unknown {
  return { name: spec.name, ...(spec.description !== undefined ? { description: spec.description } : {}), requirements: spec.requirements };
}
