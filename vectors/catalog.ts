/**
 * The kernel algorithm names the harness knows, with their AF_ALG socket type. Discovery binds each
 * generic name once so that the kernel instantiates its templates (and autoloads the modules that
 * provide them) before /proc/crypto is read again.
 */
import type { AfAlgType } from '../harness/protocol/messages.js';

export interface CatalogAlgorithm {
  name: string;
  type: AfAlgType;
}

const hash = (...names: string[]): CatalogAlgorithm[] => names.map((name) => ({ name, type: 'hash' as const }));
const skcipher = (...names: string[]): CatalogAlgorithm[] => names.map((name) => ({ name, type: 'skcipher' as const }));
const aead = (...names: string[]): CatalogAlgorithm[] => names.map((name) => ({ name, type: 'aead' as const }));

export const catalog: CatalogAlgorithm[] = [
  ...hash('md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512', 'sm3', 'blake2b-512'),
  ...hash('hmac(sha1)', 'hmac(sha224)', 'hmac(sha256)', 'hmac(sha384)', 'hmac(sha512)'),
  ...hash('hmac(sha3-224)', 'hmac(sha3-256)', 'hmac(sha3-384)', 'hmac(sha3-512)', 'hmac(sm3)'),
  ...hash('cmac(aes)', 'xcbc(aes)', 'cmac(des3_ede)', 'ghash', 'poly1305', 'crc32c'),
  ...skcipher('ecb(aes)', 'cbc(aes)', 'ctr(aes)', 'xts(aes)', 'cts(cbc(aes))', 'rfc3686(ctr(aes))'),
  ...skcipher('ecb(des3_ede)', 'cbc(des3_ede)', 'chacha20', 'xchacha20', 'ecb(sm4)', 'cbc(sm4)', 'ctr(sm4)'),
  ...aead('gcm(aes)', 'ccm(aes)', 'rfc4106(gcm(aes))', 'rfc4309(ccm(aes))', 'rfc4543(gcm(aes))'),
  ...aead('rfc7539(chacha20,poly1305)', 'rfc7539esp(chacha20,poly1305)', 'gcm(sm4)', 'ccm(sm4)', 'aegis128'),
  { name: 'stdrng', type: 'rng' },
];

/** The AF_ALG socket type that can bind a /proc/crypto entry of this type, if any. */
export function afalgTypeOf(procCryptoType: string): AfAlgType | undefined {
  switch (procCryptoType) {
    case 'skcipher':
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
