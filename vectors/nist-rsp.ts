/**
 * Parser for NIST CAVP response files (`.rsp`, and the `.txt` files written in the same style).
 *
 * Structure only: it splits the text into bracket parameters and key = value records and keeps
 * every value as the string it found. It does not interpret hex, lengths or directions; later
 * stages do that per family (see ../shared/vectors/FORMATS.md).
 */
import fs from 'node:fs';
import { BadInputError } from '../harness/core/errors.js';

/** The bracket parameters in force from a run of bracket lines until the next one. */
export interface RspSection {
  /** 1-based line of the first bracket line of the run */
  line: number;
  /** accumulated parameters: `[NAME = VALUE]` sets NAME, a bare `[ENCRYPT]` sets `direction` */
  params: Record<string, string>;
}

export interface RspRecord {
  /** 1-based line of the record's first field (or FAIL) line */
  line: number;
  /** the bracket parameters in force (the same object as the matching `sections[i].params`) */
  section: Record<string, string>;
  /** NAME = value lines, values trimmed, names and letter case as written */
  fields: Record<string, string>;
  /** a bare `FAIL` line was part of the record: the operation must fail */
  fail: boolean;
}

export interface RspFile {
  file: string;
  sections: RspSection[];
  records: RspRecord[];
}

const FIELD = /^([A-Za-z_][A-Za-z0-9_ ]*?)\s*=\s*(.*)$/;
const BRACKET = /^\[(.*)\]$/;

function fail(file: string, line: number, what: string): never {
  throw new BadInputError(`${file}:${line}: ${what}`);
}

/**
 * Parse the parameters of one bracket line into `into`. `[ENCRYPT]` sets direction;
 * `[NAME = VALUE]` sets NAME; the CCM DVPT form `[A = 1, B = 2]` sets each pair.
 */
function applyBracket(body: string, into: Record<string, string>, file: string, line: number): void {
  const inner = body.trim();
  if (!inner.includes('=')) {
    if (inner === '') fail(file, line, 'empty bracket header');
    into.direction = inner;
    return;
  }
  for (const part of inner.split(',')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? '' : part.slice(0, eq).trim();
    if (name === '') fail(file, line, `malformed bracket parameter '${part.trim()}'`);
    into[name] = part.slice(eq + 1).trim();
  }
}

/** Parse the text of a CAVP file; `file` only labels error messages and the result. */
export function parseRsp(text: string, file: string): RspFile {
  const sections: RspSection[] = [];
  const records: RspRecord[] = [];
  let params: Record<string, string> = {};
  let section: RspSection | undefined;
  let record: RspRecord | undefined;

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = (lines[i] ?? '').replace(/\r$/, '').trim();

    if (line === '') {
      record = undefined;
      continue;
    }
    if (line.startsWith('#')) continue;

    const bracket = BRACKET.exec(line);
    if (bracket) {
      record = undefined;
      if (!section) {
        // a new run of bracket lines: copy what is in force, then override
        params = { ...params };
        section = { line: lineNo, params };
        sections.push(section);
      }
      applyBracket(bracket[1] ?? '', params, file, lineNo);
      continue;
    }
    section = undefined;

    if (!record) {
      record = { line: lineNo, section: params, fields: {}, fail: false };
      records.push(record);
    }
    if (line === 'FAIL') {
      if (record.fail) fail(file, lineNo, 'duplicate FAIL in one record');
      record.fail = true;
      continue;
    }
    const field = FIELD.exec(line);
    if (!field) fail(file, lineNo, `unrecognised line '${line.length > 60 ? `${line.slice(0, 60)}…` : line}'`);
    const name = field[1] ?? '';
    if (Object.hasOwn(record.fields, name)) {
      fail(file, lineNo, `duplicate key '${name}' in the record starting at line ${record.line}`);
    }
    record.fields[name] = field[2] ?? '';
  }
  return { file, sections, records };
}

/** Read and parse a CAVP file from disk. */
export function loadRsp(file: string): RspFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch (error) {
    throw new BadInputError(`${file}: cannot read: ${(error as Error).message}`);
  }
  return parseRsp(text, file);
}
