/**
 * Wycheproof files (already schema-checked by loadWycheproof) → kernel-ready cases, vectors/README.md §2, §3, §5, §6:
 *
 * - `mac` (MacTest: hmac, cmac): valid → the digest's leading tagSize bytes must equal the tag;
 *   invalid → they must differ (AF_ALG computes, it does not verify); a key the transform cannot take
 *   (cmac InvalidKeySize) → setkey must fail with EINVAL.
 * - `aead` (AeadTest) and `gmac` (MacWithIvTest as AEAD with the message as AAD and no plaintext):
 *   the transform's rules (aead-rules.ts) reshape the vector; valid → encrypt and decrypt; invalid →
 *   decrypt must fail with EBADMSG, or the parameters must be refused with EINVAL.
 * - `cbc-pkcs5` (IndCpaTest): valid vectors become plain cbc(aes) vectors, the PKCS#7 padding added to
 *   the plaintext in userspace; the invalid ones are padding errors, which the kernel never sees.
 * - `xts` (IndCpaTest): the 1–16-byte tweak is right-padded with zeros to 16 bytes.
 *
 * `acceptable` vectors run like valid ones, marked acceptable. Whatever cannot be sent is skipped with
 * a reason. A field missing or not hex is an error naming the file and the JSON path.
 */
import { BadInputError } from '../../harness/core/errors.js';
import type { WycheproofFile, WycheproofGroup, WycheproofTest } from '../wycheproof.js';
import { aeadRule } from './aead-rules.js';
import { bytes, emitAead, emitHash, emitSkcipher, hexBytes, listed, type AdaptOptions, type Adapted, type AeadVector, type CaseBase } from './common.js';

export type WycheproofAdapter = 'mac' | 'aead' | 'gmac' | 'cbc-pkcs5' | 'xts';

const GROUP_TYPE: Record<WycheproofAdapter, string> = {
  mac: 'MacTest',
  aead: 'AeadTest',
  gmac: 'MacWithIvTest',
  'cbc-pkcs5': 'IndCpaTest',
  xts: 'IndCpaTest',
};

/** Key lengths a MAC transform takes at setkey; absent: any (hmac). */
const MAC_KEY_SIZES: Record<string, number[]> = {
  'cmac(aes)': [16, 24, 32],
  'cmac(des3_ede)': [24],
  'xcbc(aes)': [16],
};

interface Located {
  test: WycheproofTest;
  group: WycheproofGroup;
  where: string;
  base: CaseBase;
}

function hexField(item: Located, name: string): Buffer {
  const value = item.test[name];
  if (typeof value !== 'string') throw new BadInputError(`${item.where}/${name}: missing (the ${item.group.type} adapter needs it)`);
  return hexBytes(value, `${item.where}/${name}`);
}

function* located(data: WycheproofFile, adapter: WycheproofAdapter, algorithm: string): Generator<Located> {
  const expected = GROUP_TYPE[adapter];
  for (let g = 0; g < data.testGroups.length; g++) {
    const group = data.testGroups[g]!;
    if (group.type !== expected) {
      throw new BadInputError(`${data.file}: /testGroups/${g}/type: ${algorithm} needs ${expected} groups, found '${group.type}'`);
    }
    for (let t = 0; t < group.tests.length; t++) {
      const test = group.tests[t]!;
      const base: CaseBase = { id: `tcId ${test.tcId}`, expectation: test.result };
      if (test.comment) base.comment = test.comment;
      if (test.flags.length > 0) base.flags = test.flags;
      yield { test, group, where: `${data.file}: /testGroups/${g}/tests/${t}`, base };
    }
  }
}

function adaptMac(data: WycheproofFile, algorithm: string, out: Adapted): void {
  const keySizes = MAC_KEY_SIZES[algorithm];
  for (const item of located(data, 'mac', algorithm)) {
    const key = hexField(item, 'key');
    const msg = hexField(item, 'msg');
    const tag = hexField(item, 'tag');
    const { base } = item;
    if (keySizes && !keySizes.includes(key.length)) {
      const why = `key of ${bytes(key.length)}: ${algorithm} takes ${listed(keySizes)}`;
      if (base.expectation === 'invalid') emitHash(out, { ...base, comment: base.comment ? `${base.comment} (${why})` : why }, { key, msg, expectError: 'EINVAL' });
      else out.skipped.push({ id: base.id, reason: `${why}, although the vector is ${base.expectation}` });
      continue;
    }
    if (tag.length === 0) {
      out.skipped.push({ id: base.id, reason: 'empty tag: there is nothing to compare the digest with' });
      continue;
    }
    if (base.expectation === 'invalid') emitHash(out, base, { key, msg, expect: tag, expectMismatch: true });
    else emitHash(out, base, { key, msg, expect: tag });
  }
}

