/**
 * Parser for /proc/crypto. Strict: a malformed block is an error naming the block and the line,
 * because a silently mis-read priority or self-test field would make every verdict wrong.
 */

export interface CryptoEntry {
  name: string;
  driver: string;
  module: string;
  priority: number;
  refcnt: number;
  /** passed | unknown (self-test failed or not run) */
  selftest: string;
  internal: boolean;
  /** /proc/crypto type: skcipher, aead, shash, ahash, cipher, akcipher, kpp, rng, scomp… */
  type: string;
  /** only skcipher/aead/ahash print it */
  async?: boolean;
  /** every field as printed, including the type-specific ones (blocksize, ivsize, digestsize…) */
  fields: Record<string, string>;
  /** 1-based line of the block's first field */
  line: number;
}

export class ProcCryptoParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly block: number,
  ) {
    super(`/proc/crypto block ${block} (line ${line}): ${message}`);
    this.name = 'ProcCryptoParseError';
  }
}

const REQUIRED = ['name', 'driver', 'module', 'priority', 'refcnt', 'selftest', 'internal', 'type'] as const;
const FIELD_LINE = /^([a-z][a-z0-9 _-]*?)\s*: (.*)$/;

export function parseProcCrypto(text: string): CryptoEntry[] {
  const entries: CryptoEntry[] = [];
  const lines = text.split('\n');
  // a trailing newline yields one empty last element; anything else unterminated is a truncated line
  const endsClean = text.length === 0 || text.endsWith('\n');
  let fields: Record<string, string> | null = null;
  let fieldLines: Record<string, number> = {};
  let blockLine = 0;
  let block = 0;

  const finish = (atLine: number): void => {
    if (!fields) return;
    entries.push(toEntry(fields, fieldLines, blockLine, block, atLine));
    fields = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const lineNo = i + 1;
    if (i === lines.length - 1 && raw === '' && endsClean) break;
    if (raw.trim() === '') {
      finish(lineNo);
      continue;
    }
    if (!fields) {
      fields = {};
      fieldLines = {};
      blockLine = lineNo;
      block++;
    }
    const match = FIELD_LINE.exec(raw);
    if (!match) {
      throw new ProcCryptoParseError(`expected "field : value", got ${JSON.stringify(raw.slice(0, 60))}`, lineNo, block);
    }
    const key = (match[1] ?? '').trim();
    const value = match[2] ?? '';
    if (key in fields) throw new ProcCryptoParseError(`duplicate field '${key}'`, lineNo, block);
    if (i === lines.length - 1 && !endsClean) {
      throw new ProcCryptoParseError(`truncated: last line has no newline (${JSON.stringify(raw.slice(0, 60))})`, lineNo, block);
    }
    fields[key] = value;
    fieldLines[key] = lineNo;
  }
  finish(lines.length);
  return entries;
}

function toEntry(fields: Record<string, string>, fieldLines: Record<string, number>, line: number, block: number, endLine: number): CryptoEntry {
  for (const key of REQUIRED) {
    if (!(key in fields)) throw new ProcCryptoParseError(`missing field '${key}' (block ends at line ${endLine})`, line, block);
  }
  const int = (key: string): number => {
    const value = fields[key] ?? '';
    if (!/^-?\d+$/.test(value)) throw new ProcCryptoParseError(`field '${key}' is not an integer: ${JSON.stringify(value)}`, fieldLines[key] ?? line, block);
    return Number(value);
  };
  const yesNo = (key: string): boolean => {
    const value = fields[key];
    if (value !== 'yes' && value !== 'no') {
      throw new ProcCryptoParseError(`field '${key}' must be yes or no, got ${JSON.stringify(value)}`, fieldLines[key] ?? line, block);
    }
    return value === 'yes';
  };
  const entry: CryptoEntry = {
    name: fields.name ?? '',
    driver: fields.driver ?? '',
    module: fields.module ?? '',
    priority: int('priority'),
    refcnt: int('refcnt'),
    selftest: fields.selftest ?? '',
    internal: yesNo('internal'),
    type: fields.type ?? '',
    fields,
    line,
  };
  if ('async' in fields) entry.async = yesNo('async');
  return entry;
}

/** Key that identifies one registered algorithm instance. Driver names are unique per type. */
export function entryKey(entry: Pick<CryptoEntry, 'driver' | 'type'>): string {
  return `${entry.type}:${entry.driver}`;
}
