/**
 * The boundary values of each dimension, per algorithm family: lengths around blocks, pages and
 * scatterlist entry counts, legal and illegal key and tag sizes, counter widths and wrap points.
 * Plain data and small helpers; boundary.ts turns them into cases.
 */
import type { CatalogAlgorithm } from '../catalog.js';

export const PAGE = 4096;
/** the agent's largest request is 128 KiB; 64 KiB keeps AEAD output and page-cross room inside it */
export const MAX_LENGTH = 65536;

/** Hash block (HMAC key block) sizes; SHA-3: the sponge rate. */
const HASH_BLOCKS: Record<string, number> = {
  md5: 64,
  sha1: 64,
  sha224: 64,
  sha256: 64,
  sha384: 128,
  sha512: 128,
  'sha3-224': 144,
  'sha3-256': 136,
  'sha3-384': 104,
  'sha3-512': 72,
  sm3: 64,
  'blake2b-512': 128,
};

export function hashBlockOf(name: string): number {
  const inner = /^hmac\((.+)\)$/.exec(name)?.[1] ?? name;
  return HASH_BLOCKS[inner] ?? 16;
}

/** The cipher block of a mode (the unit of its counter or chaining), also for stream modes. */
export function cipherBlockOf(algorithm: CatalogAlgorithm): number {
  if (/chacha/.test(algorithm.name)) return 64;
  if (/des3/.test(algorithm.name)) return 8;
  return 16;
}

/**
 * Message lengths around the boundaries that matter for a transform: one block and its
 * neighbours, a page and its neighbours, several pages (AF_ALG gathers data page by page, so
 * 16 KiB + 1 is more than four scatterlist entries), and the largest request.
 */
export function lengthsFor(block: number, unit: number, min: number): number[] {
  const raw = [0, 1, unit - 1, unit, unit + 1, 2 * unit, 2 * unit + 1, PAGE - 1, PAGE, PAGE + 1, PAGE + unit, 2 * PAGE + 3, 4 * PAGE + 1, 5 * PAGE, 8 * PAGE + 7, MAX_LENGTH];
  const rounded = raw.map((length) => length - (length % block)).filter((length) => length >= min && length <= MAX_LENGTH);
  return [...new Set(rounded)].sort((a, b) => a - b);
}

/** XTS ciphertext stealing: every tail length of the second block, and a stolen tail after a page. */
export const XTS_LENGTHS = [16, 17, 20, 24, 31, 32, 33, 47, 68, 4095, 4096, 4097, 4111, 16385, MAX_LENGTH];

export interface KeyRule {
  legal: number[];
  /** sizes setkey must refuse with EINVAL */
  illegal: number[];
}

/** Illegal key sizes of the keyed catalog entries (legal ones come from the catalog's params). */
export function illegalKeysOf(algorithm: CatalogAlgorithm): number[] {
  const { name } = algorithm;
  if (/^hmac\(/.test(name)) return [];
  if (/^xts\(/.test(name)) return [16, 33, 65];
  if (/^rfc3686|^rfc4106|^rfc4543/.test(name)) return [19, 21, 37];
  if (/^rfc4309/.test(name)) return [18, 20, 36];
  if (/rfc7539esp/.test(name)) return [35, 37];
  if (/chacha|poly1305$/.test(name)) return [31, 33];
  if (/des3/.test(name)) return [16, 23, 25];
  if (/sm4|ghash|aegis/.test(name)) return [15, 17];
  if (/aes/.test(name)) return [1, 15, 17, 33];
  return [];
}

/** AEAD tag sizes the transform must refuse (setsockopt ALG_SET_AEAD_AUTHSIZE: EINVAL). */
export function illegalAuthsizesOf(legal: readonly number[]): number[] {
  const candidates = [1, 2, 3, 5, 7, 9, 11, 17, 32];
  return candidates.filter((size) => !legal.includes(size));
}

/** Counter widths and where in a request the counter wraps (block index of the first wrapped block). */
export const COUNTER_WIDTHS = [16, 32, 64, 128] as const;
export const WRAP_AT = [1, 3, 300] as const;

/**
 * AAD lengths: none, one byte, around a block, around a page, beyond a page, and both sides of
 * 65,280 (2^16 - 2^8), where CCM's encoding of the AAD length grows from 2 to 6 bytes.
 */
export const AAD_LENGTHS = [0, 1, 15, 16, 17, 255, 256, 4095, 4096, 4097, 8200, 0xff00 - 1, 0xff00];
