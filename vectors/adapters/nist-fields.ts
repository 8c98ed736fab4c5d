/** Field access for CAVP records (nist-rsp.ts keeps every value as the string it found). */
import { BadInputError } from '../../harness/core/errors.js';
import type { RspFile, RspRecord } from '../nist-rsp.js';
import { hexBytes, type CaseBase, type Direction, type Directions } from './common.js';

/** `file:line` of a record, to start an error line. */
export const at = (rsp: RspFile, record: RspRecord): string => `${rsp.file}:${record.line}`;

/** The value of the first of `names` the record has. */
export function optional(record: RspRecord, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = record.fields[name];
    if (value !== undefined) return value;
  }
  return undefined;
}

export function required(rsp: RspFile, record: RspRecord, ...names: string[]): string {
  const value = optional(record, ...names);
  if (value === undefined) throw new BadInputError(`${at(rsp, record)}: record has no ${names.join(' / ')}`);
  return value;
}

/**
 * A byte value: hex, or (the pyca RFC files) ASCII text in double quotes. The loader reads files as
 * latin1, so quoted text maps back to its bytes.
 */
export function valueBytes(rsp: RspFile, record: RspRecord, value: string, name: string): Buffer {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return Buffer.from(value.slice(1, -1), 'latin1');
  return hexBytes(value, `${at(rsp, record)}: ${name}`);
}

export function bytesOf(rsp: RspFile, record: RspRecord, ...names: string[]): Buffer {
  return valueBytes(rsp, record, required(rsp, record, ...names), names[0] ?? '');
}

export function optionalBytes(rsp: RspFile, record: RspRecord, ...names: string[]): Buffer | undefined {
  const value = optional(record, ...names);
  return value === undefined ? undefined : valueBytes(rsp, record, value, names[0] ?? '');
}

/** A decimal field. */
export function integer(rsp: RspFile, record: RspRecord, value: string | undefined, name: string): number {
  if (value === undefined || !/^\d+$/.test(value.trim())) throw new BadInputError(`${at(rsp, record)}: ${name} is not a decimal number ('${value ?? ''}')`);
  return Number(value.trim());
}

/** `COUNT 3 line 1234`, or `line 1234` for records without a count. */
export function recordId(record: RspRecord): string {
  const count = optional(record, 'COUNT', 'Count', 'count');
  return count !== undefined ? `COUNT ${count} line ${record.line}` : `line ${record.line}`;
}

const sectionComments = new WeakMap<Record<string, string>, string>();

/** The bracket parameters in force, as a comment (`Keylen = 128, IVlen = 96`), shared per section. */
export function sectionComment(section: Record<string, string>): string | undefined {
  let comment = sectionComments.get(section);
  if (comment === undefined) {
    comment = Object.entries(section)
      .map(([name, value]) => (name === 'direction' ? value : `${name} = ${value}`))
      .join(', ');
    sectionComments.set(section, comment);
  }
  return comment === '' ? undefined : comment;
}

export function baseOf(record: RspRecord, expectation: CaseBase['expectation'] = 'valid', comment = sectionComment(record.section)): CaseBase {
  const base: CaseBase = { id: recordId(record), expectation };
  if (comment) base.comment = comment;
  return base;
}

/** The direction of a record from its `[ENCRYPT]` / `[DECRYPT]` section; none: a directionless RFC vector. */
export function directionOf(rsp: RspFile, record: RspRecord): Directions {
  const direction = record.section.direction;
  if (direction === undefined) return 'both';
  const upper = direction.toUpperCase();
  if (upper === 'ENCRYPT' || upper === 'DECRYPT') return upper.toLowerCase() as Direction;
  throw new BadInputError(`${at(rsp, record)}: unknown section [${direction}]`);
}
