/**
 * Shared pieces of the adapters: hex → bytes with a location in the error, and the emitters that
 * turn one adapted vector into kernel-ready cases (both directions, EBADMSG, EINVAL) or a skip.
 *
 * Every byte field of a CaseBody is base64 (harness/protocol/messages.ts).
 */
import { BadInputError } from '../../harness/core/errors.js';
import type { CaseBody } from '../../harness/protocol/messages.js';
import type { Expectation, SkippedVector, VectorCase } from '../vector-case.js';

/** What an adapter makes of one file. */
export interface Adapted {
  cases: VectorCase[];
  skipped: SkippedVector[];
}

export interface AdaptOptions {
  /** the kernel algorithm the cases are for (it picks the rules: gcm vs rfc4106, sha2 vs sha3 MCT) */
  algorithm: string;
  /** Monte-Carlo hash files: how many checkpoints to run (default 10) */
  mctCheckpoints?: number;
}

export const DEFAULT_MCT_CHECKPOINTS = 10;


/** Hex (any letter case) to bytes; `where` starts the error line (`file:line: KEY` or `file: /json/path`). */
export function hexBytes(hex: string, where: string): Buffer {
  // Buffer.from stops at the first pair that is not hex, so a short result means bad input
  const bytes = Buffer.from(hex, 'hex');
  if (bytes.length * 2 !== hex.length) {
    throw new BadInputError(`${where}: not a hex byte string '${hex.length > 40 ? `${hex.slice(0, 40)}…` : hex}'`);
  }
  return bytes;
}

export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** What every case of one vector shares. */
export interface CaseBase {
  id: string;
  expectation: Expectation;
  comment?: string;
  flags?: string[];
}

function vectorCase(base: CaseBase, id: string, expectation: Expectation, body: CaseBody): VectorCase {
  const made: VectorCase = { id, expectation, body };
  if (base.comment) made.comment = base.comment;
  if (base.flags && base.flags.length > 0) made.flags = base.flags;
  return made;
}

export type Direction = 'encrypt' | 'decrypt';
/** which operations a vector runs: NIST files are one-directional, Wycheproof and RFC vectors both */
export type Directions = 'both' | Direction;

const opsOf = (directions: Directions): Direction[] => (directions === 'both' ? ['encrypt', 'decrypt'] : [directions]);

// ---------------------------------------------------------------- hash

export interface HashForm {
  key?: Buffer;
  msg: Buffer;
  expect?: Buffer;
  expectMismatch?: boolean;
  expectError?: string;
}

export function emitHash(out: Adapted, base: CaseBase, form: HashForm): void {
  const body: Record<string, unknown> = { type: 'hash' };
  if (form.key !== undefined) body.key = b64(form.key);
  body.msg = b64(form.msg);
  if (form.expect !== undefined) body.expect = b64(form.expect);
  if (form.expectMismatch) body.expectMismatch = true;
  // expectError on a hash (a key setkey must refuse): the agent checks it for any case type
  if (form.expectError !== undefined) body.expectError = form.expectError;
  out.cases.push(vectorCase(base, base.id, base.expectation, body as unknown as CaseBody));
}

// ---------------------------------------------------------------- skcipher

export interface SkcipherForm {
  key: Buffer;
  iv?: Buffer;
  pt: Buffer;
  ct: Buffer;
}

export const EMPTY_SKCIPHER = 'empty input: an skcipher request of 0 bytes cannot be expressed';

/** A known-answer skcipher vector, in the directions asked; an empty one is skipped. */
export function emitSkcipher(out: Adapted, base: CaseBase, form: SkcipherForm, directions: Directions, where: string): void {
  if (form.pt.length !== form.ct.length) {
    throw new BadInputError(`${where}: plaintext of ${form.pt.length} bytes but ciphertext of ${form.ct.length}`);
  }
  if (form.pt.length === 0) {
    out.skipped.push({ id: base.id, reason: EMPTY_SKCIPHER });
    return;
  }
  const key = b64(form.key);
  const iv = form.iv !== undefined ? b64(form.iv) : undefined;
  const pt = b64(form.pt);
  const ct = b64(form.ct);
  for (const op of opsOf(directions)) {
    const body: CaseBody = {
      type: 'skcipher',
      key,
      ...(iv !== undefined ? { iv } : {}),
      op,
      input: op === 'encrypt' ? pt : ct,
      expect: op === 'encrypt' ? ct : pt,
    };
    out.cases.push(vectorCase(base, `${base.id} ${op}`, base.expectation, body));
  }
}

