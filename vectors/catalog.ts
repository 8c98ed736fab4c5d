/**
 * The kernel algorithm names the harness knows, with their AF_ALG socket type. Discovery binds each
 * generic name once so that the kernel instantiates its templates (and autoloads the modules that
 * provide them) before /proc/crypto is read again.
 *
 * Entries may also name the software driver to compare other drivers with (`reference`) and what a
 * random case may look like (`params`), for differential mode (see differential.ts).
 */
import type { AfAlgType } from '../harness/protocol/messages.js';

/**
 * What random input a transform accepts. Lengths in bytes. The generator (differential.ts) keeps
 * every case inside these rules, so that a failure is a driver difference, not a parameter error.
 */
export interface DifferentialParams {
  /** key lengths, one picked per case; [] for an unkeyed hash (no setkey) */
  keySizes: number[];
  /** IV length (skcipher, aead); absent: the transform takes no IV */
  ivSize?: number;
  /** the input length is a multiple of this (1 = stream; default 1) */
  blockSize?: number;
  /** the smallest input (default: 0 for hash and aead, one block for skcipher) */
  minInput?: number;
  /** aead: the tag lengths the transform accepts */
  authsizes?: number[];
  /**
   * aead: the only AAD lengths accepted (IPsec forms: 8 or 12), counted without the IV that
   * `assocCarriesIv` appends; absent: any length (the generator uses 0..256)
   */
  assocSizes?: number[];
  /**
   * aead: the AAD region the agent sends ends with the 8-byte IV (rfc4106, rfc4309, rfc4543,
   * rfc7539esp: the kernel's assoclen counts it)
   */
  assocCarriesIv?: boolean;
  /** ccm: iv[0] = L' (3: 11-byte nonce and a 4-byte counter, which the generator zeroes) */
  ivFirstByte?: number;
}

export interface CatalogAlgorithm {
  name: string;
  type: AfAlgType;
  /** the software driver the other drivers are compared with in differential mode */
  reference?: string;
  /** what random cases are legal; absent: no differential cases (stdrng) */
  params?: DifferentialParams;
  /**
   * skcipher: the mode hands back the IV that continues the message (cbc: the last ciphertext
   * block; ctr: the counter after the last block), so a message may go as consecutive requests
   * (the `chained` strategy). Not xts, cts, rfc3686 or chacha20: their output IV is undefined.
   */
  chainsIv?: boolean;
}

const entry = (type: AfAlgType) => (name: string, reference?: string, params?: DifferentialParams): CatalogAlgorithm => ({
  name,
  type,
  ...(reference !== undefined ? { reference } : {}),
  ...(params !== undefined ? { params } : {}),
});
const hash = entry('hash');
const skcipher = entry('skcipher');
const chaining = (algorithm: CatalogAlgorithm): CatalogAlgorithm => ({ ...algorithm, chainsIv: true });
const aead = entry('aead');

const AES_KEYS = [16, 24, 32];
/** HMAC takes any key; these cross the 64- and 128-byte block sizes where the key gets hashed */
const HMAC_KEYS = [1, 16, 20, 32, 48, 64, 65, 100, 128, 129, 200];
const unkeyed: DifferentialParams = { keySizes: [] };
const hmacParams: DifferentialParams = { keySizes: HMAC_KEYS };
const GCM_AUTHSIZES = [4, 8, 12, 13, 14, 15, 16];
const CCM_AUTHSIZES = [4, 6, 8, 10, 12, 14, 16];
const IPSEC_AUTHSIZES = [8, 12, 16];
const IPSEC_ASSOC = [8, 12];

const plainHash = (name: string): CatalogAlgorithm => hash(name, `${name}-generic`, unkeyed);
const hmac = (inner: string): CatalogAlgorithm => hash(`hmac(${inner})`, `hmac(${inner}-generic)`, hmacParams);

