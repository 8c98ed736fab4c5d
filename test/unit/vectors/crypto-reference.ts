/**
 * Independent reference computations for the adapter tests: node:crypto (OpenSSL) plus the few
 * primitives node does not expose (CMAC, Poly1305, XTS with 192-bit keys), written from their specs.
 *
 * Each AEAD helper undoes the kernel form of a case on its own (salt split, iv[0] = L', AAD || IV)
 * and computes with OpenSSL, so a wrong adaptation cannot agree with the vector's expected value.
 */
import crypto from 'node:crypto';
import type { AeadCase, CaseBody, HashCase, SkcipherCase } from '../../../harness/protocol/messages.js';

export const B = (base64: string | undefined): Buffer => Buffer.from(base64 ?? '', 'base64');

export type AeadBody = Omit<AeadCase, 'ref' | 'alg' | 'strategy'>;
export type SkcipherBody = Omit<SkcipherCase, 'ref' | 'alg' | 'strategy'>;
export type HashBody = Omit<HashCase, 'ref' | 'alg' | 'strategy'>;

export function asAead(body: CaseBody): AeadBody {
  if (body.type !== 'aead') throw new Error(`not an aead body: ${body.type}`);
  return body;
}
export function asSkcipher(body: CaseBody): SkcipherBody {
  if (body.type !== 'skcipher') throw new Error(`not an skcipher body: ${body.type}`);
  return body;
}
export function asHash(body: CaseBody): HashBody {
  if (body.type !== 'hash') throw new Error(`not a hash body: ${body.type}`);
  return body;
}

// ---------------------------------------------------------------- block primitives

