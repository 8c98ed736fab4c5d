/**
 * Hash and MAC files in CAVP style:
 *
 * - `hash`: SHAVS/SHA3VS ShortMsg/LongMsg and the RFC files (md5, sm3, blake2b): `Len` (bits),
 *   `Msg`, `MD`. `Len = 0` is written `Msg = 00`, so the message is cut to Len/8 bytes.
 * - `hash-monte`: one `Seed`, then COUNT/MD checkpoints; becomes one hash-mct case with the first
 *   `mctCheckpoints` checkpoints (sha3-* use the SHA-3 loop). The remaining checkpoints are listed as
 *   skipped, so that the report shows they were not run.
 * - `mac`: HMAC RFC files (`Len`, `Key`, `Msg`, `MD`) and the SP 800-38B CMAC examples (`KEY` or
 *   `KEY1..3`, `MESSAGE`, `OUTPUT`).
 * - `poly1305`: `KEY`, `MSG`, `TAG`. Assumption (vectors/README.md §3): the kernel's poly1305 shash has no
 *   setkey and takes the 32-byte one-time key from the first 32 bytes of the data, so the case sends
 *   msg = key || message without a key. Kernels that changed this will fail these cases visibly.
 */
import { BadInputError } from '../../harness/core/errors.js';
import type { CaseBody } from '../../harness/protocol/messages.js';
import type { RspFile, RspRecord } from '../nist-rsp.js';
import { DEFAULT_MCT_CHECKPOINTS, b64, emitHash, type AdaptOptions, type Adapted } from './common.js';
import { at, baseOf, bytesOf, integer, optional, optionalBytes, required } from './nist-fields.js';

/** `Msg` cut to `Len` bits (which must be whole bytes); without Len, the whole value. */
function message(rsp: RspFile, record: RspRecord, out: Adapted, ...names: string[]): Buffer | undefined {
  const msg = bytesOf(rsp, record, ...names);
  const lenField = optional(record, 'Len');
  if (lenField === undefined) return msg;
  const bits = integer(rsp, record, lenField, 'Len');
  if (bits % 8 !== 0) {
    out.skipped.push({ id: baseOf(record).id, reason: `message of ${bits} bits: AF_ALG hashes whole bytes only` });
    return undefined;
  }
  const length = bits / 8;
  if (msg.length < length) throw new BadInputError(`${at(rsp, record)}: Len = ${bits} but Msg has ${msg.length} bytes`);
  return msg.subarray(0, length);
}

export function adaptHash(rsp: RspFile, out: Adapted): void {
  for (const record of rsp.records) {
    const msg = message(rsp, record, out, 'Msg');
    if (msg === undefined) continue;
    emitHash(out, baseOf(record), { msg, expect: bytesOf(rsp, record, 'MD') });
  }
}

export function adaptMac(rsp: RspFile, out: Adapted): void {
  for (const record of rsp.records) {
    let key = optionalBytes(rsp, record, 'Key', 'KEY');
    if (key === undefined && optional(record, 'KEY1') !== undefined) {
      key = Buffer.concat([bytesOf(rsp, record, 'KEY1'), bytesOf(rsp, record, 'KEY2'), bytesOf(rsp, record, 'KEY3')]);
    }
    if (key === undefined) throw new BadInputError(`${at(rsp, record)}: record has no Key / KEY / KEY1..3`);
    const msg = message(rsp, record, out, 'Msg', 'MESSAGE');
    if (msg === undefined) continue;
    emitHash(out, baseOf(record), { key, msg, expect: bytesOf(rsp, record, 'MD', 'OUTPUT', 'Mac', 'MAC') });
  }
}

export function adaptPoly1305(rsp: RspFile, out: Adapted): void {
  for (const record of rsp.records) {
    const key = bytesOf(rsp, record, 'KEY', 'Key');
    if (key.length !== 32) throw new BadInputError(`${at(rsp, record)}: poly1305 key of ${key.length} bytes, not 32`);
    const msg = bytesOf(rsp, record, 'MSG', 'Msg');
    emitHash(out, { ...baseOf(record), comment: 'one-time key sent as the first 32 bytes of the data' }, { msg: Buffer.concat([key, msg]), expect: bytesOf(rsp, record, 'TAG', 'Tag') });
  }
}

export function adaptMonte(rsp: RspFile, options: AdaptOptions, out: Adapted): void {
  const variant = options.algorithm.startsWith('sha3-') ? 'sha3' : 'sha2';
  const wanted = options.mctCheckpoints ?? DEFAULT_MCT_CHECKPOINTS;
  if (!Number.isInteger(wanted) || wanted < 1) throw new Error(`mctCheckpoints must be a positive integer, not ${wanted}`);
  let seedRecord: RspRecord | undefined;
  let seed: Buffer | undefined;
  const checkpoints: Array<{ record: RspRecord; md: Buffer }> = [];
  for (const record of rsp.records) {
    if (optional(record, 'Seed') !== undefined) {
      if (seedRecord) throw new BadInputError(`${at(rsp, record)}: a second Seed (the first is at line ${seedRecord.line})`);
      seedRecord = record;
      seed = bytesOf(rsp, record, 'Seed');
      continue;
    }
    if (!seedRecord) throw new BadInputError(`${at(rsp, record)}: checkpoint before the Seed`);
    const count = integer(rsp, record, required(rsp, record, 'COUNT'), 'COUNT');
    if (count !== checkpoints.length) throw new BadInputError(`${at(rsp, record)}: COUNT ${count}, expected ${checkpoints.length}`);
    const md = bytesOf(rsp, record, 'MD');
    if (md.length !== seed!.length) throw new BadInputError(`${at(rsp, record)}: MD of ${md.length} bytes, the Seed has ${seed!.length}`);
    checkpoints.push({ record, md });
  }
  if (!seedRecord || !seed) throw new BadInputError(`${rsp.file}: no Seed`);
  if (checkpoints.length === 0) throw new BadInputError(`${rsp.file}: no checkpoints after the Seed`);
  const run = checkpoints.slice(0, wanted);
  const body: CaseBody = { type: 'hash-mct', variant, seed: b64(seed), expect: run.map((checkpoint) => b64(checkpoint.md)) };
  const comment = [`Monte-Carlo (${variant === 'sha3' ? 'SHA-3' : 'SHA-1/SHA-2'} loop)`, `checkpoints 0-${run.length - 1} of ${checkpoints.length}`];
  out.cases.push({
    id: `Monte line ${seedRecord.line}`,
    expectation: 'valid',
    comment: comment.join(', '),
    body,
    strategies: ['oneshot'],
  });
  for (const { record } of checkpoints.slice(wanted)) {
    out.skipped.push({ id: baseOf(record).id, reason: `Monte-Carlo checkpoint past the first ${wanted} (raise mctCheckpoints to run it)` });
  }
}
