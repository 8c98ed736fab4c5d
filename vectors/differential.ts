/**
 * Differential mode: random cases without expected values. The agent runs each case on the
 * reference (software) driver first and compares every other driver and split strategy with it.
 *
 * Cases are deterministic: case `index` of algorithm A under seed S comes from a PRNG (sfc32) seeded
 * with sha256(S, A, index), so `seed S#index` regenerates it whatever the count. Every case keeps to
 * the transform's DifferentialParams (catalog.ts): key sizes, IV size, block multiple, minimum input,
 * authsizes and the IPsec AAD forms, so a failure is a difference between drivers, not a bad request.
 *
 * Input lengths cycle through three classes (then random): small (0..64), around a 4 KiB page
 * (4090..4102) and large (up to maxLength), rounded to the block size. Inputs beyond two pages skip
 * the chunks strategy (the planner keeps the run's strategies among the case's). AEAD cases encrypt only;
 * skcipher cases encrypt or decrypt (random input decrypts as well as any).
 */
import { createHash } from 'node:crypto';
import type { CaseBody, SplitStrategy } from '../harness/protocol/messages.js';
import type { CatalogAlgorithm, DifferentialParams } from './catalog.js';
import type { VectorCase } from './vector-case.js';

/** sfc32: a small, fast 32-bit generator with a 128-bit state (PractRand-clean). */
export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: Uint8Array) {
    if (seed.length < 16) throw new Error('sfc32 needs a 16-byte seed');
    const view = new DataView(seed.buffer, seed.byteOffset, seed.byteLength);
    this.a = view.getUint32(0, true);
    this.b = view.getUint32(4, true);
    this.c = view.getUint32(8, true);
    this.d = view.getUint32(12, true) | 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** the next 32-bit value, unsigned */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** an integer in [0, n) (n ≤ 2^32; the bias is negligible for the small n used here) */
  below(n: number): number {
    return Math.floor((this.next() / 0x1_0000_0000) * n);
  }

  /** an integer in [min, max] */
  between(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }

  pick<T>(values: readonly T[]): T {
    if (values.length === 0) throw new Error('pick from an empty list');
    return values[this.below(values.length)] as T;
  }

  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    let i = 0;
    for (; i + 4 <= length; i += 4) out.writeUInt32LE(this.next(), i);
    if (i < length) {
      let last = this.next();
      for (; i < length; i++, last >>>= 8) out[i] = last & 0xff;
    }
    return out;
  }
}

/** The PRNG of one case. */
export function caseRng(seed: string, algorithm: string, index: number): Sfc32 {
  return new Sfc32(createHash('sha256').update(`afalg-differential\0${seed}\0${algorithm}\0${index}`).digest());
}

const SMALL_MAX = 64;
const PAGE_LOW = 4090;
const PAGE_HIGH = 4102;

/** A length of the case's class, rounded down to a block multiple, at least minInput, at most maxLength. */
function inputLength(rng: Sfc32, index: number, params: DifferentialParams, type: CatalogAlgorithm['type'], maxLength: number): number {
  const block = Math.max(1, params.blockSize ?? 1);
  const min = params.minInput ?? (type === 'skcipher' ? block : 0);
  // the first three cases visit each class, then 50% small, 30% around a page, 20% large
  const roll = index < 3 ? [0, 5, 9][index]! : rng.below(10);
  let length: number;
  if (roll < 5) length = rng.between(0, SMALL_MAX);
  else if (roll < 8) length = rng.between(PAGE_LOW, PAGE_HIGH);
  else length = rng.between(SMALL_MAX + 1, Math.max(SMALL_MAX + 1, maxLength));
  length = Math.min(length, maxLength);
  length -= length % block;
  const floor = Math.ceil(min / block) * block;
  if (length < floor) length = floor;
  if (length > maxLength && floor <= maxLength) length = floor;
  return length;
}