export function ecb(cipher: string, key: Buffer, data: Buffer, decrypt = false): Buffer {
  const c = decrypt ? crypto.createDecipheriv(cipher, key, null) : crypto.createCipheriv(cipher, key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

export const aesName = (key: Buffer, mode: string): string => `aes-${key.length * 8}-${mode}`;

/** doubling in GF(2^128) / GF(2^64), big-endian (CMAC subkeys) */
function dbl(block: Buffer): Buffer {
  const out = Buffer.alloc(block.length);
  let carry = 0;
  for (let i = block.length - 1; i >= 0; i--) {
    const value = block[i]!;
    out[i] = ((value << 1) | carry) & 0xff;
    carry = value >> 7;
  }
  if (carry) out[block.length - 1]! ^= block.length === 16 ? 0x87 : 0x1b;
  return out;
}

/** CMAC (SP 800-38B) with AES or 3DES-EDE. */
export function cmac(key: Buffer, msg: Buffer, algorithm: 'aes' | 'des3'): Buffer {
  const size = algorithm === 'aes' ? 16 : 8;
  const ecbName = algorithm === 'aes' ? aesName(key, 'ecb') : 'des-ede3';
  const cbcName = algorithm === 'aes' ? aesName(key, 'cbc') : 'des-ede3-cbc';
  const k1 = dbl(ecb(ecbName, key, Buffer.alloc(size)));
  const k2 = dbl(k1);
  const blocks = Math.max(1, Math.ceil(msg.length / size));
  const complete = msg.length > 0 && msg.length % size === 0;
  const padded = Buffer.alloc(blocks * size);
  msg.copy(padded);
  if (!complete) padded[msg.length] = 0x80;
  const subkey = complete ? k1 : k2;
  for (let i = 0; i < size; i++) padded[(blocks - 1) * size + i]! ^= subkey[i]!;
  const c = crypto.createCipheriv(cbcName, key, Buffer.alloc(size));
  c.setAutoPadding(false);
  const out = Buffer.concat([c.update(padded), c.final()]);
  return out.subarray(out.length - size);
}

const le = (bytes: Buffer): bigint => {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
};

/** Poly1305 (RFC 8439 §2.5) with BigInt. */
export function poly1305(key: Buffer, msg: Buffer): Buffer {
  const r = le(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  const s = le(key.subarray(16, 32));
  const p = (1n << 130n) - 5n;
  let acc = 0n;
  for (let i = 0; i < msg.length; i += 16) {
    const chunk = Buffer.concat([msg.subarray(i, i + 16), Buffer.from([1])]);
    acc = ((acc + le(chunk)) * r) % p;
  }
  let tag = (acc + s) & ((1n << 128n) - 1n);
  const out = Buffer.alloc(16);
  for (let i = 0; i < 16; i++, tag >>= 8n) out[i] = Number(tag & 0xffn);
  return out;
}

/** XTS-AES (IEEE 1619) with ciphertext stealing, from AES-ECB: covers 2 × 192-bit keys, which OpenSSL lacks. */
export function xts(key: Buffer, tweak: Buffer, data: Buffer, decrypt: boolean): Buffer {
  const half = key.length / 2;
  const k1 = key.subarray(0, half);
  const k2 = key.subarray(half);
  const cipher = aesName(k1, 'ecb');
  const xor = (a: Buffer, b: Buffer): Buffer => Buffer.from(a.map((value, i) => value ^ b[i]!));
  const next = (t: Buffer): Buffer => {
    const out = Buffer.alloc(16);
    let carry = 0;
    for (let i = 0; i < 16; i++) {
      out[i] = ((t[i]! << 1) | carry) & 0xff;
      carry = t[i]! >> 7;
    }
    if (carry) out[0]! ^= 0x87;
    return out;
  };
  const block = (input: Buffer, t: Buffer): Buffer => xor(ecb(cipher, k1, xor(input, t), decrypt), t);
  const full = Math.floor(data.length / 16);
  const rest = data.length % 16;
  const tweaks: Buffer[] = [ecb(cipher, k2, tweak)];
  for (let i = 1; i <= full; i++) tweaks.push(next(tweaks[i - 1]!));
  const out = Buffer.alloc(data.length);
  const plain = rest === 0 ? full : full - 1;
  for (let j = 0; j < plain; j++) block(data.subarray(j * 16, j * 16 + 16), tweaks[j]!).copy(out, j * 16);
  if (rest > 0) {
    const m = full - 1;
    const last = data.subarray(full * 16);
    // stealing: encrypt uses T(m) then T(m+1); decrypt the other way round
    const [first, second] = decrypt ? [tweaks[m + 1]!, tweaks[m]!] : [tweaks[m]!, tweaks[m + 1]!];
    const cc = block(data.subarray(m * 16, m * 16 + 16), first);
    cc.subarray(0, rest).copy(out, full * 16);
    const pp = Buffer.concat([last, cc.subarray(rest)]);
    block(pp, second).copy(out, m * 16);
  }
  return out;
}

// ---------------------------------------------------------------- AEAD in the kernel's forms

interface Plain {
  cipher: string;
  key: Buffer;
  nonce: Buffer;
  aad: Buffer;
  /** rfc4543: data that is authenticated after the AAD and passed through */
  passthrough?: boolean;
}

function expectTail(assoc: Buffer, iv: Buffer): Buffer {
  if (!assoc.subarray(assoc.length - 8).equals(iv)) throw new Error('the AAD region does not end with the IV');
  return assoc.subarray(0, assoc.length - 8);
}

/** Undo the kernel form of an AEAD case: which OpenSSL cipher, key, nonce and AAD it stands for. */
export function plainAead(algorithm: string, body: AeadBody): Plain {
  const key = B(body.key);
  const iv = B(body.iv);
  const assoc = B(body.assoc);
  switch (algorithm) {
    case 'gcm(aes)':
      return { cipher: aesName(key, 'gcm'), key, nonce: iv, aad: assoc };
    case 'rfc4106(gcm(aes))': {
      const aes = key.subarray(0, key.length - 4);
      return { cipher: aesName(aes, 'gcm'), key: aes, nonce: Buffer.concat([key.subarray(key.length - 4), iv]), aad: expectTail(assoc, iv) };
    }
    case 'rfc4543(gcm(aes))': {
      const aes = key.subarray(0, key.length - 4);
      return { cipher: aesName(aes, 'gcm'), key: aes, nonce: Buffer.concat([key.subarray(key.length - 4), iv]), aad: assoc, passthrough: true };
    }
    case 'ccm(aes)': {
      const lPrime = iv[0]!;
      const n = 14 - lPrime;
      if (lPrime < 1 || lPrime > 7 || !iv.subarray(1 + n).equals(Buffer.alloc(15 - n))) throw new Error(`bad CCM IV ${iv.toString('hex')}`);
      return { cipher: aesName(key, 'ccm'), key, nonce: iv.subarray(1, 1 + n), aad: assoc };
    }
    case 'rfc4309(ccm(aes))': {
      const aes = key.subarray(0, key.length - 3);
      return { cipher: aesName(aes, 'ccm'), key: aes, nonce: Buffer.concat([key.subarray(key.length - 3), iv]), aad: expectTail(assoc, iv) };
    }
    case 'rfc7539(chacha20,poly1305)':
      return { cipher: 'chacha20-poly1305', key, nonce: iv, aad: assoc };
    case 'rfc7539esp(chacha20,poly1305)':
      return { cipher: 'chacha20-poly1305', key: key.subarray(0, 32), nonce: Buffer.concat([key.subarray(32), iv]), aad: expectTail(assoc, iv) };
    default:
      throw new Error(`no reference for ${algorithm}`);
  }
}

type AuthCipher = crypto.CipherGCM | crypto.CipherCCM | crypto.CipherChaCha20Poly1305;
type AuthDecipher = crypto.DecipherGCM | crypto.DecipherCCM | crypto.DecipherChaCha20Poly1305;

/** Encrypt an aead case's input with OpenSSL: what the kernel must output after the AAD region. */
export function seal(algorithm: string, body: AeadBody): Buffer {
  const p = plainAead(algorithm, body);
  const input = B(body.input);
  const aad = p.passthrough ? Buffer.concat([p.aad, input]) : p.aad;
  const data = p.passthrough ? Buffer.alloc(0) : input;
  const c = crypto.createCipheriv(p.cipher as crypto.CipherGCMTypes, p.key, p.nonce, { authTagLength: body.authsize }) as unknown as AuthCipher;
  c.setAAD(aad, { plaintextLength: data.length });
  const ct = Buffer.concat([c.update(data), c.final()]);
  return Buffer.concat([p.passthrough ? input : ct, c.getAuthTag()]);
}

/** Decrypt (input = ciphertext || tag) with OpenSSL; throws when the tag does not verify. */
export function open(algorithm: string, body: AeadBody): Buffer {
  const p = plainAead(algorithm, body);
  const input = B(body.input);
  const sealed = input.subarray(0, input.length - body.authsize);
  const tag = input.subarray(input.length - body.authsize);
  const aad = p.passthrough ? Buffer.concat([p.aad, sealed]) : p.aad;
  const data = p.passthrough ? Buffer.alloc(0) : sealed;
  const d = crypto.createDecipheriv(p.cipher as crypto.CipherGCMTypes, p.key, p.nonce, { authTagLength: body.authsize }) as unknown as AuthDecipher;
  d.setAuthTag(tag);
  d.setAAD(aad, { plaintextLength: data.length });
  const pt = Buffer.concat([d.update(data), d.final()]);
  return p.passthrough ? sealed : pt;
}

// ---------------------------------------------------------------- hash Monte-Carlo

/** The CAVP Monte-Carlo checkpoints (FORMATS.md): sha2 with the 3-digest window, sha3 chained. */
export function monte(hash: string, variant: 'sha2' | 'sha3', seed: Buffer, checkpoints: number): Buffer[] {
  const out: Buffer[] = [];
  let md = seed;
  for (let j = 0; j < checkpoints; j++) {
    if (variant === 'sha3') {
      for (let i = 0; i < 1000; i++) md = crypto.createHash(hash).update(md).digest();
    } else {
      let window = [md, md, md];
      for (let i = 0; i < 1000; i++) {
        const next = crypto.createHash(hash).update(Buffer.concat(window)).digest();
        window = [window[1]!, window[2]!, next];
      }
      md = window[2]!;
    }
    out.push(md);
  }
  return out;
}
