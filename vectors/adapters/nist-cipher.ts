/**
 * Skcipher files in CAVP style. One case per record in the record's section direction; records of
 * directionless RFC files (no `[ENCRYPT]`/`[DECRYPT]`) run both ways.
 *
 * - `block`: AES/TDES/SM4 ECB, CBC and CTR: `KEY` (TDES: `KEY1..3`, or `KEYs` meaning K1 = K2 = K3),
 *   optional `IV`, `PLAINTEXT`, `CIPHERTEXT`. TDES keys with K1 = K2 or K2 = K3 stay valid cases (the
 *   kernel takes them unless it runs in FIPS mode, where setkey fails with EINVAL); the comment says so.
 * - `rfc3686`: the RFC 3686 ctr(aes) files for rfc3686(ctr(aes)): the 16-byte counter block is
 *   nonce(4) || IV(8) || counter(4); the key becomes KEY || nonce and the counter must start at 1.
 * - `xts`: XTSGenAES: `DataUnitLen` in bits (a unit that is not whole bytes cannot be sent); the
 *   tweak is `i` (16 bytes as written) or `DataUnitSeqNumber` (decimal, 16-byte little-endian).
 * - `chacha20`: the kernel IV is the 32-bit little-endian block counter followed by the 12-byte nonce.
 */
import { BadInputError } from '../../harness/core/errors.js';
import type { RspFile, RspRecord } from '../nist-rsp.js';
import { bytes, emitSkcipher, type Adapted, type CaseBase } from './common.js';
import { at, baseOf, bytesOf, directionOf, integer, optional, optionalBytes, required } from './nist-fields.js';

function tdesOrPlainKey(rsp: RspFile, record: RspRecord): { key: Buffer; note?: string } {
  const single = optionalBytes(rsp, record, 'KEY', 'Key');
  if (single) return { key: single };
  const keys = optionalBytes(rsp, record, 'KEYs');
  if (keys) return { key: Buffer.concat([keys, keys, keys]), note: 'degenerate 3DES key (K1 = K2 = K3): a FIPS-mode kernel refuses it with EINVAL' };
  const k1 = bytesOf(rsp, record, 'KEY1');
  const k2 = bytesOf(rsp, record, 'KEY2');
  const k3 = bytesOf(rsp, record, 'KEY3');
  const degenerate = k1.equals(k2) || k2.equals(k3);
  return {
    key: Buffer.concat([k1, k2, k3]),
    ...(degenerate ? { note: 'degenerate 3DES key (K1 = K2 or K2 = K3): a FIPS-mode kernel refuses it with EINVAL' } : {}),
  };
}

function withNote(base: CaseBase, note: string | undefined): CaseBase {
  if (!note) return base;
  return { ...base, comment: base.comment ? `${base.comment}; ${note}` : note };
}

export function adaptBlock(rsp: RspFile, out: Adapted): void {
  for (const record of rsp.records) {
    const { key, note } = tdesOrPlainKey(rsp, record);
    const iv = optionalBytes(rsp, record, 'IV');
    const pt = bytesOf(rsp, record, 'PLAINTEXT');
    const ct = bytesOf(rsp, record, 'CIPHERTEXT');
    emitSkcipher(out, withNote(baseOf(record), note), { key, ...(iv ? { iv } : {}), pt, ct }, directionOf(rsp, record), at(rsp, record));
  }
}

export function adaptRfc3686(rsp: RspFile, algorithm: string, out: Adapted): void {
  for (const record of rsp.records) {
    const key = bytesOf(rsp, record, 'KEY', 'Key');
    const block = bytesOf(rsp, record, 'IV');
    if (block.length !== 16) throw new BadInputError(`${at(rsp, record)}: IV (counter block) of ${block.length} bytes, not 16`);
    const base = baseOf(record);
    const counter = block.readUInt32BE(12);
    if (counter !== 1) {
      out.skipped.push({ id: base.id, reason: `initial block counter ${counter}: ${algorithm} always starts at 1` });
      continue;
    }
    const pt = bytesOf(rsp, record, 'PLAINTEXT');
    const ct = bytesOf(rsp, record, 'CIPHERTEXT');
    const form = { key: Buffer.concat([key, block.subarray(0, 4)]), iv: block.subarray(4, 12), pt, ct };
    emitSkcipher(out, base, form, directionOf(rsp, record), at(rsp, record));
  }
}

export function adaptXts(rsp: RspFile, algorithm: string, out: Adapted): void {
  for (const record of rsp.records) {
    const base = baseOf(record);
    const bits = integer(rsp, record, required(rsp, record, 'DataUnitLen'), 'DataUnitLen');
    if (bits % 8 !== 0) {
      out.skipped.push({ id: base.id, reason: `data unit of ${bits} bits: ${algorithm} takes whole bytes only` });
      continue;
    }
    const key = bytesOf(rsp, record, 'Key', 'KEY');
    let iv: Buffer;
    const hexTweak = optional(record, 'i');
    if (hexTweak !== undefined) {
      iv = bytesOf(rsp, record, 'i');
      if (iv.length !== 16) throw new BadInputError(`${at(rsp, record)}: tweak i of ${bytes(iv.length)}, not 16`);
    } else {
      const seq = required(rsp, record, 'DataUnitSeqNumber').trim();
      if (!/^\d+$/.test(seq)) throw new BadInputError(`${at(rsp, record)}: DataUnitSeqNumber is not a decimal number ('${seq}')`);
      const value = BigInt(seq);
      if (value >= 1n << 128n) throw new BadInputError(`${at(rsp, record)}: DataUnitSeqNumber does not fit 16 bytes`);
      iv = Buffer.alloc(16);
      iv.writeBigUInt64LE(value & 0xffffffffffffffffn, 0);
      iv.writeBigUInt64LE(value >> 64n, 8);
    }
    const pt = bytesOf(rsp, record, 'PT');
    const ct = bytesOf(rsp, record, 'CT');
    if (pt.length * 8 !== bits) throw new BadInputError(`${at(rsp, record)}: DataUnitLen = ${bits} but PT has ${pt.length} bytes`);
    emitSkcipher(out, base, { key, iv, pt, ct }, directionOf(rsp, record), at(rsp, record));
  }
}

export function adaptChacha20(rsp: RspFile, algorithm: string, out: Adapted): void {
  for (const record of rsp.records) {
    const key = bytesOf(rsp, record, 'KEY', 'Key');
    const nonce = bytesOf(rsp, record, 'NONCE', 'Nonce');
    const counter = integer(rsp, record, required(rsp, record, 'INITIAL_BLOCK_COUNTER'), 'INITIAL_BLOCK_COUNTER');
    const base = baseOf(record);
    if (nonce.length !== 12) {
      out.skipped.push({ id: base.id, reason: `nonce of ${bytes(nonce.length)}: ${algorithm} takes a 12-byte nonce after the 4-byte counter` });
      continue;
    }
    if (counter > 0xffffffff) throw new BadInputError(`${at(rsp, record)}: INITIAL_BLOCK_COUNTER does not fit 32 bits`);
    const iv = Buffer.alloc(16);
    iv.writeUInt32LE(counter, 0);
    nonce.copy(iv, 4);
    const pt = bytesOf(rsp, record, 'PLAINTEXT');
    const ct = bytesOf(rsp, record, 'CIPHERTEXT');
    emitSkcipher(out, base, { key, iv, pt, ct }, directionOf(rsp, record), at(rsp, record));
  }
}
