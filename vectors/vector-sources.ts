/**
 * Which vector files feed which kernel algorithm, and loading them: file → loader (ajv-checked
 * Wycheproof JSON or CAVP text) → adapter → kernel-ready cases (vectors/README.md §1).
 *
 * A file that cannot be used (missing, unreadable, failing its schema, malformed for its adapter)
 * lands in `unusable` with a one-line error naming it; the other files of the algorithm still load.
 * Parsed files and adapted results are cached per process (several algorithms share a file, e.g.
 * aes_gcm_test.json feeds gcm(aes) and rfc4106(gcm(aes))); a file whose size or mtime changed is
 * read again. Returned arrays are fresh; the case objects in them are shared and must not be mutated.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../harness/core/errors.js';
import { catalog } from './catalog.js';
import { loadRsp, type RspFile } from './nist-rsp.js';
import { loadWycheproof, type WycheproofFile } from './wycheproof.js';
import type { AlgorithmVectors, UnusableSource, VectorSource } from './vector-case.js';
import { DEFAULT_MCT_CHECKPOINTS, type Adapted } from './adapters/common.js';
import { adaptNist, type NistAdapter } from './adapters/nist-adapter.js';
import { adaptWycheproof, type WycheproofAdapter } from './adapters/wycheproof-adapter.js';

export type SourceSpec =
  | {
      /** relative to the vectors directory */
      path: string;
      family: 'wycheproof';
      adapter: WycheproofAdapter;
    }
  | {
      path: string;
      family: 'nist';
      adapter: NistAdapter;
    };

export interface LoadOptions {
  /** Monte-Carlo hash files: checkpoints to run (default 10 of 100) */
  mctCheckpoints?: number;
}

const WP = 'wycheproof/testvectors_v1';
const wp = (file: string, adapter: WycheproofAdapter): SourceSpec => ({ path: `${WP}/${file}`, family: 'wycheproof', adapter });
const nist = (file: string, adapter: NistAdapter): SourceSpec => ({ path: `nist/${file}`, family: 'nist', adapter });
const each = (files: string[], adapter: NistAdapter): SourceSpec[] => files.map((file) => nist(file, adapter));
const cross = (prefixes: string[], suffixes: string[]): string[] => prefixes.flatMap((prefix) => suffixes.map((suffix) => `${prefix}${suffix}`));
const AES_BITS = ['128', '192', '256'];

function shaSources(dir: string, stem: string): SourceSpec[] {
  return [nist(`hashes/${dir}/${stem}ShortMsg.rsp`, 'hash'), nist(`hashes/${dir}/${stem}LongMsg.rsp`, 'hash'), nist(`hashes/${dir}/${stem}Monte.rsp`, 'hash-monte')];
}

/** AES ECB/CBC KAT and MMT files: GFSbox, KeySbox, MMT, VarKey, VarTxt × 128/192/256. */
function aesKatMmt(mode: 'ECB' | 'CBC'): SourceSpec[] {
  return each(
    cross(['GFSbox', 'KeySbox', 'MMT', 'VarKey', 'VarTxt'].map((kind) => `ciphers/AES/${mode}/${mode}${kind}`), AES_BITS.map((bits) => `${bits}.rsp`)),
    'block',
  );
}

/** TDES files of the plain mode (not the interleaved TCBCI* ones). */
function tdes(mode: 'ECB' | 'CBC'): SourceSpec[] {
  return each(
    ['MMT1', 'MMT2', 'MMT3', 'invperm', 'permop', 'subtab', 'varkey', 'vartext'].map((kind) => `ciphers/3DES/${mode}/T${mode}${kind}.rsp`),
    'block',
  );
}

const CTR_RFC3686 = AES_BITS.map((bits) => `ciphers/AES/CTR/aes-${bits}-ctr.txt`);
const GCM_NIST = [
  ...AES_BITS.map((bits) => nist(`ciphers/AES/GCM/gcmEncryptExtIV${bits}.rsp`, 'gcm-encrypt')),
  ...AES_BITS.map((bits) => nist(`ciphers/AES/GCM/gcmDecrypt${bits}.rsp`, 'gcm-decrypt')),
];
const CCM_NIST = [
  ...each(cross(['VADT', 'VNT', 'VPT', 'VTT'].map((kind) => `ciphers/AES/CCM/${kind}`), AES_BITS.map((bits) => `${bits}.rsp`)), 'ccm-encrypt'),
  ...AES_BITS.map((bits) => nist(`ciphers/AES/CCM/DVPT${bits}.rsp`, 'ccm-decrypt')),
];
const XTS_NIST = each(cross(['tweak-128hexstr', 'tweak-dataunitseqno'].map((dir) => `ciphers/AES/XTS/${dir}/XTSGenAES`), ['128.rsp', '256.rsp']), 'xts');
const CHACHAPOLY = [wp('chacha20_poly1305_test.json', 'aead'), nist('ciphers/ChaCha20Poly1305/boringssl.txt', 'chachapoly'), nist('ciphers/ChaCha20Poly1305/openssl.txt', 'chachapoly')];