// ---------------------------------------------------------------- aead

/** An AEAD vector as the source states it (Wycheproof AeadTest, NIST GCM/CCM, RFC files). */
export interface AeadVector {
  key: Buffer;
  nonce: Buffer;
  aad: Buffer;
  pt: Buffer;
  /** ciphertext without the tag */
  ct: Buffer;
  tag: Buffer;
}

/** The same vector in the form the kernel transform takes. */
export interface AeadKernelForm {
  key: Buffer;
  iv: Buffer;
  /** the whole AAD region sent (IPsec forms: AAD || IV) */
  assoc: Buffer;
  /** the data after the AAD region: plaintext, and the ciphertext without the tag */
  pt: Buffer;
  ct: Buffer;
  tag: Buffer;
}

/**
 * What a transform's rules make of a vector: a runnable form, parameters the kernel must refuse
 * with EINVAL (setkey, ALG_SET_AEAD_AUTHSIZE or the IV check), or a reason it cannot be sent.
 */
export type AeadShape = { form: AeadKernelForm } | { einval: AeadKernelForm; why: string } | { skip: string };

/**
 * valid / acceptable: encrypt (input pt, expect ct||tag) and decrypt (input ct||tag, expect pt), as
 * `directions` allows. invalid: decrypt only, EBADMSG. Parameter errors: one encrypt case that must
 * fail with EINVAL (only for vectors the source marks invalid).
 */
export function emitAead(out: Adapted, base: CaseBase, shape: AeadShape, directions: Directions): void {
  if ('skip' in shape) {
    out.skipped.push({ id: base.id, reason: shape.skip });
    return;
  }
  if ('einval' in shape) {
    if (base.expectation !== 'invalid') {
      out.skipped.push({ id: base.id, reason: `${shape.why}, although the vector is ${base.expectation}` });
      return;
    }
    const f = shape.einval;
    const body: CaseBody = {
      type: 'aead',
      key: b64(f.key),
      iv: b64(f.iv),
      assoc: b64(f.assoc),
      authsize: f.tag.length,
      op: 'encrypt',
      input: b64(f.pt),
      expectError: 'EINVAL',
    };
    out.cases.push(vectorCase({ ...base, comment: base.comment ? `${base.comment} (${shape.why})` : shape.why }, `${base.id} encrypt`, 'invalid', body));
    return;
  }
  const f = shape.form;
  const common = { key: b64(f.key), iv: b64(f.iv), assoc: b64(f.assoc), authsize: f.tag.length };
  const sealed = b64(Buffer.concat([f.ct, f.tag]));
  if (base.expectation === 'invalid') {
    if (directions === 'encrypt') throw new Error(`${base.id}: an invalid AEAD vector runs decrypt only`);
    out.cases.push(vectorCase(base, `${base.id} decrypt`, 'invalid', { type: 'aead', ...common, op: 'decrypt', input: sealed, expectError: 'EBADMSG' }));
    return;
  }
  if (f.pt.length !== f.ct.length) throw new Error(`${base.id}: plaintext and ciphertext lengths differ (${f.pt.length}/${f.ct.length})`);
  const pt = b64(f.pt);
  for (const op of opsOf(directions)) {
    const body: CaseBody =
      op === 'encrypt' ? { type: 'aead', ...common, op, input: pt, expect: sealed } : { type: 'aead', ...common, op, input: sealed, expect: pt };
    out.cases.push(vectorCase(base, `${base.id} ${op}`, base.expectation, body));
  }
}

/** `16, 24 or 32` */
export function listed(values: readonly number[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

/** `1 byte`, `12 bytes` */
export const bytes = (n: number): string => `${n} byte${n === 1 ? '' : 's'}`;