function adaptAead(data: WycheproofFile, adapter: 'aead' | 'gmac', algorithm: string, out: Adapted): void {
  const rule = aeadRule(algorithm);
  for (const item of located(data, adapter, algorithm)) {
    let vector: AeadVector;
    if (adapter === 'aead') {
      const pt = hexField(item, 'msg');
      const ct = hexField(item, 'ct');
      if (pt.length !== ct.length) throw new BadInputError(`${item.where}: msg of ${pt.length} bytes but ct of ${ct.length}`);
      vector = { key: hexField(item, 'key'), nonce: hexField(item, 'iv'), aad: hexField(item, 'aad'), pt, ct, tag: hexField(item, 'tag') };
    } else {
      // GMAC = GCM over the message as AAD, with nothing to encrypt
      const empty = Buffer.alloc(0);
      vector = { key: hexField(item, 'key'), nonce: hexField(item, 'iv'), aad: hexField(item, 'msg'), pt: empty, ct: empty, tag: hexField(item, 'tag') };
    }
    emitAead(out, item.base, rule(vector), 'both');
  }
}

function adaptCbcPkcs5(data: WycheproofFile, algorithm: string, out: Adapted): void {
  for (const item of located(data, 'cbc-pkcs5', algorithm)) {
    const { base } = item;
    const key = hexField(item, 'key');
    const iv = hexField(item, 'iv');
    const msg = hexField(item, 'msg');
    const ct = hexField(item, 'ct');
    if (base.expectation === 'invalid') {
      out.skipped.push({
        id: base.id,
        reason:
          ct.length === 0
            ? 'padding error with an empty ciphertext: an skcipher request of 0 bytes cannot be expressed'
            : `padding error: ${algorithm} does no padding, so the kernel decrypts this ciphertext without error`,
      });
      continue;
    }
    if (iv.length !== 16) {
      out.skipped.push({ id: base.id, reason: `IV of ${bytes(iv.length)}: ${algorithm} takes a 16-byte IV only` });
      continue;
    }
    // PKCS#7 in userspace: the kernel sees whole blocks
    const padLength = 16 - (msg.length % 16);
    const padded = Buffer.concat([msg, Buffer.alloc(padLength, padLength)]);
    if (padded.length !== ct.length) throw new BadInputError(`${item.where}: msg of ${msg.length} bytes pads to ${padded.length}, but ct has ${ct.length}`);
    const note = `PKCS#7 padding of ${padLength} added in userspace`;
    emitSkcipher(out, { ...base, comment: base.comment ? `${base.comment} (${note})` : note }, { key, iv, pt: padded, ct }, 'both', item.where);
  }
}

function adaptXts(data: WycheproofFile, algorithm: string, out: Adapted): void {
  for (const item of located(data, 'xts', algorithm)) {
    const { base } = item;
    const key = hexField(item, 'key');
    const tweak = hexField(item, 'iv');
    const pt = hexField(item, 'msg');
    const ct = hexField(item, 'ct');
    if (base.expectation === 'invalid') {
      out.skipped.push({ id: base.id, reason: `invalid ${algorithm} vector: the kernel has no failure to report for it` });
      continue;
    }
    if (![32, 48, 64].includes(key.length)) {
      out.skipped.push({ id: base.id, reason: `key of ${bytes(key.length)}: ${algorithm} takes two AES keys, 32, 48 or 64 bytes` });
      continue;
    }
    if (tweak.length > 16) {
      out.skipped.push({ id: base.id, reason: `tweak of ${bytes(tweak.length)}: ${algorithm} takes a 16-byte tweak` });
      continue;
    }
    if (pt.length < 16) {
      out.skipped.push({ id: base.id, reason: `input of ${bytes(pt.length)}: ${algorithm} needs at least one 16-byte block` });
      continue;
    }
    // the tweak is right-padded with zeros (vectors/README.md §5, checked on every vector)
    const iv = Buffer.alloc(16);
    tweak.copy(iv);
    emitSkcipher(out, base, { key, iv, pt, ct }, 'both', item.where);
  }
}

/** Adapt one loaded Wycheproof file for `options.algorithm`. Throws BadInputError on malformed data. */
export function adaptWycheproof(data: WycheproofFile, adapter: WycheproofAdapter, options: AdaptOptions): Adapted {
  const out: Adapted = { cases: [], skipped: [] };
  switch (adapter) {
    case 'mac':
      adaptMac(data, options.algorithm, out);
      break;
    case 'aead':
    case 'gmac':
      adaptAead(data, adapter, options.algorithm, out);
      break;
    case 'cbc-pkcs5':
      adaptCbcPkcs5(data, options.algorithm, out);
      break;
    case 'xts':
      adaptXts(data, options.algorithm, out);
      break;
  }
  return out;
}