const SOURCES: Record<string, SourceSpec[]> = {
  md5: [nist('hashes/MD5/rfc-1321.txt', 'hash')],
  sha1: shaSources('SHA1', 'SHA1'),
  sha224: shaSources('SHA2', 'SHA224'),
  sha256: shaSources('SHA2', 'SHA256'),
  sha384: shaSources('SHA2', 'SHA384'),
  sha512: shaSources('SHA2', 'SHA512'),
  'sha3-224': shaSources('SHA3', 'SHA3_224'),
  'sha3-256': shaSources('SHA3', 'SHA3_256'),
  'sha3-384': shaSources('SHA3', 'SHA3_384'),
  'sha3-512': shaSources('SHA3', 'SHA3_512'),
  sm3: [nist('hashes/SM3/oscca.txt', 'hash')],
  'blake2b-512': [nist('hashes/blake2/blake2b.txt', 'hash')],
  'hmac(sha1)': [wp('hmac_sha1_test.json', 'mac'), nist('HMAC/rfc-2202-sha1.txt', 'mac')],
  'hmac(sha224)': [wp('hmac_sha224_test.json', 'mac'), nist('HMAC/rfc-4231-sha224.txt', 'mac')],
  'hmac(sha256)': [wp('hmac_sha256_test.json', 'mac'), nist('HMAC/rfc-4231-sha256.txt', 'mac')],
  'hmac(sha384)': [wp('hmac_sha384_test.json', 'mac'), nist('HMAC/rfc-4231-sha384.txt', 'mac')],
  'hmac(sha512)': [wp('hmac_sha512_test.json', 'mac'), nist('HMAC/rfc-4231-sha512.txt', 'mac')],
  'hmac(sha3-224)': [wp('hmac_sha3_224_test.json', 'mac')],
  'hmac(sha3-256)': [wp('hmac_sha3_256_test.json', 'mac')],
  'hmac(sha3-384)': [wp('hmac_sha3_384_test.json', 'mac')],
  'hmac(sha3-512)': [wp('hmac_sha3_512_test.json', 'mac')],
  'hmac(sm3)': [wp('hmac_sm3_test.json', 'mac')],
  'cmac(aes)': [wp('aes_cmac_test.json', 'mac'), ...AES_BITS.map((bits) => nist(`CMAC/nist-800-38b-aes${bits}.txt`, 'mac'))],
  'cmac(des3_ede)': [nist('CMAC/nist-800-38b-3des.txt', 'mac')],
  poly1305: [nist('poly1305/rfc7539.txt', 'poly1305')],
  'ecb(aes)': aesKatMmt('ECB'),
  'cbc(aes)': [wp('aes_cbc_pkcs5_test.json', 'cbc-pkcs5'), ...aesKatMmt('CBC')],
  'ctr(aes)': each(CTR_RFC3686, 'block'),
  'xts(aes)': [wp('aes_xts_test.json', 'xts'), ...XTS_NIST],
  'rfc3686(ctr(aes))': each(CTR_RFC3686, 'rfc3686'),
  'ecb(des3_ede)': tdes('ECB'),
  'cbc(des3_ede)': tdes('CBC'),
  chacha20: [nist('ciphers/ChaCha20/rfc7539.txt', 'chacha20')],
  'ecb(sm4)': [nist('ciphers/SM4/draft-ribose-cfrg-sm4-10-ecb.txt', 'block')],
  'cbc(sm4)': [nist('ciphers/SM4/draft-ribose-cfrg-sm4-10-cbc.txt', 'block')],
  'ctr(sm4)': [nist('ciphers/SM4/draft-ribose-cfrg-sm4-10-ctr.txt', 'block')],
  'gcm(aes)': [wp('aes_gcm_test.json', 'aead'), wp('aes_gmac_test.json', 'gmac'), ...GCM_NIST],
  'ccm(aes)': [wp('aes_ccm_test.json', 'aead'), ...CCM_NIST],
  // NIST GCM has no 8- or 12-byte AAD and NIST CCM none that fits assoclen 16/20: Wycheproof only
  'rfc4106(gcm(aes))': [wp('aes_gcm_test.json', 'aead')],
  'rfc4309(ccm(aes))': [wp('aes_ccm_test.json', 'aead')],
  'rfc4543(gcm(aes))': [wp('aes_gmac_test.json', 'gmac')],
  'rfc7539(chacha20,poly1305)': CHACHAPOLY,
  'rfc7539esp(chacha20,poly1305)': CHACHAPOLY,
  'gcm(sm4)': [wp('sm4_gcm_test.json', 'aead')],
  'ccm(sm4)': [wp('sm4_ccm_test.json', 'aead')],
  aegis128: [wp('aegis128_test.json', 'aead')],
};

