import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { adaptNist, type NistAdapter } from '../../../vectors/adapters/nist-adapter.js';
import type { Adapted } from '../../../vectors/adapters/common.js';
import { loadRsp, parseRsp, type RspFile } from '../../../vectors/nist-rsp.js';
import type { VectorCase } from '../../../vectors/vector-case.js';
import { vectorPath } from './vectors-dir.js';
import { B, aesName, asAead, asHash, asSkcipher, cmac, monte, open, poly1305, seal } from './crypto-reference.js';

const rspCache = new Map<string, RspFile>();
function rsp(relative: string): RspFile {
  let parsed = rspCache.get(relative);
  if (!parsed) {
    parsed = loadRsp(vectorPath('nist', relative));
    rspCache.set(relative, parsed);
  }
  return parsed;
}
const adapt = (relative: string, adapter: NistAdapter, algorithm: string, mctCheckpoints?: number): Adapted =>
  adaptNist(rsp(relative), adapter, { algorithm, ...(mctCheckpoints !== undefined ? { mctCheckpoints } : {}) });

function merged(list: Array<[string, NistAdapter]>, algorithm: string): Adapted {
  const out: Adapted = { cases: [], skipped: [] };
  for (const [relative, adapter] of list) {
    const one = adapt(relative, adapter, algorithm);
    out.cases.push(...one.cases);
    out.skipped.push(...one.skipped);
  }
  return out;
}

const bits = ['128', '192', '256'];

function checkSkcipher(cases: VectorCase[], cipherOf: (key: Buffer) => string, adjust?: (key: Buffer, iv: Buffer) => { key: Buffer; iv: Buffer | null }): number {
  for (const c of cases) {
    const body = asSkcipher(c.body);
    let key = B(body.key);
    let iv: Buffer | null = body.iv !== undefined ? B(body.iv) : null;
    if (adjust) ({ key, iv } = adjust(key, iv ?? Buffer.alloc(0)));
    const name = cipherOf(key);
    const cipher = body.op === 'encrypt' ? crypto.createCipheriv(name, key, iv) : crypto.createDecipheriv(name, key, iv);
    cipher.setAutoPadding(false);
    assert.equal(Buffer.concat([cipher.update(B(body.input)), cipher.final()]).toString('hex'), B(body.expect).toString('hex'), c.id);
  }
  return cases.length;
}

function checkAead(algorithm: string, cases: VectorCase[]): { encrypt: number; decrypt: number; forged: number } {
  const counts = { encrypt: 0, decrypt: 0, forged: 0 };
  for (const c of cases) {
    const body = asAead(c.body);
    if (body.expectError === 'EBADMSG') {
      assert.equal(c.expectation, 'invalid');
      assert.throws(() => open(algorithm, body), Error, `${c.id} should not verify`);
      counts.forged++;
    } else if (body.op === 'encrypt') {
      assert.equal(seal(algorithm, body).toString('hex'), B(body.expect).toString('hex'), c.id);
      counts.encrypt++;
    } else {
      assert.equal(open(algorithm, body).toString('hex'), B(body.expect).toString('hex'), c.id);
      counts.decrypt++;
    }
  }
  return counts;
}

