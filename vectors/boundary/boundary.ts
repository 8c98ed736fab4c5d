/**
 * Boundary cases, generated: for each catalog algorithm, cases at the edges where drivers break
 * (counters about to wrap, lengths around blocks, pages and scatterlist entry counts, every legal
 * key and tag size and the refusal of illegal ones, AAD from none to beyond a page, forged tags,
 * sockets reused with changing keys). Deterministic: the same seed gives the same cases.
 *
 * Expectations come from the host's oracle (node:crypto, oracle.ts) where it can compute them;
 * the other cases go to the `differential` list, compared with the kernel's software driver.
 */
import { createHash } from 'node:crypto';
import type { CaseBody } from '../../harness/protocol/messages.js';
import type { CatalogAlgorithm, DifferentialParams } from '../catalog.js';
import { Sfc32 } from '../differential.js';
import type { CaseDims, VectorCase } from '../vector-case.js';
import { oracleFor, type Oracle } from './oracle.js';
import { AAD_LENGTHS, COUNTER_WIDTHS, MAX_LENGTH, PAGE, WRAP_AT, XTS_LENGTHS, cipherBlockOf, hashBlockOf, illegalAuthsizesOf, illegalKeysOf, lengthsFor } from './shapes.js';

export const BOUNDARY_SOURCE = 'boundary';
export const BOUNDARY_DIFFERENTIAL_SOURCE = 'boundary-differential';

export interface BoundarySet {
  /** cases with an expectation (the oracle's output or an errno) */
  oracle: VectorCase[];
  /** cases compared with the software reference driver */
  differential: VectorCase[];
}

export interface BoundaryOptions {
  /** more of everything: more wrap points and lengths per key size (nightly) */
  thorough?: boolean;
}

const b64 = (bytes: Buffer): string => bytes.toString('base64');

/** One algorithm's generator: a PRNG seeded by (seed, algorithm), and the case lists. */
class Generator {
  readonly set: BoundarySet = { oracle: [], differential: [] };
  private readonly rng: Sfc32;
  private readonly oracle: Oracle | undefined;
  private index = 0;

  constructor(
    readonly algorithm: CatalogAlgorithm,
    readonly params: DifferentialParams,
    readonly seed: string,
    readonly thorough: boolean,
  ) {
    this.rng = new Sfc32(createHash('sha256').update(`afalg-boundary\0${seed}\0${algorithm.name}`).digest());
    this.oracle = oracleFor(algorithm.name);
  }

  bytes(length: number): Buffer {
    return this.rng.bytes(length);
  }

  pick<T>(values: readonly T[]): T {
    return this.rng.pick(values);
  }

  /** a case with an errno as its expectation: no oracle needed */
  refused(label: string, body: CaseBody, dims: CaseDims, strategies?: VectorCase['strategies']): void {
    this.set.oracle.push({ ...this.caseOf(label, body, dims, 'invalid'), ...(strategies ? { strategies } : {}) });
  }

  /** a case whose output the oracle computes, or the reference driver when it cannot */
  computed(label: string, body: CaseBody, dims: CaseDims, expected: Buffer | undefined, strategies?: VectorCase['strategies']): void {
    const withExpect = expected !== undefined ? ({ ...body, expect: b64(expected) } as CaseBody) : body;
    const vectorCase = { ...this.caseOf(label, withExpect, dims, 'valid'), ...(strategies ? { strategies } : {}) };
    (expected !== undefined ? this.set.oracle : this.set.differential).push(vectorCase);
  }

  private caseOf(label: string, body: CaseBody, dims: CaseDims, expectation: VectorCase['expectation']): VectorCase {
    return { id: `b:${this.seed}#${this.index++} ${label}`, expectation, body, dims };
  }

  skcipher(key: Buffer, iv: Buffer | undefined, op: 'encrypt' | 'decrypt', input: Buffer): Buffer | undefined {
    return this.oracle?.skcipher?.({ key, ...(iv ? { iv } : {}), op, input });
  }

  aead(key: Buffer, iv: Buffer, assoc: Buffer, authsize: number, input: Buffer): Buffer | undefined {
    return this.oracle?.aead?.({ key, iv, assoc, authsize, input });
  }

  hash(key: Buffer | undefined, msg: Buffer): Buffer | undefined {
    return this.oracle?.hash?.({ ...(key ? { key } : {}), msg });
  }
}

/**
 * Long inputs cost the most under the `chunks` strategy (a send per 1, 15 or 17 bytes): beyond two
 * pages they run one-shot, page-crossing, in place, chained and zero-copy (a send or a few each), the
 * longest one-shot, chained and zero-copy only (where a driver hands back the IV of a long request,
 * and gets many user pages). The
 * planner keeps only the strategies the run and the algorithm allow.
 */
