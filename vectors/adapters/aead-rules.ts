/**
 * The kernel's rules for each AEAD transform (vectors/README.md §6), as functions from a vector in its
 * source form (key, nonce, AAD, plaintext, ciphertext, tag) to what the transform takes:
 *
 * - gcm: 12-byte IV only (AF_ALG requires ivlen == ivsize); authsize 4, 8, 12..16.
 * - rfc4106(gcm): key = key || nonce[0:4], IV = nonce[4:12]; the AAD region is AAD || IV and assoclen
 *   must be 16 or 20 (crypto_ipsec_check_assoclen), so the AAD is 8 or 12 bytes; authsize 8/12/16.
 * - rfc4543(gcm): GMAC. The kernel authenticates the whole AAD region (16 or 20 bytes) and then the
 *   data, which it copies unencrypted (crypto_rfc4543_crypt: subreq assoclen = assoclen + cryptlen).
 *   A GMAC message of 16 bytes or more is therefore split: its first 20 (or 16) bytes are the AAD
 *   region, the rest is the data. (The IPsec convention of the IV at the end of the AAD region is
 *   not checked by the kernel; these cases do not follow it.)
 * - ccm: 16-byte IV = L' || nonce || 0, L' = 14 - nonce length, 1 <= L' <= 7 (crypto_ccm_check_iv),
 *   so nonces of 7..13 bytes; authsize even, 4..16. Nonces under 7 bytes still fit the IV and give
 *   an L' the kernel must refuse (EINVAL); longer ones are skipped.
 * - rfc4309(ccm): key = key || nonce[0:3], IV = nonce[3:11], AAD region AAD || IV, assoclen 16/20.
 * - rfc7539(chacha20,poly1305): 32-byte key, 12-byte IV, authsize 16.
 * - rfc7539esp: key = key || nonce[0:4], IV = nonce[4:12], AAD region AAD || IV (the IV is not
 *   authenticated), authsize 16.
 * - aegis128: 16-byte key and IV, authsize 8..16.
 */
import { bytes, listed, type AeadKernelForm, type AeadShape, type AeadVector } from './common.js';

export interface AeadRule {
  (vector: AeadVector): AeadShape;
  /** the skip reason for a nonce of this length, if its length alone rules the vector out */
  nonceSkip(length: number): string | undefined;
}

/** A rule whose nonce check also stands alone, so adapters can skip without decoding the rest. */
function rule(nonceSkip: (length: number) => string | undefined, shape: (vector: AeadVector) => AeadShape): AeadRule {
  return Object.assign(
    (vector: AeadVector): AeadShape => {
      const skip = nonceSkip(vector.nonce.length);
      return skip !== undefined ? { skip } : shape(vector);
    },
    { nonceSkip },
  );
}

const AES_KEYS = [16, 24, 32];
const GCM_AUTHSIZES = [4, 8, 12, 13, 14, 15, 16];
const CCM_AUTHSIZES = [4, 6, 8, 10, 12, 14, 16];
const IPSEC_AUTHSIZES = [8, 12, 16];
const IPSEC_AAD = [8, 12];

/** Parameter checks the kernel makes at setkey / ALG_SET_AEAD_AUTHSIZE: a failure must be EINVAL. */
function checked(alg: string, form: AeadKernelForm, keySizes: number[], authsizes: number[], keyLength = form.key.length): AeadShape {
  if (!keySizes.includes(keyLength)) return { einval: form, why: `key of ${bytes(keyLength)}: ${alg} takes ${listed(keySizes)}` };
  if (!authsizes.includes(form.tag.length)) {
    return { einval: form, why: `tag of ${bytes(form.tag.length)}: ${alg} accepts authsize ${listed(authsizes)}` };
  }
  return { form };
}

const onlyIv = (alg: string, wanted: number, what = 'IV') => (length: number): string | undefined =>
  length === wanted ? undefined : `${what} of ${bytes(length)}: ${alg} takes a ${wanted}-byte ${what} only`;

function gcm(alg: string, keySizes: number[]): AeadRule {
  return rule(onlyIv(alg, 12), (v) => checked(alg, { key: v.key, iv: v.nonce, assoc: v.aad, pt: v.pt, ct: v.ct, tag: v.tag }, keySizes, GCM_AUTHSIZES));
}

