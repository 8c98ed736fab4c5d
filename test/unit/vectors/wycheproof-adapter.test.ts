import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { adaptWycheproof, type WycheproofAdapter } from '../../../vectors/adapters/wycheproof-adapter.js';
import type { Adapted } from '../../../vectors/adapters/common.js';
import { loadWycheproof, type WycheproofFile } from '../../../vectors/wycheproof.js';
import type { VectorCase } from '../../../vectors/vector-case.js';
import { BadInputError } from '../../../harness/core/errors.js';
import { vectorPath } from './vectors-dir.js';
import { B, asAead, asHash, asSkcipher, cmac, ecb, open, seal, xts, aesName } from './crypto-reference.js';

const v1 = (name: string): string => vectorPath('wycheproof/testvectors_v1', name);
const files = new Map<string, WycheproofFile>();
function file(name: string): WycheproofFile {
  let data = files.get(name);
  if (!data) {
    data = loadWycheproof(v1(name));
    files.set(name, data);
  }
  return data;
}
const adapt = (name: string, adapter: WycheproofAdapter, algorithm: string): Adapted => adaptWycheproof(file(name), adapter, { algorithm });

/** how the cases of one adaptation split up */
function tally(adapted: Adapted): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of adapted.cases) {
    const body = c.body as { type: string; op?: string; expectError?: string; expectMismatch?: boolean };
    const key = [c.expectation, body.op ?? body.type, body.expectError ?? (body.expectMismatch ? 'mismatch' : 'match')].join(' ');
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** vectors (tcIds) behind the cases, by expectation: the usable count (valid+invalid) of the vector survey named in vectors/README.md */
function usable(adapted: Adapted): { valid: number; invalid: number } {
  const valid = new Set<string>();
  const invalid = new Set<string>();
  for (const c of adapted.cases) {
    const tc = /^tcId \d+/.exec(c.id)![0];
    (c.expectation === 'invalid' ? invalid : valid).add(tc);
  }
  return { valid: valid.size, invalid: invalid.size };
}

function reasons(adapted: Adapted): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of adapted.skipped) out.set(s.reason, (out.get(s.reason) ?? 0) + 1);
  return out;
}

/** Every aead case agrees with OpenSSL run on the un-adapted parameters; forged ones fail there too. */
function verifyAead(algorithm: string, cases: VectorCase[]): number {
  let checked = 0;
  for (const c of cases) {
    const body = asAead(c.body);
    if (body.expectError === 'EINVAL') continue;
    if (body.expectError === 'EBADMSG') {
      assert.equal(body.op, 'decrypt', c.id);
      assert.throws(() => open(algorithm, body), Error, `${c.id} should not verify`);
    } else if (body.op === 'encrypt') {
      assert.equal(seal(algorithm, body).toString('hex'), B(body.expect).toString('hex'), c.id);
    } else {
      assert.equal(open(algorithm, body).toString('hex'), B(body.expect).toString('hex'), c.id);
    }
    checked++;
  }
  return checked;
}

/** A small in-memory Wycheproof file (not via the loader) for paths the real files lack. */
function synthetic(groups: Array<{ type: string; tests: Array<Record<string, unknown>> }>): WycheproofFile {
  return {
    file: '/mem/synthetic.json',
    schema: 'x',
    numberOfTests: groups.reduce((n, g) => n + g.tests.length, 0),
    header: [],
    notes: {},
    testGroups: groups.map((g) => ({ type: g.type, tests: g.tests.map((t, i) => ({ tcId: i + 1, comment: '', flags: [], result: 'valid', ...t })) })) as WycheproofFile['testGroups'],
  };
}