export const catalog: CatalogAlgorithm[] = [
  ...['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512', 'sm3', 'blake2b-512'].map(plainHash),
  ...['sha1', 'sha224', 'sha256', 'sha384', 'sha512'].map(hmac),
  ...['sha3-224', 'sha3-256', 'sha3-384', 'sha3-512', 'sm3'].map(hmac),
  hash('cmac(aes)', 'cmac(aes-generic)', { keySizes: AES_KEYS }),
  hash('xcbc(aes)', 'xcbc(aes-generic)', { keySizes: [16] }),
  hash('cmac(des3_ede)', 'cmac(des3_ede-generic)', { keySizes: [24] }),
  hash('ghash', 'ghash-generic', { keySizes: [16] }),
  // the one-time key travels in the first 32 bytes of the data, not through setkey (vectors/README.md §3)
  hash('poly1305', 'poly1305-generic', { keySizes: [], minInput: 32 }),
  hash('crc32c', 'crc32c-generic', unkeyed),

  skcipher('ecb(aes)', 'ecb(aes-generic)', { keySizes: AES_KEYS, blockSize: 16 }),
  chaining(skcipher('cbc(aes)', 'cbc(aes-generic)', { keySizes: AES_KEYS, ivSize: 16, blockSize: 16 })),
  chaining(skcipher('ctr(aes)', 'ctr(aes-generic)', { keySizes: AES_KEYS, ivSize: 16, blockSize: 1 })),
  // two AES keys (16/24/32 each); ciphertext stealing handles any length from one block up
  skcipher('xts(aes)', 'xts(ecb(aes-generic))', { keySizes: [32, 48, 64], ivSize: 16, blockSize: 1, minInput: 16 }),
  skcipher('cts(cbc(aes))', 'cts(cbc(aes-generic))', { keySizes: AES_KEYS, ivSize: 16, blockSize: 1, minInput: 16 }),
  // AES key followed by the 4-byte nonce
  skcipher('rfc3686(ctr(aes))', 'rfc3686(ctr(aes-generic))', { keySizes: [20, 28, 36], ivSize: 8, blockSize: 1 }),
  skcipher('ecb(des3_ede)', 'ecb(des3_ede-generic)', { keySizes: [24], blockSize: 8 }),
  chaining(skcipher('cbc(des3_ede)', 'cbc(des3_ede-generic)', { keySizes: [24], ivSize: 8, blockSize: 8 })),
  // IV: 32-bit little-endian block counter, then the 12-byte nonce
  skcipher('chacha20', 'chacha20-generic', { keySizes: [32], ivSize: 16, blockSize: 1 }),
  skcipher('xchacha20', 'xchacha20-generic', { keySizes: [32], ivSize: 32, blockSize: 1 }),
  skcipher('ecb(sm4)', 'ecb(sm4-generic)', { keySizes: [16], blockSize: 16 }),
  chaining(skcipher('cbc(sm4)', 'cbc(sm4-generic)', { keySizes: [16], ivSize: 16, blockSize: 16 })),
  chaining(skcipher('ctr(sm4)', 'ctr(sm4-generic)', { keySizes: [16], ivSize: 16, blockSize: 1 })),

  aead('gcm(aes)', 'gcm_base(ctr(aes-generic),ghash-generic)', { keySizes: AES_KEYS, ivSize: 12, authsizes: GCM_AUTHSIZES }),
  aead('ccm(aes)', 'ccm_base(ctr(aes-generic),cbcmac(aes-generic))', { keySizes: AES_KEYS, ivSize: 16, authsizes: CCM_AUTHSIZES, ivFirstByte: 3 }),
  // key = AES key || 4-byte salt; AAD region = 8 or 12 AAD bytes || the 8-byte IV (assoclen 16 or 20)
  aead('rfc4106(gcm(aes))', 'rfc4106(gcm_base(ctr(aes-generic),ghash-generic))', {
    keySizes: [20, 28, 36],
    ivSize: 8,
    authsizes: IPSEC_AUTHSIZES,
    assocSizes: IPSEC_ASSOC,
    assocCarriesIv: true,
  }),
  // key = AES key || 3-byte salt
  aead('rfc4309(ccm(aes))', 'rfc4309(ccm_base(ctr(aes-generic),cbcmac(aes-generic)))', {
    keySizes: [19, 27, 35],
    ivSize: 8,
    authsizes: IPSEC_AUTHSIZES,
    assocSizes: IPSEC_ASSOC,
    assocCarriesIv: true,
  }),
  // GMAC: the AAD region and the (unencrypted) data are all authenticated; tag 16 only
  aead('rfc4543(gcm(aes))', 'rfc4543(gcm_base(ctr(aes-generic),ghash-generic))', {
    keySizes: [20, 28, 36],
    ivSize: 8,
    authsizes: [16],
    assocSizes: IPSEC_ASSOC,
    assocCarriesIv: true,
  }),
  aead('rfc7539(chacha20,poly1305)', 'rfc7539(chacha20-generic,poly1305-generic)', { keySizes: [32], ivSize: 12, authsizes: [16] }),
  // key = 32 bytes || 4-byte salt; the AAD region (at least 8 bytes) ends with the IV, which is not authenticated
  aead('rfc7539esp(chacha20,poly1305)', 'rfc7539esp(chacha20-generic,poly1305-generic)', {
    keySizes: [36],
    ivSize: 8,
    authsizes: [16],
    assocCarriesIv: true,
  }),
  aead('gcm(sm4)', 'gcm_base(ctr(sm4-generic),ghash-generic)', { keySizes: [16], ivSize: 12, authsizes: GCM_AUTHSIZES }),
  aead('ccm(sm4)', 'ccm_base(ctr(sm4-generic),cbcmac(sm4-generic))', { keySizes: [16], ivSize: 16, authsizes: CCM_AUTHSIZES, ivFirstByte: 3 }),
  aead('aegis128', 'aegis128-generic', { keySizes: [16], ivSize: 16, authsizes: [8, 9, 10, 11, 12, 13, 14, 15, 16] }),
  { name: 'stdrng', type: 'rng' },
];

/** The catalog entry of a name, if any. */
export function catalogEntry(name: string): CatalogAlgorithm | undefined {
  return catalog.find((algorithm) => algorithm.name === name);
}

/** The AF_ALG socket type that can bind a /proc/crypto entry of this type, if any. */
export function afalgTypeOf(procCryptoType: string): AfAlgType | undefined {
  switch (procCryptoType) {
    case 'skcipher':
    // a template over a plain cipher (cbc(aes-lib) on 7.x) registers a linear skcipher; the
    // skcipher type, AF_ALG's included, allocates it through a scatterlist wrapper (synchronous)
    case 'lskcipher':
      return 'skcipher';
    case 'aead':
      return 'aead';
    case 'shash':
    case 'ahash':
      return 'hash';
    case 'rng':
      return 'rng';
    default:
      return undefined;
  }
}
