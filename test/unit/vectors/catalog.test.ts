import assert from 'node:assert/strict';
import { afalgTypeOf, catalog, catalogEntry } from '../../../vectors/catalog.js';

describe('vectors/catalog', () => {
  it('keeps its names, order and types', () => {
    assert.deepEqual(
      catalog.map((algorithm) => algorithm.name),
      [
        'md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512', 'sm3', 'blake2b-512',
        'hmac(sha1)', 'hmac(sha224)', 'hmac(sha256)', 'hmac(sha384)', 'hmac(sha512)',
        'hmac(sha3-224)', 'hmac(sha3-256)', 'hmac(sha3-384)', 'hmac(sha3-512)', 'hmac(sm3)',
        'cmac(aes)', 'xcbc(aes)', 'cmac(des3_ede)', 'ghash', 'poly1305', 'crc32c',
        'ecb(aes)', 'cbc(aes)', 'ctr(aes)', 'xts(aes)', 'cts(cbc(aes))', 'rfc3686(ctr(aes))',
        'ecb(des3_ede)', 'cbc(des3_ede)', 'chacha20', 'xchacha20', 'ecb(sm4)', 'cbc(sm4)', 'ctr(sm4)',
        'gcm(aes)', 'ccm(aes)', 'rfc4106(gcm(aes))', 'rfc4309(ccm(aes))', 'rfc4543(gcm(aes))',
        'rfc7539(chacha20,poly1305)', 'rfc7539esp(chacha20,poly1305)', 'gcm(sm4)', 'ccm(sm4)', 'aegis128',
        'stdrng',
      ],
    );
    assert.equal(catalogEntry('gcm(aes)')?.type, 'aead');
    assert.equal(catalogEntry('xts(aes)')?.type, 'skcipher');
    assert.equal(catalogEntry('poly1305')?.type, 'hash');
    assert.equal(catalogEntry('stdrng')?.type, 'rng');
    assert.equal(catalogEntry('nope'), undefined);
    assert.equal(afalgTypeOf('shash'), 'hash');
    assert.equal(afalgTypeOf('ahash'), 'hash');
    assert.equal(afalgTypeOf('akcipher'), undefined);
    assert.equal(afalgTypeOf('lskcipher'), 'skcipher', "7.x's cbc(aes-lib) binds as an skcipher");
  });

  it('names the software reference of every algorithm but stdrng', () => {
    const references = Object.fromEntries(catalog.map((algorithm) => [algorithm.name, algorithm.reference]));
    assert.deepEqual(
      {
        'cbc(aes)': references['cbc(aes)'],
        'ecb(aes)': references['ecb(aes)'],
        'ctr(aes)': references['ctr(aes)'],
        'xts(aes)': references['xts(aes)'],
        'cts(cbc(aes))': references['cts(cbc(aes))'],
        'rfc3686(ctr(aes))': references['rfc3686(ctr(aes))'],
        'gcm(aes)': references['gcm(aes)'],
        'ccm(aes)': references['ccm(aes)'],
        'rfc4106(gcm(aes))': references['rfc4106(gcm(aes))'],
        'rfc4309(ccm(aes))': references['rfc4309(ccm(aes))'],
        'rfc4543(gcm(aes))': references['rfc4543(gcm(aes))'],
        sha256: references.sha256,
        'hmac(sha256)': references['hmac(sha256)'],
        'cmac(aes)': references['cmac(aes)'],
        'rfc7539(chacha20,poly1305)': references['rfc7539(chacha20,poly1305)'],
        chacha20: references.chacha20,
        aegis128: references.aegis128,
        'cbc(des3_ede)': references['cbc(des3_ede)'],
        md5: references.md5,
        'sha3-256': references['sha3-256'],
        'blake2b-512': references['blake2b-512'],
        crc32c: references.crc32c,
        ghash: references.ghash,
        poly1305: references.poly1305,
        'xcbc(aes)': references['xcbc(aes)'],
        xchacha20: references.xchacha20,
        stdrng: references.stdrng,
      },
      {
        'cbc(aes)': 'cbc(aes-generic)',
        'ecb(aes)': 'ecb(aes-generic)',
        'ctr(aes)': 'ctr(aes-generic)',
        'xts(aes)': 'xts(ecb(aes-generic))',
        'cts(cbc(aes))': 'cts(cbc(aes-generic))',
        'rfc3686(ctr(aes))': 'rfc3686(ctr(aes-generic))',
        'gcm(aes)': 'gcm_base(ctr(aes-generic),ghash-generic)',
        'ccm(aes)': 'ccm_base(ctr(aes-generic),cbcmac(aes-generic))',
        'rfc4106(gcm(aes))': 'rfc4106(gcm_base(ctr(aes-generic),ghash-generic))',
        'rfc4309(ccm(aes))': 'rfc4309(ccm_base(ctr(aes-generic),cbcmac(aes-generic)))',
        'rfc4543(gcm(aes))': 'rfc4543(gcm_base(ctr(aes-generic),ghash-generic))',
        sha256: 'sha256-generic',
        'hmac(sha256)': 'hmac(sha256-generic)',
        'cmac(aes)': 'cmac(aes-generic)',
        'rfc7539(chacha20,poly1305)': 'rfc7539(chacha20-generic,poly1305-generic)',
        chacha20: 'chacha20-generic',
        aegis128: 'aegis128-generic',
        'cbc(des3_ede)': 'cbc(des3_ede-generic)',
        md5: 'md5-generic',
        'sha3-256': 'sha3-256-generic',
        'blake2b-512': 'blake2b-512-generic',
        crc32c: 'crc32c-generic',
        ghash: 'ghash-generic',
        poly1305: 'poly1305-generic',
        'xcbc(aes)': 'xcbc(aes-generic)',
        xchacha20: 'xchacha20-generic',
        stdrng: undefined,
      },
    );
    for (const algorithm of catalog) {
      if (algorithm.type === 'rng') {
        assert.equal(algorithm.params, undefined);
        continue;
      }
      assert.ok(algorithm.reference && algorithm.reference !== algorithm.name, algorithm.name);
      assert.ok(algorithm.params, `${algorithm.name} has differential params`);
    }
  });

  it('gives each type the params it needs', () => {
    for (const algorithm of catalog) {
      const params = algorithm.params;
      if (!params) continue;
      assert.ok(params.keySizes.every((size) => Number.isInteger(size) && size > 0), algorithm.name);
      if (algorithm.type === 'skcipher') assert.ok(params.keySizes.length > 0, algorithm.name);
      if (algorithm.type === 'aead') {
        assert.ok(params.keySizes.length > 0 && params.ivSize !== undefined && params.authsizes && params.authsizes.length > 0, algorithm.name);
      }
      if (algorithm.type === 'hash') assert.equal(params.ivSize, undefined, algorithm.name);
    }
    const p = (name: string) => catalogEntry(name)!.params!;
    assert.deepEqual(p('sha256').keySizes, []);
    assert.deepEqual(p('gcm(aes)'), { keySizes: [16, 24, 32], ivSize: 12, authsizes: [4, 8, 12, 13, 14, 15, 16] });
    assert.deepEqual(p('ccm(aes)'), { keySizes: [16, 24, 32], ivSize: 16, authsizes: [4, 6, 8, 10, 12, 14, 16], ivFirstByte: 3 });
    assert.deepEqual(p('rfc4106(gcm(aes))'), { keySizes: [20, 28, 36], ivSize: 8, authsizes: [8, 12, 16], assocSizes: [8, 12], assocCarriesIv: true });
    assert.deepEqual(p('rfc4309(ccm(aes))').keySizes, [19, 27, 35]);
    assert.equal(p('rfc7539esp(chacha20,poly1305)').assocCarriesIv, true);
    assert.deepEqual(p('xts(aes)'), { keySizes: [32, 48, 64], ivSize: 16, blockSize: 1, minInput: 16 });
    assert.deepEqual(p('cbc(aes)'), { keySizes: [16, 24, 32], ivSize: 16, blockSize: 16 });
    assert.equal(p('cbc(des3_ede)').blockSize, 8);
    assert.equal(p('poly1305').minInput, 32);
  });
});
