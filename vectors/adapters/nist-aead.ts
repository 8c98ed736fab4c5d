/**
 * AEAD files in CAVP style; the transform's rules (aead-rules.ts) decide what can be sent.
 *
 * - `gcm-encrypt` / `gcm-decrypt` (gcmEncryptExtIV*, gcmDecrypt*): `Key`, `IV`, `PT`, `AAD`, `CT`,
 *   `Tag`; the tag length (Taglen) is the authsize. A decrypt record with a bare `FAIL` line must
 *   fail with EBADMSG.
 * - `ccm-encrypt` (VADT, VNT, VPT, VTT) / `ccm-decrypt` (DVPT): see adaptCcm for where the lengths,
 *   key and nonce come from. `CT` is ciphertext || tag. DVPT `Result = Fail` must fail with EBADMSG.
 * - `chachapoly` (pyca boringssl.txt / openssl.txt): `KEY`/`Key`, `NONCE`/`IV`, `IN`/`Plaintext`,
 *   `AD`/`AAD`, `CT`/`Ciphertext`, `TAG`/`Tag`; quoted values are ASCII. A `Result` line (openssl's
 *   CIPHERFINAL_ERROR) marks a forged vector. These RFC vectors have no direction: valid ones run both.
 */
import { BadInputError } from '../../harness/core/errors.js';
import type { RspFile } from '../nist-rsp.js';
import { aeadRule } from './aead-rules.js';
import { emitAead, type Adapted, type Direction } from './common.js';
import { at, baseOf, bytesOf, integer, optional, optionalBytes, valueBytes } from './nist-fields.js';

const EMPTY = Buffer.alloc(0);

export function adaptGcm(rsp: RspFile, algorithm: string, direction: Direction, out: Adapted): void {
  const rule = aeadRule(algorithm);
  for (const record of rsp.records) {
    const nonce = bytesOf(rsp, record, 'IV');
    // two thirds of the NIST GCM records have IVs the kernel cannot take: skip before decoding the rest
    const nonceSkip = rule.nonceSkip(nonce.length);
    if (nonceSkip !== undefined) {
      out.skipped.push({ id: baseOf(record).id, reason: nonceSkip });
      continue;
    }
    const key = bytesOf(rsp, record, 'Key');
    const aad = bytesOf(rsp, record, 'AAD');
    const ct = bytesOf(rsp, record, 'CT');
    const tag = bytesOf(rsp, record, 'Tag');
    const taglen = record.section.Taglen;
    if (taglen !== undefined && Number(taglen) !== tag.length * 8) throw new BadInputError(`${at(rsp, record)}: Tag of ${tag.length} bytes under [Taglen = ${taglen}]`);
    if (direction === 'decrypt' && record.fail) {
      emitAead(out, baseOf(record, 'invalid'), rule({ key, nonce, aad, pt: EMPTY, ct, tag }), 'decrypt');
      continue;
    }
    const pt = bytesOf(rsp, record, 'PT');
    if (pt.length !== ct.length) throw new BadInputError(`${at(rsp, record)}: PT of ${pt.length} bytes but CT of ${ct.length}`);
    emitAead(out, baseOf(record), rule({ key, nonce, aad, pt, ct, tag }), direction);
  }
}

const CCM_LENGTHS = ['Alen', 'Plen', 'Nlen', 'Tlen'] as const;

/**
 * CCM files put their parameters in three places, and the loader shows them as it finds them:
 * - the fixed lengths are bare `Alen = 0` style lines at the top: loadRsp returns them as a record
 *   of their own (no Count), before any section;
 * - the varied length is a bracket header (`[Alen = 3]`, DVPT: `[Alen = a, Plen = p, Nlen = n,
 *   Tlen = t]`): the record's section params;
 * - `Key`, and in all but VNT/DVPT the `Nonce`, appear once after the header, again as a record
 *   without Count, and apply to the records that follow in that section.
 * All lengths are in bytes. Adata and Payload of length 0 are written `00`, hence the cut to length.
 */