describe('vectors/adapters/wycheproof-adapter', () => {
  describe('gcm(aes)', () => {
    it('aes_gcm: 197 usable (116 valid both ways + 81 forged tags), 119 with IVs other than 12 bytes skipped', () => {
      const adapted = adapt('aes_gcm_test.json', 'aead', 'gcm(aes)');
      assert.deepEqual(usable(adapted), { valid: 116, invalid: 81 });
      assert.deepEqual(tally(adapted), { 'valid encrypt match': 116, 'valid decrypt match': 116, 'invalid decrypt EBADMSG': 81 });
      assert.equal(adapted.skipped.length, 119);
      assert.equal(reasons(adapted).get('IV of 8 bytes: gcm(aes) takes a 12-byte IV only'), 7);
      assert.ok([...reasons(adapted).keys()].every((reason) => /^IV of \d+ bytes?: gcm\(aes\) takes a 12-byte IV only$/.test(reason)));
      assert.equal(adapted.cases.length + adapted.skipped.length - 116, 316);
      const first = adapted.cases[0]!;
      assert.equal(first.id, 'tcId 1 encrypt');
      assert.deepEqual(first.flags, ['Ktv']);
      assert.deepEqual(first.body, {
        type: 'aead',
        key: Buffer.from('5b9604fe14eadba931b0ccf34843dab9', 'hex').toString('base64'),
        iv: Buffer.from('028318abc1824029138141a2', 'hex').toString('base64'),
        assoc: '',
        authsize: 16,
        op: 'encrypt',
        input: Buffer.from('001d0c231287c1182784554ca3a21908', 'hex').toString('base64'),
        expect: Buffer.from('26073cc1d851beff176384dc9896d5ff0a3ea7a5487cb5f7d70fb6c58d038554', 'hex').toString('base64'),
      });
      assert.equal(adapted.cases[1]!.id, 'tcId 1 decrypt');
    });

    it('aes_gcm cases agree with OpenSSL, and the forged ones fail there', () => {
      const adapted = adapt('aes_gcm_test.json', 'aead', 'gcm(aes)');
      assert.equal(verifyAead('gcm(aes)', adapted.cases), 313);
    });

    it('aes_gmac as GCM with the message as AAD: 207 usable (45+162), 207 with 16-byte IVs skipped', () => {
      const adapted = adapt('aes_gmac_test.json', 'gmac', 'gcm(aes)');
      assert.deepEqual(usable(adapted), { valid: 45, invalid: 162 });
      assert.deepEqual(tally(adapted), { 'valid encrypt match': 45, 'valid decrypt match': 45, 'invalid decrypt EBADMSG': 162 });
      assert.deepEqual([...reasons(adapted)], [['IV of 16 bytes: gcm(aes) takes a 12-byte IV only', 207]]);
      for (const c of adapted.cases) {
        const body = asAead(c.body);
        if (body.op === 'encrypt') assert.equal(B(body.input).length, 0, c.id);
        else assert.equal(B(body.input).length, 16, c.id);
      }
      assert.equal(verifyAead('gcm(aes)', adapted.cases), 252);
    });

    it('rfc4106: the 5 gcm vectors with a 12-byte nonce and 8-byte AAD, salt in the key and IV after the AAD', () => {
      const adapted = adapt('aes_gcm_test.json', 'aead', 'rfc4106(gcm(aes))');
      assert.deepEqual(usable(adapted), { valid: 5, invalid: 0 });
      assert.equal(adapted.cases.length, 10);
      assert.equal(adapted.skipped.length, 311);
      for (const c of adapted.cases) {
        const body = asAead(c.body);
        assert.equal(B(body.iv).length, 8);
        assert.ok([20, 28, 36].includes(B(body.key).length));
        assert.ok([16, 20].includes(B(body.assoc).length));
      }
      assert.ok(reasons(adapted).has('AAD of 0 bytes: rfc4106(gcm(aes)) takes 8 or 12 bytes of AAD (assoclen 16 or 20 with the IV)'));
      assert.ok(reasons(adapted).has('nonce of 16 bytes: rfc4106(gcm(aes)) takes 12 bytes (4-byte salt in the key, 8-byte IV)'));
      assert.equal(verifyAead('rfc4106(gcm(aes))', adapted.cases), 10);
    });

    it('rfc4543: GMAC messages of 16+ bytes split into a 16/20-byte AAD region and pass-through data', () => {
      const adapted = adapt('aes_gmac_test.json', 'gmac', 'rfc4543(gcm(aes))');
      assert.deepEqual(usable(adapted), { valid: 24, invalid: 81 });
      assert.equal(adapted.cases.length, 129);
      assert.equal(adapted.skipped.length, 414 - 105);
      const sizes = new Set(adapted.cases.map((c) => B(asAead(c.body).assoc).length));
      assert.deepEqual([...sizes].sort(), [16, 20]);
      assert.equal(verifyAead('rfc4543(gcm(aes))', adapted.cases), 129);
    });
  });

  describe('ccm(aes)', () => {
    it('aes_ccm: 486 usable (405+81), 42 parameter errors as EINVAL, 24 long nonces skipped', () => {
      const adapted = adapt('aes_ccm_test.json', 'aead', 'ccm(aes)');
      assert.deepEqual(tally(adapted), {
        'valid encrypt match': 405,
        'valid decrypt match': 405,
        'invalid decrypt EBADMSG': 81,
        'invalid encrypt EINVAL': 42,
      });
      const einval = adapted.cases.filter((c) => asAead(c.body).expectError === 'EINVAL').map((c) => asAead(c.body));
      const badNonce = einval.filter((body) => B(body.iv)[0]! < 1 || B(body.iv)[0]! > 7);
      assert.equal(badNonce.length, 15);
      assert.deepEqual([...new Set(badNonce.map((body) => 14 - B(body.iv)[0]!))].sort((a, b) => a - b), [0, 1, 2, 4, 6]);
      const badTag = einval.filter((body) => B(body.iv)[0]! >= 1 && B(body.iv)[0]! <= 7);
      assert.equal(badTag.length, 27);
      assert.ok(badTag.every((body) => body.authsize % 2 === 1 || body.authsize < 4));
      assert.equal(adapted.skipped.length, 24);
      assert.ok(adapted.skipped.every((s) => /^nonce of \d+ bytes: ccm\(aes\) takes 7 to 13 bytes/.test(s.reason)));
      assert.equal(verifyAead('ccm(aes)', adapted.cases), 405 * 2 + 81);
    });

    it('rfc4309: the 9 vectors with an 11-byte nonce and 8-byte AAD', () => {
      const adapted = adapt('aes_ccm_test.json', 'aead', 'rfc4309(ccm(aes))');
      assert.deepEqual(usable(adapted), { valid: 9, invalid: 0 });
      assert.equal(adapted.skipped.length, 552 - 9);
      assert.ok(adapted.cases.every((c) => B(asAead(c.body).key).length % 8 === 3));
      assert.equal(verifyAead('rfc4309(ccm(aes))', adapted.cases), 18);
    });

    it('ccm(sm4) follows the same rules', () => {
      const adapted = adapt('sm4_ccm_test.json', 'aead', 'ccm(sm4)');
      assert.deepEqual(tally(adapted), { 'valid encrypt match': 135, 'valid decrypt match': 135, 'invalid decrypt EBADMSG': 27, 'invalid encrypt EINVAL': 14 });
      assert.equal(adapted.skipped.length, 8);
    });
  });

  describe('chacha20-poly1305 and aegis128', () => {
    it('rfc7539: 316 usable (256+60), 9 other nonce sizes skipped', () => {
      const adapted = adapt('chacha20_poly1305_test.json', 'aead', 'rfc7539(chacha20,poly1305)');
      assert.deepEqual(usable(adapted), { valid: 256, invalid: 60 });
      assert.equal(adapted.skipped.length, 9);
      assert.equal(verifyAead('rfc7539(chacha20,poly1305)', adapted.cases), 572);
    });

    it('rfc7539esp: same vectors, key || nonce[0:4], IV = nonce[4:12] appended to the AAD', () => {
      const adapted = adapt('chacha20_poly1305_test.json', 'aead', 'rfc7539esp(chacha20,poly1305)');
      assert.deepEqual(usable(adapted), { valid: 256, invalid: 60 });
      for (const c of adapted.cases) {
        const body = asAead(c.body);
        assert.equal(B(body.key).length, 36);
        assert.equal(B(body.iv).length, 8);
      }
      assert.equal(verifyAead('rfc7539esp(chacha20,poly1305)', adapted.cases), 572);
    });

    it('aegis128: 475 usable (367 valid both ways, 108 forged)', () => {
      const adapted = adapt('aegis128_test.json', 'aead', 'aegis128');
      assert.deepEqual(tally(adapted), { 'valid encrypt match': 367, 'valid decrypt match': 367, 'invalid decrypt EBADMSG': 108 });
      assert.equal(adapted.skipped.length, 0);
      assert.ok(adapted.cases.every((c) => B(asAead(c.body).iv).length === 16 && asAead(c.body).authsize === 16));
    });

    it('gcm(sm4): 65 usable (38+27)', () => {
      const adapted = adapt('sm4_gcm_test.json', 'aead', 'gcm(sm4)');
      assert.deepEqual(usable(adapted), { valid: 38, invalid: 27 });
      assert.equal(adapted.skipped.length, 39);
    });
  });

  describe('cbc(aes) from aes_cbc_pkcs5', () => {
    it('keeps the 72 valid vectors with PKCS#7 handled in userspace and skips the 144 padding errors', () => {
      const data = file('aes_cbc_pkcs5_test.json');
      const adapted = adaptWycheproof(data, 'cbc-pkcs5', { algorithm: 'cbc(aes)' });
      assert.deepEqual(tally(adapted), { 'valid encrypt match': 72, 'valid decrypt match': 72 });
      assert.deepEqual(
        [...reasons(adapted)].sort(),
        [
          ['padding error with an empty ciphertext: an skcipher request of 0 bytes cannot be expressed', 3],
          ['padding error: cbc(aes) does no padding, so the kernel decrypts this ciphertext without error', 141],
        ],
      );
      const messages = new Map<number, string>();
      for (const group of data.testGroups) for (const test of group.tests) messages.set(test.tcId, test.msg as string);
      for (const c of adapted.cases) {
        const body = asSkcipher(c.body);
        const key = B(body.key);
        const input = B(body.input);
        assert.equal(input.length % 16, 0, c.id);
        // the kernel sees raw CBC: OpenSSL without padding must agree
        const name = aesName(key, 'cbc');
        const cipher = body.op === 'encrypt' ? crypto.createCipheriv(name, key, B(body.iv)) : crypto.createDecipheriv(name, key, B(body.iv));
        cipher.setAutoPadding(false);
        assert.equal(Buffer.concat([cipher.update(input), cipher.final()]).toString('hex'), B(body.expect).toString('hex'), c.id);
        // and the padded plaintext strips back to the vector's message
        const padded = body.op === 'encrypt' ? input : B(body.expect);
        const pad = padded[padded.length - 1]!;
        assert.ok(pad >= 1 && pad <= 16 && padded.subarray(padded.length - pad).every((b) => b === pad), c.id);
        assert.equal(padded.subarray(0, padded.length - pad).toString('hex'), messages.get(Number(/\d+/.exec(c.id)![0])), c.id);
      }
    });
  });

  describe('xts(aes)', () => {
    it('all 123 vectors, 48-byte keys included, both ways; the tweak right-padded to 16 bytes', () => {
      const data = file('aes_xts_test.json');
      const adapted = adaptWycheproof(data, 'xts', { algorithm: 'xts(aes)' });
      assert.deepEqual(tally(adapted), { 'valid encrypt match': 123, 'valid decrypt match': 123 });
      assert.equal(adapted.skipped.length, 0);
      const tweaks = new Map<number, string>();
      for (const group of data.testGroups) for (const test of group.tests) tweaks.set(test.tcId, test.iv as string);
      const keySizes = new Map<number, number>();
      for (const c of adapted.cases) {
        const body = asSkcipher(c.body);
        const key = B(body.key);
        const iv = B(body.iv);
        keySizes.set(key.length, (keySizes.get(key.length) ?? 0) + 1);
        const tweak = tweaks.get(Number(/\d+/.exec(c.id)![0]))!;
        assert.equal(iv.toString('hex'), tweak.padEnd(32, '0'), c.id);
        // our own XTS (with CTS) from AES-ECB; OpenSSL as a second opinion where it has the key size
        const expect = B(body.expect).toString('hex');
        assert.equal(xts(key, iv, B(body.input), body.op === 'decrypt').toString('hex'), expect, c.id);
        if (key.length !== 48) {
          const name = `aes-${key.length * 4}-xts`;
          const cipher = body.op === 'encrypt' ? crypto.createCipheriv(name, key, iv) : crypto.createDecipheriv(name, key, iv);
          assert.equal(Buffer.concat([cipher.update(B(body.input)), cipher.final()]).toString('hex'), expect, c.id);
        }
      }
      assert.deepEqual(Object.fromEntries(keySizes), { 32: 82, 48: 82, 64: 82 });
    });
  });

  describe('MACs', () => {
    for (const [name, algorithm, hash, valid, invalid] of [
      ['hmac_sha1_test.json', 'hmac(sha1)', 'sha1', 66, 104],
      ['hmac_sha256_test.json', 'hmac(sha256)', 'sha256', 66, 108],
      ['hmac_sha512_test.json', 'hmac(sha512)', 'sha512', 66, 108],
      ['hmac_sha3_224_test.json', 'hmac(sha3-224)', 'sha3-224', 66, 106],
      ['hmac_sm3_test.json', 'hmac(sm3)', 'sm3', 66, 108],
    ] as const) {
      it(`${algorithm}: valid tags match, invalid ones must differ (checked with node:crypto)`, () => {
        const adapted = adapt(name, 'mac', algorithm);
        assert.deepEqual(tally(adapted), { 'valid hash match': valid, 'invalid hash mismatch': invalid });
        for (const c of adapted.cases) {
          const body = asHash(c.body);
          const expect = B(body.expect);
          const digest = crypto.createHmac(hash, B(body.key)).update(B(body.msg)).digest().subarray(0, expect.length);
          assert.equal(digest.equals(expect), !body.expectMismatch, c.id);
        }
      });
    }

    it('cmac(aes): 63 valid, 243 must differ, 5 InvalidKeySize keys must fail setkey with EINVAL', () => {
      const adapted = adapt('aes_cmac_test.json', 'mac', 'cmac(aes)');
      assert.deepEqual(tally(adapted), { 'valid hash match': 63, 'invalid hash mismatch': 243, 'invalid hash EINVAL': 5 });
      for (const c of adapted.cases) {
        const body = asHash(c.body) as ReturnType<typeof asHash> & { expectError?: string };
        const key = B(body.key);
        if (body.expectError) {
          assert.deepEqual(c.flags, ['InvalidKeySize']);
          assert.ok(![16, 24, 32].includes(key.length));
          assert.equal(body.expect, undefined);
          continue;
        }
        const expect = B(body.expect);
        assert.equal(cmac(key, B(body.msg), 'aes').subarray(0, expect.length).equals(expect), !body.expectMismatch, c.id);
      }
      const lengths = adapted.cases.filter((c) => (c.body as { expectError?: string }).expectError).map((c) => B(asHash(c.body).key).length);
      assert.deepEqual(lengths.sort((a, b) => a - b), [0, 1, 8, 20, 40]);
    });
  });

  describe('acceptable vectors and malformed input', () => {
    it('runs acceptable vectors in the valid form, marked acceptable', () => {
      const key = Buffer.alloc(16, 7);
      const msg = Buffer.from('abc');
      const tag = crypto.createHmac('sha256', key).update(msg).digest();
      const mac = adaptWycheproof(synthetic([{ type: 'MacTest', tests: [{ key: key.toString('hex'), msg: msg.toString('hex'), tag: tag.toString('hex'), result: 'acceptable' }] }]), 'mac', {
        algorithm: 'hmac(sha256)',
      });
      assert.deepEqual(mac.cases, [{ id: 'tcId 1', expectation: 'acceptable', body: { type: 'hash', key: key.toString('base64'), msg: msg.toString('base64'), expect: tag.toString('base64') } }]);

      const nonce = Buffer.alloc(12, 1);
      const c = crypto.createCipheriv('aes-128-gcm', key, nonce);
      const ct = Buffer.concat([c.update(msg), c.final()]);
      const aead = adaptWycheproof(
        synthetic([{ type: 'AeadTest', tests: [{ key: key.toString('hex'), iv: nonce.toString('hex'), aad: '', msg: msg.toString('hex'), ct: ct.toString('hex'), tag: c.getAuthTag().toString('hex'), result: 'acceptable' }] }]),
        'aead',
        { algorithm: 'gcm(aes)' },
      );
      assert.deepEqual(
        aead.cases.map((x) => [x.id, x.expectation, asAead(x.body).op]),
        [
          ['tcId 1 encrypt', 'acceptable', 'encrypt'],
          ['tcId 1 decrypt', 'acceptable', 'decrypt'],
        ],
      );
    });

    it('names the file and the JSON path of a missing field', () => {
      const data = synthetic([{ type: 'MacTest', tests: [{ key: '00', msg: '' }] }]);
      assert.throws(() => adaptWycheproof(data, 'mac', { algorithm: 'hmac(sha256)' }), {
        name: 'BadInputError',
        message: "/mem/synthetic.json: /testGroups/0/tests/0/tag: missing (the MacTest adapter needs it)",
      });
    });

    it('rejects a group of the wrong type for the adapter', () => {
      assert.throws(
        () => adaptWycheproof(synthetic([{ type: 'IndCpaTest', tests: [] }]), 'aead', { algorithm: 'gcm(aes)' }),
        (error: unknown) => error instanceof BadInputError && error.message === "/mem/synthetic.json: /testGroups/0/type: gcm(aes) needs AeadTest groups, found 'IndCpaTest'",
      );
    });

    it('self-check: the reference XTS agrees with OpenSSL on a random 37-byte message', () => {
      const key = crypto.randomBytes(32);
      const iv = crypto.randomBytes(16);
      const data = crypto.randomBytes(37);
      const c = crypto.createCipheriv('aes-128-xts', key, iv);
      assert.deepEqual(xts(key, iv, data, false), Buffer.concat([c.update(data), c.final()]));
      assert.deepEqual(ecb('aes-128-ecb', key.subarray(0, 16), ecb('aes-128-ecb', key.subarray(0, 16), data.subarray(0, 32)), true), data.subarray(0, 32));
    });
  });
});