const bigOnly = (length: number): VectorCase['strategies'] =>
  length >= 8 * PAGE ? ['oneshot', 'chained', 'zerocopy'] : length > 2 * PAGE + 64 ? ['oneshot', 'page-cross', 'inplace', 'chained', 'zerocopy'] : undefined;

function skcipherCases(g: Generator): void {
  const { params, algorithm } = g;
  const block = params.blockSize ?? 1;
  const unit = cipherBlockOf(algorithm);
  const min = Math.max(1, params.minInput ?? block);
  const lengths = /^xts\(/.test(algorithm.name) ? XTS_LENGTHS : lengthsFor(block, unit, min);
  const ivOf = (): Buffer | undefined => (params.ivSize !== undefined ? g.bytes(params.ivSize) : undefined);
  let op: 'encrypt' | 'decrypt' = 'encrypt';
  const one = (label: string, keyOrLength: number | Buffer, iv: Buffer | undefined, length: number, dims: Partial<CaseDims> = {}, socket?: number): void => {
    const key = typeof keyOrLength === 'number' ? g.bytes(keyOrLength) : keyOrLength;
    const keyLength = key.length;
    const input = g.bytes(length);
    op = op === 'encrypt' ? 'decrypt' : 'encrypt';
    const body: CaseBody = { type: 'skcipher', key: b64(key), ...(iv ? { iv: b64(iv) } : {}), op, input: b64(input), ...(socket !== undefined ? { socket } : {}) };
    g.computed(label, body, { length, keyLength, ...dims }, g.skcipher(key, iv, op, input), bigOnly(length));
  };
  // every length, the key sizes in turn; every key size at a short and a page-crossing length
  lengths.forEach((length, i) => one(`len ${length}`, params.keySizes[i % params.keySizes.length] as number, ivOf(), length));
  for (const keyLength of params.keySizes) for (const length of [min, PAGE + unit + (block === 1 ? 3 : 0)]) one(`key ${keyLength} len ${length}`, keyLength, ivOf(), length - (length % block));
  for (const keyLength of illegalKeysOf(algorithm)) {
    g.refused(`key ${keyLength} refused`, { type: 'skcipher', key: b64(g.bytes(keyLength)), ...(params.ivSize ? { iv: b64(g.bytes(params.ivSize)) } : {}), op: 'encrypt', input: b64(g.bytes(Math.max(min, unit))), expectError: 'EINVAL' }, { length: Math.max(min, unit), keyLength });
  }
  counterCases(g, one);
  // state: one socket per key, interleaved, each socket keeping its key (and the agent not setting it
  // again) while the others change theirs; the IV changes with every case
  const stateKeys = [0, 1, 2].map(() => g.bytes(params.keySizes[0] as number));
  for (let i = 0; i < 6; i++) one(`state socket ${i % 3}`, stateKeys[i % 3] as Buffer, ivOf(), 3 * unit + 1 - (block === 1 ? 0 : 1), { socket: i % 3 }, i % 3);
}

/** The IV of a counter mode with the low `width` bits `blocks` short of wrapping (big-endian counter). */
export function ivNearWrap(iv: Buffer, width: number, blocks: number): Buffer {
  const out = Buffer.from(iv);
  const bytes = width / 8;
  // the counter field: all ones, minus blocks - 1 (so that block `blocks` is the first to wrap)
  out.fill(0xff, out.length - bytes);
  let borrow = blocks - 1;
  for (let i = out.length - 1; i >= out.length - bytes && borrow > 0; i--) {
    const value = (out[i] as number) - (borrow & 0xff);
    borrow = (borrow >>> 8) + (value < 0 ? 1 : 0);
    out[i] = value & 0xff;
  }
  // the bit above the field is 0, so a missing carry out of the field shows
  if (bytes < out.length) out[out.length - bytes - 1] = (out[out.length - bytes - 1] as number) & 0xfe;
  return out;
}

function counterCases(g: Generator, one: (label: string, keyLength: number, iv: Buffer | undefined, length: number, dims?: Partial<CaseDims>) => void): void {
  const { algorithm, params } = g;
  const keyLength = (i: number): number => params.keySizes[i % params.keySizes.length] as number;
  const wraps = g.thorough ? [1, 2, 3, 17, 255, 300, 1000] : WRAP_AT;
  if (/^ctr\(/.test(algorithm.name)) {
    let i = 0;
    for (const width of COUNTER_WIDTHS) {
      for (const wrapAt of wraps) {
        const length = (wrapAt + 2) * 16 + 5;
        one(`ctr${width} wraps at block ${wrapAt}`, keyLength(i++), ivNearWrap(g.bytes(16), width, wrapAt), length, { counterWidth: width, wrapAt });
      }
    }
  } else if (algorithm.name === 'chacha20') {
    // the le32 block counter in iv[0..3]: near 2^32 (the oracle leaves wrapping cases to the reference)
    for (const wrapAt of wraps) {
      const iv = g.bytes(16);
      iv.writeUInt32LE(0x1_0000_0000 - wrapAt, 0);
      one(`ctr32le wraps at block ${wrapAt}`, 32, iv, (wrapAt + 2) * 64 + 5, { counterWidth: 32, wrapAt });
    }
  } else if (algorithm.name === 'rfc3686(ctr(aes))') {
    // the per-request IV all ones: the 32-bit block counter starts at 1 behind it
    for (const [i, length] of [17, PAGE + 1, 300 * 16 + 5].entries()) one(`iv all ones len ${length}`, keyLength(i), Buffer.alloc(8, 0xff), length, { counterWidth: 32 });
  }
}

function hashCases(g: Generator): void {
  const { params, algorithm } = g;
  const block = hashBlockOf(algorithm.name);
  const min = params.minInput ?? 0;
  const lengths = lengthsFor(1, block, min);
  const keyed = params.keySizes.length > 0;
  const isHmac = /^hmac\(/.test(algorithm.name);
  const one = (label: string, key: Buffer | undefined, length: number, socket?: number): void => {
    const msg = g.bytes(length);
    const body: CaseBody = { type: 'hash', ...(key ? { key: b64(key) } : {}), msg: b64(msg), ...(socket !== undefined ? { socket } : {}) };
    g.computed(label, body, { length, ...(key ? { keyLength: key.length } : {}), ...(socket !== undefined ? { socket } : {}) }, g.hash(key, msg), bigOnly(length));
  };
  const keyLengths = isHmac ? [0, 1, block - 1, block, block + 1, 2 * block, 2 * block + 1, 3 * block + 7] : params.keySizes;
  const keyOf = (i: number): Buffer | undefined => (keyed || isHmac ? g.bytes(keyLengths[i % keyLengths.length] as number) : undefined);
  lengths.forEach((length, i) => one(`len ${length}`, keyOf(i), length));
  if (keyed) {
    for (const keyLength of keyLengths) for (const length of [1, block + 1, PAGE + 1]) one(`key ${keyLength} len ${length}`, g.bytes(keyLength), Math.max(min, length));
    for (const keyLength of illegalKeysOf(algorithm)) g.refused(`key ${keyLength} refused`, { type: 'hash', key: b64(g.bytes(keyLength)), msg: b64(g.bytes(block)), expectError: 'EINVAL' }, { length: block, keyLength });
    const keyLength = keyLengths[Math.min(3, keyLengths.length - 1)] as number;
    const keys = [g.bytes(keyLength), g.bytes(keyLength), g.bytes(keyLength)];
    for (let i = 0; i < 6; i++) one(`state socket ${i % 3}`, keys[i % 3], block + 3, i % 3);
  }
}

function aeadCases(g: Generator): void {
  const { params, algorithm } = g;
  const authsizes = params.authsizes ?? [16];
  const keyOf = (i: number): Buffer => g.bytes(params.keySizes[i % params.keySizes.length] as number);
  const ivOf = (): Buffer => {
    const iv = g.bytes(params.ivSize ?? 12);
    if (params.ivFirstByte !== undefined) {
      iv[0] = params.ivFirstByte;
      iv.fill(0, iv.length - (params.ivFirstByte + 1));
    }
    return iv;
  };
  const assocOf = (length: number, iv: Buffer): Buffer => (params.assocCarriesIv ? Buffer.concat([g.bytes(length), iv.subarray(iv.length - 8)]) : g.bytes(length));
  const aadLengths = params.assocSizes ?? AAD_LENGTHS;
  const textLengths = lengthsFor(1, 16, 0);
  let n = 0;
  /** encrypt; with `decrypt`, also decrypt the genuine output and a forged one */
  const one = (label: string, textLength: number, aadLength: number, authsize: number, options: { decrypt?: boolean; socket?: number; key?: Buffer; iv?: Buffer } = {}): void => {
    const key = options.key ?? keyOf(n++);
    const iv = options.iv ?? ivOf();
    const assoc = assocOf(aadLength, iv);
    const input = g.bytes(textLength);
    const socket = options.socket !== undefined ? { socket: options.socket } : {};
    const dims: CaseDims = { length: textLength, keyLength: key.length, aadLength, authsize, ...socket };
    const common = { type: 'aead' as const, key: b64(key), iv: b64(iv), assoc: b64(assoc), authsize, ...socket };
    const sealed = g.aead(key, iv, assoc, authsize, input);
    g.computed(`${label} encrypt`, { ...common, op: 'encrypt', input: b64(input) }, dims, sealed, bigOnly(textLength + aadLength));
    if (!options.decrypt) return;
    if (sealed) g.computed(`${label} decrypt`, { ...common, op: 'decrypt', input: b64(sealed) }, dims, input, bigOnly(textLength + aadLength));
    // a forged tag (the genuine one with its last bit flipped, or random bytes) must give EBADMSG
    const forged = sealed ? Buffer.from(sealed) : g.bytes(textLength + authsize);
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 0x01;
    const forgedCase = { ...common, op: 'decrypt' as const, input: b64(forged), expectError: 'EBADMSG' };
    g.refused(`${label} forged tag`, forgedCase, { ...dims, forged: true }, bigOnly(textLength + aadLength));
  };
  textLengths.forEach((length, i) => one(`len ${length}`, length, aadLengths[i % aadLengths.length] as number, authsizes[i % authsizes.length] as number, { decrypt: length <= 2 * PAGE }));
  aadLengths.forEach((aadLength, i) => one(`aad ${aadLength}`, [0, 1, 16, 17][i % 4] as number, aadLength, authsizes[(i + 1) % authsizes.length] as number, { decrypt: true }));
  // every tag size: tag-only (no text) and a short text, each with a forged tag
  for (const authsize of authsizes) {
    one(`tag ${authsize} tag-only`, 0, aadLengths[1 % aadLengths.length] as number, authsize, { decrypt: true });
    one(`tag ${authsize} len 17`, 17, aadLengths[0] as number, authsize, { decrypt: true });
  }
  for (const keyLength of params.keySizes) one(`key ${keyLength}`, 33, aadLengths[0] as number, authsizes.at(-1) as number, { key: g.bytes(keyLength), decrypt: true });
  const refuse = (label: string, key: Buffer, authsize: number): void => {
    const iv = ivOf();
    g.refused(label, { type: 'aead', key: b64(key), iv: b64(iv), assoc: b64(assocOf(aadLengths[0] as number, iv)), authsize, op: 'encrypt', input: b64(g.bytes(16)), expectError: 'EINVAL' }, { length: 16, keyLength: key.length, authsize });
  };
  for (const keyLength of illegalKeysOf(algorithm)) refuse(`key ${keyLength} refused`, g.bytes(keyLength), authsizes.at(-1) as number);
  for (const authsize of illegalAuthsizesOf(authsizes)) refuse(`tag ${authsize} refused`, keyOf(0), authsize);
  if (/^ccm\(/.test(algorithm.name)) {
    // every counter field size L = 2..8 (iv[0] = L - 1), the nonce shrinking as L grows
    for (let lPrime = 1; lPrime <= 7; lPrime++) {
      const iv = g.bytes(16);
      iv[0] = lPrime;
      iv.fill(0, 15 - lPrime);
      one(`ccm L ${lPrime + 1}`, lPrime === 1 ? 300 * 16 + 5 : 64 + 3, 16, 16, { iv, decrypt: true });
    }
  }
  const stateKeys = [keyOf(0), keyOf(0), keyOf(0)];
  for (let i = 0; i < 6; i++) one(`state socket ${i % 3}`, 49, aadLengths[0] as number, authsizes.at(-1) as number, { socket: i % 3, key: stateKeys[i % 3] });
}

/** The boundary cases of one algorithm (none for an entry without differential params: stdrng). */
export function boundaryCases(algorithm: CatalogAlgorithm, seed: string, options: BoundaryOptions = {}): BoundarySet {
  const { params } = algorithm;
  if (!params) return { oracle: [], differential: [] };
  const g = new Generator(algorithm, params, seed, options.thorough ?? false);
  if (algorithm.type === 'skcipher') skcipherCases(g);
  else if (algorithm.type === 'hash') hashCases(g);
  else if (algorithm.type === 'aead') aeadCases(g);
  for (const list of [g.set.oracle, g.set.differential]) {
    for (const one of list) if (one.dims && one.dims.length > MAX_LENGTH) throw new Error(`${algorithm.name}: boundary case ${one.id} longer than ${MAX_LENGTH}`);
  }
  return g.set;
}