export function adaptCcm(rsp: RspFile, algorithm: string, direction: Direction, out: Adapted): void {
  const rule = aeadRule(algorithm);
  const fixed: Record<string, string> = {};
  let shared: Record<string, string> = {};
  let sharedSection: Record<string, string> | undefined;
  for (const record of rsp.records) {
    if (record.section !== sharedSection) {
      shared = {};
      sharedSection = record.section;
    }
    if (optional(record, 'Count', 'COUNT') === undefined) {
      for (const [name, value] of Object.entries(record.fields)) {
        if ((CCM_LENGTHS as readonly string[]).includes(name)) fixed[name] = value;
        else if (name === 'Key' || name === 'Nonce') shared[name] = value;
        else throw new BadInputError(`${at(rsp, record)}: unexpected '${name}' outside a counted record`);
      }
      continue;
    }
    const length = (name: (typeof CCM_LENGTHS)[number]): number => integer(rsp, record, record.section[name] ?? fixed[name], name);
    const [alen, plen, nlen, tlen] = [length('Alen'), length('Plen'), length('Nlen'), length('Tlen')];
    const field = (name: string): Buffer => {
      const own = optionalBytes(rsp, record, name);
      if (own) return own;
      const inherited = shared[name];
      if (inherited === undefined) throw new BadInputError(`${at(rsp, record)}: no ${name} for this record`);
      return valueBytes(rsp, record, inherited, name);
    };
    const cut = (value: Buffer, wanted: number, name: string): Buffer => {
      if (value.length < wanted) throw new BadInputError(`${at(rsp, record)}: ${name} of ${value.length} bytes, the header says ${wanted}`);
      return value.subarray(0, wanted);
    };
    const key = field('Key');
    const nonce = field('Nonce');
    if (nonce.length !== nlen) throw new BadInputError(`${at(rsp, record)}: Nonce of ${nonce.length} bytes, Nlen = ${nlen}`);
    const aad = cut(bytesOf(rsp, record, 'Adata'), alen, 'Adata');
    const sealed = bytesOf(rsp, record, 'CT');
    if (sealed.length !== plen + tlen) throw new BadInputError(`${at(rsp, record)}: CT of ${sealed.length} bytes, Plen + Tlen = ${plen + tlen}`);
    const ct = sealed.subarray(0, plen);
    const tag = sealed.subarray(plen);
    if (direction === 'decrypt') {
      const result = optional(record, 'Result')?.trim();
      if (result === undefined) throw new BadInputError(`${at(rsp, record)}: DVPT record without Result`);
      if (/^fail/i.test(result)) {
        emitAead(out, baseOf(record, 'invalid'), rule({ key, nonce, aad, pt: EMPTY, ct, tag }), 'decrypt');
        continue;
      }
      if (!/^pass/i.test(result)) throw new BadInputError(`${at(rsp, record)}: Result '${result}' is neither Pass nor Fail`);
    }
    const pt = cut(bytesOf(rsp, record, 'Payload'), plen, 'Payload');
    emitAead(out, baseOf(record), rule({ key, nonce, aad, pt, ct, tag }), direction);
  }
}

export function adaptChachapoly(rsp: RspFile, algorithm: string, out: Adapted): void {
  const rule = aeadRule(algorithm);
  for (const record of rsp.records) {
    const key = bytesOf(rsp, record, 'KEY', 'Key');
    const nonce = bytesOf(rsp, record, 'NONCE', 'IV');
    const aad = bytesOf(rsp, record, 'AD', 'AAD');
    const pt = bytesOf(rsp, record, 'IN', 'Plaintext');
    const ct = bytesOf(rsp, record, 'CT', 'Ciphertext');
    const tag = bytesOf(rsp, record, 'TAG', 'Tag');
    if (pt.length !== ct.length) throw new BadInputError(`${at(rsp, record)}: plaintext of ${pt.length} bytes but ciphertext of ${ct.length}`);
    const result = optional(record, 'Result');
    if (result !== undefined) {
      const base = baseOf(record, 'invalid', `Result = ${result}`);
      emitAead(out, base, rule({ key, nonce, aad, pt, ct, tag }), 'decrypt');
      continue;
    }
    emitAead(out, baseOf(record), rule({ key, nonce, aad, pt, ct, tag }), 'both');
  }
}