function bodyOf(algorithm: CatalogAlgorithm, params: DifferentialParams, rng: Sfc32, index: number, maxLength: number): CaseBody {
  const b64 = (bytes: Buffer): string => bytes.toString('base64');
  const key = params.keySizes.length > 0 ? rng.bytes(rng.pick(params.keySizes)) : undefined;
  let iv: Buffer | undefined;
  if (params.ivSize !== undefined) {
    iv = rng.bytes(params.ivSize);
    if (params.ivFirstByte !== undefined) {
      // ccm: L' in iv[0], and the L = L' + 1 counter bytes at the end zeroed as users do
      iv[0] = params.ivFirstByte;
      iv.fill(0, iv.length - (params.ivFirstByte + 1));
    }
  }
  const length = inputLength(rng, index, params, algorithm.type, maxLength);
  const input = rng.bytes(length);
  switch (algorithm.type) {
    case 'hash':
      return { type: 'hash', ...(key ? { key: b64(key) } : {}), msg: b64(input) };
    case 'skcipher': {
      if (!key) throw new Error(`${algorithm.name}: an skcipher needs key sizes`);
      const op = rng.below(2) === 0 ? 'encrypt' : 'decrypt';
      return { type: 'skcipher', key: b64(key), ...(iv ? { iv: b64(iv) } : {}), op, input: b64(input) };
    }
    case 'aead': {
      if (!key || !iv || !params.authsizes || params.authsizes.length === 0) throw new Error(`${algorithm.name}: an aead needs key sizes, an IV size and authsizes`);
      const authsize = rng.pick(params.authsizes);
      let aadLength: number;
      if (params.assocSizes && params.assocSizes.length > 0) aadLength = rng.pick(params.assocSizes);
      else aadLength = rng.below(4) === 0 ? 0 : rng.between(1, 256);
      let assoc = rng.bytes(aadLength);
      if (params.assocCarriesIv) assoc = Buffer.concat([assoc, iv.subarray(iv.length - 8)]);
      return { type: 'aead', key: b64(key), iv: b64(iv), assoc: b64(assoc), authsize, op: 'encrypt', input: b64(input) };
    }
    default:
      throw new Error(`${algorithm.name}: no differential cases for type ${algorithm.type}`);
  }
}

/** Beyond two pages a case skips the chunks strategy (a send per 1 to 17 bytes costs more than it finds there). */
const LONG_INPUT = 2 * 4096 + 64;
const LONG_STRATEGIES: SplitStrategy[] = ['oneshot', 'page-cross', 'inplace', 'chained', 'zerocopy'];

function inputBytes(body: CaseBody): number {
  const text = body.type === 'hash' ? body.msg : body.type === 'skcipher' || body.type === 'aead' ? body.input : '';
  return Buffer.byteLength(text, 'base64');
}

/**
 * `count` random cases for an algorithm with differential params, ids `seed <seed>#<index>`,
 * expectation valid and no expect (the reference driver's output is the expectation).
 */
export function differentialCases(algorithm: CatalogAlgorithm, count: number, seed: string, maxLength = 65536): VectorCase[] {
  const params = algorithm.params;
  if (!params) throw new Error(`${algorithm.name} has no differential parameters`);
  if (!Number.isInteger(count) || count < 0) throw new Error(`differential count must be a non-negative integer, not ${count}`);
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new Error(`maxLength must be a positive integer, not ${maxLength}`);
  const cases: VectorCase[] = [];
  for (let index = 0; index < count; index++) {
    const rng = caseRng(seed, algorithm.name, index);
    const body = bodyOf(algorithm, params, rng, index, maxLength);
    cases.push({ id: `seed ${seed}#${index}`, expectation: 'valid', body, ...(inputBytes(body) > LONG_INPUT ? { strategies: LONG_STRATEGIES } : {}) });
  }
  return cases;
}

/** Differential cases per algorithm in a default run (within the default run's time budget), and with --thorough. */
export const DEFAULT_DIFFERENTIAL = 8;
export const THOROUGH_DIFFERENTIAL = 100;
