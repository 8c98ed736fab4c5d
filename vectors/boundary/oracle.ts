/**
 * The second oracle: expected outputs computed on the host by node:crypto (OpenSSL), outside the
 * kernel, so that a bug every kernel implementation shares (template code, lib/crypto) is caught
 * too. `oracleFor` answers undefined for an algorithm or a case it cannot compute; such cases are
 * compared with the kernel's software driver instead (differential).
 */
import crypto from 'node:crypto';

export interface SkcipherInput {
  key: Buffer;
  iv?: Buffer;
  op: 'encrypt' | 'decrypt';
  input: Buffer;
}

export interface AeadInput {
  key: Buffer;
  iv: Buffer;
  /** the AAD region the kernel gets (IPsec forms: ending with the IV) */
  assoc: Buffer;
  authsize: number;
  /** encrypt only: the oracle computes ciphertext || tag */
  input: Buffer;
}

export interface HashInput {
  key?: Buffer;
  msg: Buffer;
}

export interface Oracle {
  skcipher?(c: SkcipherInput): Buffer | undefined;
  aead?(c: AeadInput): Buffer | undefined;
  hash?(c: HashInput): Buffer | undefined;
}

const AES_BITS: Record<number, number> = { 16: 128, 24: 192, 32: 256 };

function cipherRun(name: string, key: Buffer, iv: Buffer | null, op: 'encrypt' | 'decrypt', input: Buffer): Buffer {
  const cipher = op === 'encrypt' ? crypto.createCipheriv(name, key, iv) : crypto.createDecipheriv(name, key, iv);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(input), cipher.final()]);
}

/** an AES mode over the key sizes OpenSSL names by bits (xts: two keys) */
const aesMode = (mode: 'ecb' | 'cbc' | 'ctr' | 'xts'): Oracle => ({
  skcipher: ({ key, iv, op, input }) => {
    const bits = AES_BITS[mode === 'xts' ? key.length / 2 : key.length];
    if (bits === undefined || (mode === 'xts' && bits === 192)) return undefined;
    return cipherRun(`aes-${bits}-${mode}`, key, iv ?? null, op, input);
  },
});

const fixedKeyMode = (name: string, keyLength: number): Oracle => ({
  skcipher: ({ key, iv, op, input }) => (key.length === keyLength ? cipherRun(name, key, iv ?? null, op, input) : undefined),
});

/** rfc3686: key = AES key || 4-byte nonce; counter block = nonce || 8-byte IV || be32 1 */
const rfc3686: Oracle = {
  skcipher: ({ key, iv, op, input }) => {
    const bits = AES_BITS[key.length - 4];
    if (bits === undefined || !iv) return undefined;
    const block = Buffer.concat([key.subarray(key.length - 4), iv, Buffer.from([0, 0, 0, 1])]);
    return cipherRun(`aes-${bits}-ctr`, key.subarray(0, key.length - 4), block, op, input);
  },
};

/**
 * chacha20: the kernel's 16-byte IV (le32 counter || 96-bit nonce) is OpenSSL's layout; only while
 * the 32-bit counter does not wrap (the carry differs), so a wrapping case is left to the reference.
 */
const chacha20: Oracle = {
  skcipher: ({ key, iv, op, input }) => {
    if (!iv || key.length !== 32) return undefined;
    const blocks = Math.ceil(input.length / 64);
    if (iv.readUInt32LE(0) + blocks > 0x1_0000_0000) return undefined;
    return cipherRun('chacha20', key, iv, op, input);
  },
};

function aeadEncrypt(name: string, key: Buffer, nonce: Buffer, aad: Buffer, authsize: number, input: Buffer, ccm: boolean): Buffer {
  const options = { authTagLength: authsize } as crypto.CipherCCMOptions;
  const cipher = crypto.createCipheriv(name as crypto.CipherCCMTypes, key, nonce, options);
  if (ccm) cipher.setAAD(aad, { plaintextLength: input.length });
  else if (aad.length > 0) cipher.setAAD(aad, { plaintextLength: input.length });
  const out = Buffer.concat([cipher.update(input), cipher.final()]);
  return Buffer.concat([out, cipher.getAuthTag()]);
}

const gcm: Oracle = {
  aead: ({ key, iv, assoc, authsize, input }) => {
    const bits = AES_BITS[key.length];
    // OpenSSL takes tags of 4, 8 and 12..16 bytes: the kernel's legal set
    if (bits === undefined || iv.length !== 12) return undefined;
    return aeadEncrypt(`aes-${bits}-gcm`, key, iv, assoc, authsize, input, false);
  },
};

/** ccm: iv[0] = L' (L = L' + 1 counter bytes), the nonce is iv[1 .. 15 - L] */
const ccm: Oracle = {
  aead: ({ key, iv, assoc, authsize, input }) => {
    const bits = AES_BITS[key.length];
    if (bits === undefined || iv.length !== 16) return undefined;
    const nonce = iv.subarray(1, 15 - (iv[0] as number));
    if (nonce.length < 7 || nonce.length > 13) return undefined;
    return aeadEncrypt(`aes-${bits}-ccm`, key, nonce, assoc, authsize, input, true);
  },
};

const rfc7539: Oracle = {
  aead: ({ key, iv, assoc, authsize, input }) => (key.length === 32 && iv.length === 12 && authsize === 16 ? aeadEncrypt('chacha20-poly1305', key, iv, assoc, 16, input, false) : undefined),
};

const digest = (name: string): Oracle => ({ hash: ({ key, msg }) => (key ? undefined : crypto.createHash(name).update(msg).digest()) });
const hmac = (name: string): Oracle => ({ hash: ({ key, msg }) => (key ? crypto.createHmac(name, key).update(msg).digest() : undefined) });

const HASHES: Record<string, string> = {
  md5: 'md5',
  sha1: 'sha1',
  sha224: 'sha224',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  'sha3-224': 'sha3-224',
  'sha3-256': 'sha3-256',
  'sha3-384': 'sha3-384',
  'sha3-512': 'sha3-512',
  sm3: 'sm3',
  'blake2b-512': 'blake2b512',
};

const ORACLES: Record<string, Oracle> = {
  'ecb(aes)': aesMode('ecb'),
  'cbc(aes)': aesMode('cbc'),
  'ctr(aes)': aesMode('ctr'),
  'xts(aes)': aesMode('xts'),
  'rfc3686(ctr(aes))': rfc3686,
  'ecb(des3_ede)': fixedKeyMode('des-ede3-ecb', 24),
  'cbc(des3_ede)': fixedKeyMode('des-ede3-cbc', 24),
  'ecb(sm4)': fixedKeyMode('sm4-ecb', 16),
  'cbc(sm4)': fixedKeyMode('sm4-cbc', 16),
  'ctr(sm4)': fixedKeyMode('sm4-ctr', 16),
  chacha20,
  'gcm(aes)': gcm,
  'ccm(aes)': ccm,
  'rfc7539(chacha20,poly1305)': rfc7539,
  ...Object.fromEntries(Object.entries(HASHES).map(([kernel, node]) => [kernel, digest(node)])),
  ...Object.fromEntries(['sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512', 'sm3'].map((name) => [`hmac(${name})`, hmac(name)])),
};

/** The host's oracle for a kernel algorithm name, if node:crypto can compute it. */
export function oracleFor(algorithm: string): Oracle | undefined {
  return ORACLES[algorithm];
}