/** rfc4106 / rfc7539esp: salt in the key, the rest of the nonce as IV, the IV appended to the AAD. */
function saltedIpsec(alg: string, saltLength: number, nonceLength: number, keySizes: number[], authsizes: number[], aadSizes?: number[]): AeadRule {
  const nonceSkip = (length: number): string | undefined =>
    length === nonceLength
      ? undefined
      : `nonce of ${bytes(length)}: ${alg} takes ${nonceLength} bytes (${saltLength}-byte salt in the key, ${nonceLength - saltLength}-byte IV)`;
  return rule(nonceSkip, (v) => {
    if (aadSizes && !aadSizes.includes(v.aad.length)) {
      return { skip: `AAD of ${bytes(v.aad.length)}: ${alg} takes ${listed(aadSizes)} bytes of AAD (assoclen 16 or 20 with the IV)` };
    }
    const iv = v.nonce.subarray(saltLength);
    const form = { key: Buffer.concat([v.key, v.nonce.subarray(0, saltLength)]), iv, assoc: Buffer.concat([v.aad, iv]), pt: v.pt, ct: v.ct, tag: v.tag };
    return checked(alg, form, keySizes, authsizes, v.key.length);
  });
}

function rfc4543(alg: string): AeadRule {
  const nonceSkip = (length: number): string | undefined =>
    length === 12 ? undefined : `nonce of ${bytes(length)}: ${alg} takes 12 bytes (4-byte salt in the key, 8-byte IV)`;
  return rule(nonceSkip, (v) => {
    if (v.pt.length > 0) return { skip: `${alg} only authenticates: a vector with plaintext to encrypt cannot be expressed` };
    const data = v.aad;
    if (data.length < 16) {
      return { skip: `message of ${bytes(data.length)}: ${alg} authenticates a 16- or 20-byte AAD region before the data, so a GMAC message under 16 bytes cannot be expressed` };
    }
    const split = data.length >= 20 ? 20 : 16;
    const payload = data.subarray(split);
    const form = {
      key: Buffer.concat([v.key, v.nonce.subarray(0, 4)]),
      iv: v.nonce.subarray(4),
      assoc: data.subarray(0, split),
      pt: payload,
      ct: payload,
      tag: v.tag,
    };
    return checked(alg, form, AES_KEYS, [16], v.key.length);
  });
}

/** The 16-byte CCM IV for a nonce: L' = 14 - nonce length, then the nonce, then a zero counter. */
export function ccmIv(nonce: Buffer): Buffer {
  const iv = Buffer.alloc(16);
  iv[0] = 14 - nonce.length;
  nonce.copy(iv, 1);
  return iv;
}

function ccm(alg: string, keySizes: number[]): AeadRule {
  const nonceSkip = (n: number): string | undefined =>
    n > 13 ? `nonce of ${bytes(n)}: ${alg} takes 7 to 13 bytes (iv[0] = 14 - length), a longer nonce has no encoding` : undefined;
  return rule(nonceSkip, (v) => {
    const n = v.nonce.length;
    const form = { key: v.key, iv: ccmIv(v.nonce), assoc: v.aad, pt: v.pt, ct: v.ct, tag: v.tag };
    if (n < 7) return { einval: form, why: `nonce of ${bytes(n)}: iv[0] = ${14 - n} is outside 1..7` };
    return checked(alg, form, keySizes, CCM_AUTHSIZES);
  });
}

function chachapoly(alg: string): AeadRule {
  return rule(onlyIv(alg, 12, 'nonce'), (v) => checked(alg, { key: v.key, iv: v.nonce, assoc: v.aad, pt: v.pt, ct: v.ct, tag: v.tag }, [32], [16]));
}

function aegis128(alg: string): AeadRule {
  return rule(onlyIv(alg, 16), (v) =>
    checked(alg, { key: v.key, iv: v.nonce, assoc: v.aad, pt: v.pt, ct: v.ct, tag: v.tag }, [16], [8, 9, 10, 11, 12, 13, 14, 15, 16]),
  );
}

const RULES: Record<string, AeadRule> = {
  'gcm(aes)': gcm('gcm(aes)', AES_KEYS),
  'gcm(sm4)': gcm('gcm(sm4)', [16]),
  'rfc4106(gcm(aes))': saltedIpsec('rfc4106(gcm(aes))', 4, 12, AES_KEYS, IPSEC_AUTHSIZES, IPSEC_AAD),
  'rfc4543(gcm(aes))': rfc4543('rfc4543(gcm(aes))'),
  'ccm(aes)': ccm('ccm(aes)', AES_KEYS),
  'ccm(sm4)': ccm('ccm(sm4)', [16]),
  'rfc4309(ccm(aes))': saltedIpsec('rfc4309(ccm(aes))', 3, 11, AES_KEYS, IPSEC_AUTHSIZES, IPSEC_AAD),
  'rfc7539(chacha20,poly1305)': chachapoly('rfc7539(chacha20,poly1305)'),
  'rfc7539esp(chacha20,poly1305)': saltedIpsec('rfc7539esp(chacha20,poly1305)', 4, 12, [32], [16]),
  aegis128: aegis128('aegis128'),
};

/** The rules of an AEAD transform the adapters know. */
export function aeadRule(algorithm: string): AeadRule {
  const rule = RULES[algorithm];
  if (!rule) throw new Error(`no AEAD rules for ${algorithm}`);
  return rule;
}