describe('vectors/adapters/nist-adapter', () => {
  describe('hashes', () => {
    for (const [algorithm, node, dir, stem, short, long] of [
      ['sha1', 'sha1', 'SHA1', 'SHA1', 65, 64],
      ['sha224', 'sha224', 'SHA2', 'SHA224', 65, 64],
      ['sha256', 'sha256', 'SHA2', 'SHA256', 65, 64],
      ['sha384', 'sha384', 'SHA2', 'SHA384', 129, 128],
      ['sha512', 'sha512', 'SHA2', 'SHA512', 129, 128],
      ['sha3-224', 'sha3-224', 'SHA3', 'SHA3_224', 145, 100],
      ['sha3-256', 'sha3-256', 'SHA3', 'SHA3_256', 137, 100],
      ['sha3-384', 'sha3-384', 'SHA3', 'SHA3_384', 105, 100],
      ['sha3-512', 'sha3-512', 'SHA3', 'SHA3_512', 73, 100],
    ] as const) {
      it(`${algorithm}: ShortMsg ${short} + LongMsg ${long} digests agree with node:crypto`, () => {
        const shortMsg = adapt(`hashes/${dir}/${stem}ShortMsg.rsp`, 'hash', algorithm);
        const longMsg = adapt(`hashes/${dir}/${stem}LongMsg.rsp`, 'hash', algorithm);
        assert.equal(shortMsg.cases.length, short);
        assert.equal(longMsg.cases.length, long);
        assert.equal(shortMsg.skipped.length + longMsg.skipped.length, 0);
        // Len = 0 is written Msg = 00: the message is empty
        assert.equal(asHash(shortMsg.cases[0]!.body).msg, '');
        for (const c of [...shortMsg.cases, ...longMsg.cases]) {
          const body = asHash(c.body);
          assert.equal(body.key, undefined);
          assert.equal(crypto.createHash(node).update(B(body.msg)).digest('base64'), body.expect, c.id);
        }
      });
    }

    for (const [algorithm, node, file, variant] of [
      ['sha1', 'sha1', 'SHA1/SHA1Monte.rsp', 'sha2'],
      ['sha256', 'sha256', 'SHA2/SHA256Monte.rsp', 'sha2'],
      ['sha512', 'sha512', 'SHA2/SHA512Monte.rsp', 'sha2'],
      ['sha3-256', 'sha3-256', 'SHA3/SHA3_256Monte.rsp', 'sha3'],
      ['sha3-512', 'sha3-512', 'SHA3/SHA3_512Monte.rsp', 'sha3'],
    ] as const) {
      it(`${algorithm} Monte: one ${variant} hash-mct case, its first 10 checkpoints recomputed with node:crypto`, () => {
        const adapted = adapt(`hashes/${file}`, 'hash-monte', algorithm);
        assert.equal(adapted.cases.length, 1);
        const mct = adapted.cases[0]!;
        assert.deepEqual(mct.strategies, ['oneshot']);
        assert.equal(mct.body.type, 'hash-mct');
        if (mct.body.type !== 'hash-mct') return;
        assert.equal(mct.body.variant, variant);
        assert.equal(mct.body.expect.length, 10);
        assert.deepEqual(
          monte(node, variant, B(mct.body.seed), 10).map((md) => md.toString('base64')),
          mct.body.expect,
        );
        assert.equal(adapted.skipped.length, 90);
        assert.match(adapted.skipped[0]!.id, /^COUNT 10 line \d+$/);
        assert.equal(adapted.skipped[0]!.reason, 'Monte-Carlo checkpoint past the first 10 (raise mctCheckpoints to run it)');
      });
    }

    it('mctCheckpoints picks how many checkpoints run', () => {
      const three = adapt('hashes/SHA2/SHA224Monte.rsp', 'hash-monte', 'sha224', 3);
      assert.equal(three.cases[0]!.body.type === 'hash-mct' && three.cases[0]!.body.expect.length, 3);
      assert.equal(three.skipped.length, 97);
      const all = adapt('hashes/SHA2/SHA224Monte.rsp', 'hash-monte', 'sha224', 100);
      assert.equal(all.cases[0]!.body.type === 'hash-mct' && all.cases[0]!.body.expect.length, 100);
      assert.equal(all.skipped.length, 0);
      assert.throws(() => adapt('hashes/SHA2/SHA224Monte.rsp', 'hash-monte', 'sha224', 0), /mctCheckpoints/);
    });

    for (const [algorithm, node, file, count] of [
      ['md5', 'md5', 'hashes/MD5/rfc-1321.txt', 7],
      ['sm3', 'sm3', 'hashes/SM3/oscca.txt', 6],
      ['blake2b-512', 'blake2b512', 'hashes/blake2/blake2b.txt', 7],
    ] as const) {
      it(`${algorithm}: ${count} RFC vectors agree with node:crypto`, () => {
        const adapted = adapt(file, 'hash', algorithm);
        assert.equal(adapted.cases.length, count);
        for (const c of adapted.cases) {
          const body = asHash(c.body);
          assert.equal(crypto.createHash(node).update(B(body.msg)).digest('base64'), body.expect, c.id);
        }
      });
    }
  });

  describe('MACs', () => {
    for (const [algorithm, node, file, count] of [
      ['hmac(sha1)', 'sha1', 'HMAC/rfc-2202-sha1.txt', 7],
      ['hmac(sha224)', 'sha224', 'HMAC/rfc-4231-sha224.txt', 6],
      ['hmac(sha256)', 'sha256', 'HMAC/rfc-4231-sha256.txt', 6],
      ['hmac(sha384)', 'sha384', 'HMAC/rfc-4231-sha384.txt', 6],
      ['hmac(sha512)', 'sha512', 'HMAC/rfc-4231-sha512.txt', 6],
    ] as const) {
      it(`${algorithm}: ${count} RFC vectors agree with node:crypto`, () => {
        const adapted = adapt(file, 'mac', algorithm);
        assert.equal(adapted.cases.length, count);
        for (const c of adapted.cases) {
          const body = asHash(c.body);
          const expect = B(body.expect);
          assert.ok(expect.length > 0);
          assert.deepEqual(crypto.createHmac(node, B(body.key)).update(B(body.msg)).digest().subarray(0, expect.length), expect, c.id);
        }
      });
    }

    it('cmac(aes) and cmac(des3_ede): the SP 800-38B examples agree with a CMAC built on node:crypto', () => {
      const aes = merged(bits.map((b) => [`CMAC/nist-800-38b-aes${b}.txt`, 'mac']), 'cmac(aes)');
      assert.equal(aes.cases.length, 12);
      for (const c of aes.cases) {
        const body = asHash(c.body);
        assert.deepEqual(cmac(B(body.key), B(body.msg), 'aes'), B(body.expect), c.id);
      }
      assert.equal(asHash(aes.cases[0]!.body).msg, '');
      const des3 = adapt('CMAC/nist-800-38b-3des.txt', 'mac', 'cmac(des3_ede)');
      assert.equal(des3.cases.length, 8);
      for (const c of des3.cases) {
        const body = asHash(c.body);
        assert.equal(B(body.key).length, 24);
        assert.deepEqual(cmac(B(body.key), B(body.msg), 'des3'), B(body.expect), c.id);
      }
    });

    it('poly1305: the key travels as the first 32 bytes of the data (no setkey)', () => {
      const adapted = adapt('poly1305/rfc7539.txt', 'poly1305', 'poly1305');
      assert.equal(adapted.cases.length, 11);
      for (const c of adapted.cases) {
        const body = asHash(c.body);
        assert.equal(body.key, undefined);
        const msg = B(body.msg);
        assert.deepEqual(poly1305(msg.subarray(0, 32), msg.subarray(32)), B(body.expect), c.id);
      }
    });
  });

  describe('skciphers', () => {
    for (const mode of ['ECB', 'CBC'] as const) {
      it(`${mode.toLowerCase()}(aes): 2,138 KAT+MMT records, [ENCRYPT] and [DECRYPT], agree with node:crypto`, () => {
        const files = ['GFSbox', 'KeySbox', 'MMT', 'VarKey', 'VarTxt'].flatMap((kind) => bits.map((b): [string, NistAdapter] => [`ciphers/AES/${mode}/${mode}${kind}${b}.rsp`, 'block']));
        const adapted = merged(files, `${mode.toLowerCase()}(aes)`);
        assert.equal(adapted.cases.length, 2138);
        assert.equal(adapted.skipped.length, 0);
        const ops = adapted.cases.map((c) => asSkcipher(c.body).op);
        assert.equal(ops.filter((op) => op === 'decrypt').length, 1069);
        assert.match(adapted.cases[0]!.id, /^COUNT 0 line \d+ encrypt$/);
        assert.equal(checkSkcipher(adapted.cases, (key) => aesName(key, mode.toLowerCase())), 2138);
      });
    }

    for (const mode of ['ECB', 'CBC'] as const) {
      it(`${mode.toLowerCase()}(des3_ede): 530 records from KEY1..3 and KEYs files agree with node:crypto`, () => {
        const files = ['MMT1', 'MMT2', 'MMT3', 'invperm', 'permop', 'subtab', 'varkey', 'vartext'].map((kind): [string, NistAdapter] => [`ciphers/3DES/${mode}/T${mode}${kind}.rsp`, 'block']);
        const adapted = merged(files, `${mode.toLowerCase()}(des3_ede)`);
        assert.equal(adapted.cases.length, 530);
        assert.ok(adapted.cases.every((c) => B(asSkcipher(c.body).key).length === 24));
        const degenerate = adapted.cases.filter((c) => c.comment?.includes('degenerate 3DES key')).length;
        assert.equal(degenerate, 530 - 40); // MMT2 (K1 = K3) and MMT3 keys are proper 3-key 3DES
        assert.equal(checkSkcipher(adapted.cases, () => (mode === 'ECB' ? 'des-ede3' : 'des-ede3-cbc')), 530);
      });
    }

    it('ctr(aes): the 9 RFC 3686 vectors with the full counter block as IV', () => {
      const adapted = merged(bits.map((b) => [`ciphers/AES/CTR/aes-${b}-ctr.txt`, 'block']), 'ctr(aes)');
      assert.equal(adapted.cases.length, 9);
      assert.equal(checkSkcipher(adapted.cases, (key) => aesName(key, 'ctr')), 9);
    });

    it('rfc3686(ctr(aes)): nonce moves into the key, the 8-byte IV stays, the counter starts at 1', () => {
      const adapted = merged(bits.map((b) => [`ciphers/AES/CTR/aes-${b}-ctr.txt`, 'rfc3686']), 'rfc3686(ctr(aes))');
      assert.equal(adapted.cases.length, 9);
      const checked = checkSkcipher(
        adapted.cases,
        (key) => aesName(key, 'ctr'),
        (key, iv) => {
          assert.equal(iv.length, 8);
          return { key: key.subarray(0, key.length - 4), iv: Buffer.concat([key.subarray(key.length - 4), iv, Buffer.from([0, 0, 0, 1])]) };
        },
      );
      assert.equal(checked, 9);
    });

    it('xts(aes): 2,800 byte-aligned records of both tweak formats agree with node:crypto; 1,200 skipped', () => {
      const files = ['tweak-128hexstr', 'tweak-dataunitseqno'].flatMap((dir) => ['128', '256'].map((b): [string, NistAdapter] => [`ciphers/AES/XTS/${dir}/XTSGenAES${b}.rsp`, 'xts']));
      const adapted = merged(files, 'xts(aes)');
      assert.equal(adapted.cases.length, 2800);
      assert.equal(adapted.skipped.length, 1200);
      assert.ok(adapted.skipped.every((s) => /^data unit of (130|140|250) bits: xts\(aes\) takes whole bytes only$/.test(s.reason)));
      assert.equal(checkSkcipher(adapted.cases, (key) => `aes-${key.length * 4}-xts`), 2800);
      // the sequence-number tweak is little-endian
      const seq = adapt('ciphers/AES/XTS/tweak-dataunitseqno/XTSGenAES128.rsp', 'xts', 'xts(aes)');
      const record = rsp('ciphers/AES/XTS/tweak-dataunitseqno/XTSGenAES128.rsp').records.find((r) => r.fields.DataUnitLen === '128')!;
      const found = seq.cases.find((c) => c.id.startsWith(`COUNT ${record.fields.COUNT} line ${record.line}`))!;
      const tweak = Buffer.alloc(16);
      tweak.writeBigUInt64LE(BigInt(record.fields.DataUnitSeqNumber!));
      assert.equal(asSkcipher(found.body).iv, tweak.toString('base64'));
    });

    it('chacha20: IV = LE32 initial counter || 12-byte nonce, both directions, agree with node:crypto', () => {
      const adapted = adapt('ciphers/ChaCha20/rfc7539.txt', 'chacha20', 'chacha20');
      assert.equal(adapted.cases.length, 6);
      assert.equal(B(asSkcipher(adapted.cases[4]!.body).iv).readUInt32LE(0), 42);
      assert.equal(checkSkcipher(adapted.cases, () => 'chacha20'), 6);
    });

    for (const mode of ['ecb', 'cbc', 'ctr'] as const) {
      it(`${mode}(sm4): the draft vectors agree with node:crypto`, () => {
        const adapted = adapt(`ciphers/SM4/draft-ribose-cfrg-sm4-10-${mode}.txt`, 'block', `${mode}(sm4)`);
        assert.ok(adapted.cases.length >= 2);
        checkSkcipher(adapted.cases, () => `sm4-${mode}`);
      });
    }
  });

  describe('AEADs', () => {
    it('gcm(aes): 15,750 records with 96-bit IVs agree with node:crypto, FAIL records must not verify', () => {
      const files = [
        ...bits.map((b): [string, NistAdapter] => [`ciphers/AES/GCM/gcmEncryptExtIV${b}.rsp`, 'gcm-encrypt']),
        ...bits.map((b): [string, NistAdapter] => [`ciphers/AES/GCM/gcmDecrypt${b}.rsp`, 'gcm-decrypt']),
      ];
      const adapted = merged(files, 'gcm(aes)');
      assert.equal(adapted.cases.length, 15750);
      assert.equal(adapted.skipped.length, 31500);
      assert.deepEqual(
        [...new Set(adapted.skipped.map((s) => s.reason))].sort(),
        ['IV of 1 byte: gcm(aes) takes a 12-byte IV only', 'IV of 128 bytes: gcm(aes) takes a 12-byte IV only'],
      );
      // the vector survey (vectors/README.md): 1,363 / 1,301 / 1,317 FAIL records among the usable decrypt cases
      const forged = bits.map((b) => adapt(`ciphers/AES/GCM/gcmDecrypt${b}.rsp`, 'gcm-decrypt', 'gcm(aes)').cases.filter((c) => c.expectation === 'invalid').length);
      assert.deepEqual(forged, [1363, 1301, 1317]);
      const counts = checkAead('gcm(aes)', adapted.cases);
      assert.deepEqual(counts, { encrypt: 7875, decrypt: 7875 - 3981, forged: 3981 });
      assert.deepEqual([...new Set(adapted.cases.map((c) => asAead(c.body).authsize))].sort((a, b) => a - b), [4, 8, 12, 13, 14, 15, 16]);
    });

    it('ccm(aes): 2,880 records (DVPT: 480 Fail) agree with node:crypto', () => {
      const files = [
        ...['VADT', 'VNT', 'VPT', 'VTT'].flatMap((kind) => bits.map((b): [string, NistAdapter] => [`ciphers/AES/CCM/${kind}${b}.rsp`, 'ccm-encrypt'])),
        ...bits.map((b): [string, NistAdapter] => [`ciphers/AES/CCM/DVPT${b}.rsp`, 'ccm-decrypt']),
      ];
      const adapted = merged(files, 'ccm(aes)');
      assert.equal(adapted.cases.length, 2880);
      assert.equal(adapted.skipped.length, 0);
      const counts = checkAead('ccm(aes)', adapted.cases);
      assert.deepEqual(counts, { encrypt: 2160, decrypt: 240, forged: 480 });
      // every nonce length 7..13 is exercised through iv[0] = 14 - length
      assert.deepEqual([...new Set(adapted.cases.map((c) => B(asAead(c.body).iv)[0]))].sort(), [1, 2, 3, 4, 5, 6, 7]);
    });

    it('ccm: the bare Alen/Plen/Nlen/Tlen lines reach the adapter as a record of their own, before any section', () => {
      const file = rsp('ciphers/AES/CCM/VADT128.rsp');
      assert.deepEqual(file.records[0]!.fields, { Plen: '24', Nlen: '13', Tlen: '16' });
      assert.deepEqual(file.records[0]!.section, {});
      assert.deepEqual(Object.keys(file.records[1]!.fields), ['Key', 'Nonce']);
      assert.deepEqual(file.records[1]!.section, { Alen: '0' });
      const first = adapt('ciphers/AES/CCM/VADT128.rsp', 'ccm-encrypt', 'ccm(aes)').cases[0]!;
      const body = asAead(first.body);
      assert.equal(B(body.input).length, 24);
      assert.equal(B(body.assoc).length, 0); // Adata = 00 cut to Alen = 0
      assert.equal(body.authsize, 16);
      assert.equal(B(body.iv)[0], 1);
    });

    for (const algorithm of ['rfc7539(chacha20,poly1305)', 'rfc7539esp(chacha20,poly1305)']) {
      it(`${algorithm}: boringssl (66, quoted ASCII) and openssl (5, one forged) agree with node:crypto`, () => {
        const boring = adapt('ciphers/ChaCha20Poly1305/boringssl.txt', 'chachapoly', algorithm);
        assert.deepEqual(checkAead(algorithm, boring.cases), { encrypt: 66, decrypt: 66, forged: 0 });
        const first = asAead(boring.cases[0]!.body);
        assert.ok(B(first.input).toString('latin1').startsWith('Ladies and Gentlemen'));
        const openssl = adapt('ciphers/ChaCha20Poly1305/openssl.txt', 'chachapoly', algorithm);
        assert.deepEqual(checkAead(algorithm, openssl.cases), { encrypt: 4, decrypt: 4, forged: 1 });
      });
    }
  });

  describe('malformed records', () => {
    it('names the file and line of a value that is not hex', () => {
      const file = parseRsp('COUNT = 0\nKEY = 00112233445566778899aabbccddeeff\nPLAINTEXT = 0g112233445566778899aabbccddeeff\nCIPHERTEXT = 00\n', '/mem/bad.rsp');
      assert.throws(() => adaptNist(file, 'block', { algorithm: 'ecb(aes)' }), {
        name: 'BadInputError',
        message: "/mem/bad.rsp:1: PLAINTEXT: not a hex byte string '0g112233445566778899aabbccddeeff'",
      });
    });

    it('names the record that lacks a field, and a CCM CT whose length disagrees with its header', () => {
      assert.throws(() => adaptNist(parseRsp('Len = 8\nMsg = 61\n', '/mem/h.rsp'), 'hash', { algorithm: 'sha256' }), { message: '/mem/h.rsp:1: record has no MD' });
      const ccm = parseRsp('Plen = 1\nNlen = 7\nTlen = 4\n\n[Alen = 0]\n\nKey = 00000000000000000000000000000000\nNonce = 00000000000000\n\nCount = 0\nAdata = 00\nPayload = 01\nCT = 0102\n', '/mem/c.rsp');
      assert.throws(() => adaptNist(ccm, 'ccm-encrypt', { algorithm: 'ccm(aes)' }), { message: '/mem/c.rsp:10: CT of 2 bytes, Plen + Tlen = 5' });
    });
  });
});
