/**
 * A case as the agent executes it: its base64 fields decoded once, however many transforms and
 * strategies it runs through, and the outcome of one execution (judged against the expectation)
 * before it goes on the wire.
 */
import type { Case, CaseBody, CaseOutcome, CaseStatus } from '../protocol/messages.js';

/** The result of one execution, before it is put on the wire. */
export interface RawOutcome {
  status: CaseStatus;
  error?: string;
  step?: string;
  /** the output, when it is needed: a mismatch, or no expectation to compare with */
  output?: Buffer;
}

export function toOutcome(raw: RawOutcome): Omit<CaseOutcome, 'ref'> {
  const outcome: Omit<CaseOutcome, 'ref'> = { status: raw.status };
  if (raw.error !== undefined) outcome.error = raw.error;
  if (raw.step !== undefined) outcome.step = raw.step;
  if (raw.output !== undefined) outcome.got = raw.output.toString('base64');
  return outcome;
}

export const KNOWN_TYPES = new Set(['hash', 'skcipher', 'aead', 'rng', 'hash-mct']);

export interface DecodedCommon {
  /** the case's socket index (CaseBase.socket) */
  socket?: number;
  expect?: Buffer;
  expectError?: string;
  expectMismatch?: boolean;
}
export interface DecodedHash extends DecodedCommon {
  type: 'hash';
  key: Buffer | null;
  msg: Buffer;
}
export interface DecodedSkcipher extends DecodedCommon {
  type: 'skcipher';
  key: Buffer;
  iv: Buffer | undefined;
  op: 'encrypt' | 'decrypt';
  input: Buffer;
}
export interface DecodedAead extends DecodedCommon {
  type: 'aead';
  key: Buffer;
  iv: Buffer;
  assoc: Buffer;
  authsize: number;
  op: 'encrypt' | 'decrypt';
  input: Buffer;
}
export interface DecodedRng extends DecodedCommon {
  type: 'rng';
  seed: Buffer | null;
  length: number;
}
export interface DecodedMct extends DecodedCommon {
  type: 'hash-mct';
  variant: 'sha2' | 'sha3';
  seed: Buffer;
  checkpoints: Buffer[];
}
export type DecodedCase = DecodedHash | DecodedSkcipher | DecodedAead | DecodedRng | DecodedMct;

const b64 = (text: string): Buffer => Buffer.from(text, 'base64');

/** Decode a case's base64 fields once, however many transforms and strategies it runs through. */
export function decodeCase(c: CaseBody | Case): DecodedCase {
  const common = (expect: string | undefined, expectError?: string, expectMismatch?: boolean): DecodedCommon => ({
    ...('socket' in c && c.socket !== undefined ? { socket: c.socket } : {}),
    ...(expect !== undefined ? { expect: b64(expect) } : {}),
    ...(expectError !== undefined ? { expectError } : {}),
    ...(expectMismatch ? { expectMismatch } : {}),
  });
  switch (c.type) {
    case 'hash':
      return { type: 'hash', key: c.key !== undefined ? b64(c.key) : null, msg: b64(c.msg), ...common(c.expect, c.expectError, c.expectMismatch) };
    case 'skcipher':
      return { type: 'skcipher', key: b64(c.key), iv: c.iv !== undefined ? b64(c.iv) : undefined, op: c.op, input: b64(c.input), ...common(c.expect, c.expectError) };
    case 'aead':
      return { type: 'aead', key: b64(c.key), iv: b64(c.iv), assoc: b64(c.assoc), authsize: c.authsize, op: c.op, input: b64(c.input), ...common(c.expect, c.expectError) };
    case 'rng':
      return { type: 'rng', seed: c.seed !== undefined ? b64(c.seed) : null, length: c.length, ...common(undefined) };
    case 'hash-mct':
      return { type: 'hash-mct', variant: c.variant, seed: b64(c.seed), checkpoints: c.expect.map(b64) };
  }
}

/** Compare an output with the case's expectation; the output is copied only when it is needed. */
export function judge(actual: Uint8Array, d: DecodedCase): RawOutcome {
  if (d.expectError !== undefined) return { status: 'fail', error: `succeeded, expected ${d.expectError}`, output: Buffer.from(actual) };
  if (d.expect === undefined) return { status: 'pass', output: Buffer.from(actual) };
  const equal = Buffer.compare(actual, d.expect) === 0;
  if (equal !== Boolean(d.expectMismatch)) return { status: 'pass' };
  return { status: 'fail', output: Buffer.from(actual) };
}
