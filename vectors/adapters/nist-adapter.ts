/**
 * NIST CAVP files (and the pyca RFC files written in the same style) → kernel-ready cases.
 * The families live in nist-hash.ts, nist-cipher.ts and nist-aead.ts; this picks one by name.
 * Malformed records throw BadInputError naming the file and line.
 */
import type { RspFile } from '../nist-rsp.js';
import type { AdaptOptions, Adapted } from './common.js';
import { adaptChachapoly, adaptCcm, adaptGcm } from './nist-aead.js';
import { adaptBlock, adaptChacha20, adaptRfc3686, adaptXts } from './nist-cipher.js';
import { adaptHash, adaptMac, adaptMonte, adaptPoly1305 } from './nist-hash.js';

export type NistAdapter =
  | 'hash'
  | 'hash-monte'
  | 'mac'
  | 'poly1305'
  | 'block'
  | 'rfc3686'
  | 'xts'
  | 'chacha20'
  | 'gcm-encrypt'
  | 'gcm-decrypt'
  | 'ccm-encrypt'
  | 'ccm-decrypt'
  | 'chachapoly';

export function adaptNist(rsp: RspFile, adapter: NistAdapter, options: AdaptOptions): Adapted {
  const out: Adapted = { cases: [], skipped: [] };
  const { algorithm } = options;
  switch (adapter) {
    case 'hash':
      adaptHash(rsp, out);
      break;
    case 'hash-monte':
      adaptMonte(rsp, options, out);
      break;
    case 'mac':
      adaptMac(rsp, out);
      break;
    case 'poly1305':
      adaptPoly1305(rsp, out);
      break;
    case 'block':
      adaptBlock(rsp, out);
      break;
    case 'rfc3686':
      adaptRfc3686(rsp, algorithm, out);
      break;
    case 'xts':
      adaptXts(rsp, algorithm, out);
      break;
    case 'chacha20':
      adaptChacha20(rsp, algorithm, out);
      break;
    case 'gcm-encrypt':
      adaptGcm(rsp, algorithm, 'encrypt', out);
      break;
    case 'gcm-decrypt':
      adaptGcm(rsp, algorithm, 'decrypt', out);
      break;
    case 'ccm-encrypt':
      adaptCcm(rsp, algorithm, 'encrypt', out);
      break;
    case 'ccm-decrypt':
      adaptCcm(rsp, algorithm, 'decrypt', out);
      break;
    case 'chachapoly':
      adaptChachapoly(rsp, algorithm, out);
      break;
  }
  return out;
}