/** The vector files of an algorithm ([] when there are none). */
export function sourcesFor(algorithm: string): SourceSpec[] {
  return (SOURCES[algorithm] ?? []).map((spec) => ({ ...spec }));
}

/** Algorithms with at least one vector file, in catalog order. */
export function algorithmsWithVectors(): string[] {
  const inCatalog = catalog.map((algorithm) => algorithm.name).filter((name) => name in SOURCES);
  const extra = Object.keys(SOURCES).filter((name) => !inCatalog.includes(name));
  return [...inCatalog, ...extra];
}

// ---------------------------------------------------------------- loading, with caches

type Parsed = { family: 'wycheproof'; data: WycheproofFile } | { family: 'nist'; data: RspFile };
interface Stamped<T> {
  stamp: string;
  value?: T;
  error?: string;
}

const parsedCache = new Map<string, Stamped<Parsed>>();
const adaptedCache = new Map<string, Stamped<Adapted>>();

const oneLine = (message: string): string => message.replace(/\s*[\r\n]+\s*/g, ' ');

/** size and mtime, or undefined when the file is not there */
function stampOf(file: string): string | undefined {
  try {
    const stat = fs.statSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
}

function parse(file: string, family: SourceSpec['family'], stamp: string): Parsed {
  const cacheKey = `${family}\0${file}`;
  const cached = parsedCache.get(cacheKey);
  if (cached && cached.stamp === stamp) {
    if (cached.error !== undefined) throw new BadInputError(cached.error);
    return cached.value!;
  }
  try {
    const value: Parsed = family === 'wycheproof' ? { family, data: loadWycheproof(file) } : { family, data: loadRsp(file) };
    parsedCache.set(cacheKey, { stamp, value });
    return value;
  } catch (error) {
    if (error instanceof BadInputError) parsedCache.set(cacheKey, { stamp, error: error.message });
    throw error;
  }
}

function adapt(file: string, spec: SourceSpec, algorithm: string, mctCheckpoints: number, stamp: string): Adapted {
  const cacheKey = [file, spec.family, spec.adapter, algorithm, spec.adapter === 'hash-monte' ? mctCheckpoints : ''].join('\0');
  const cached = adaptedCache.get(cacheKey);
  if (cached && cached.stamp === stamp) {
    if (cached.error !== undefined) throw new BadInputError(cached.error);
    return cached.value!;
  }
  try {
    const parsed = parse(file, spec.family, stamp);
    const options = { algorithm, mctCheckpoints };
    const value =
      parsed.family === 'wycheproof'
        ? adaptWycheproof(parsed.data, spec.adapter as WycheproofAdapter, options)
        : adaptNist(parsed.data, spec.adapter as NistAdapter, options);
    adaptedCache.set(cacheKey, { stamp, value });
    return value;
  } catch (error) {
    if (error instanceof BadInputError) adaptedCache.set(cacheKey, { stamp, error: error.message });
    throw error;
  }
}

/**
 * Every vector of an algorithm, adapted. Unknown algorithms and algorithms without vectors give
 * empty lists. Only bad input lands in `unusable`; anything else thrown is a harness bug.
 */
export function loadAlgorithmVectors(algorithm: string, vectorsDir: string, options: LoadOptions = {}): AlgorithmVectors {
  const mctCheckpoints = options.mctCheckpoints ?? DEFAULT_MCT_CHECKPOINTS;
  const sources: VectorSource[] = [];
  const unusable: UnusableSource[] = [];
  for (const spec of sourcesFor(algorithm)) {
    const file = path.resolve(vectorsDir, spec.path);
    const stamp = stampOf(file);
    if (stamp === undefined) {
      unusable.push({ source: spec.path, error: `${file}: missing` });
      continue;
    }
    try {
      const adapted = adapt(file, spec, algorithm, mctCheckpoints, stamp);
      sources.push({ source: spec.path, family: spec.family, cases: [...adapted.cases], skipped: [...adapted.skipped] });
    } catch (error) {
      if (!(error instanceof BadInputError)) throw error;
      unusable.push({ source: spec.path, error: oneLine(error.message) });
    }
  }
  return { algorithm, sources, unusable };
}

/** Forget cached files (tests). */
export function clearVectorCache(): void {
  parsedCache.clear();
  adaptedCache.clear();
}
