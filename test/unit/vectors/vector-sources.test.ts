import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { catalog } from '../../../vectors/catalog.js';
import { algorithmsWithVectors, clearVectorCache, loadAlgorithmVectors, sourcesFor } from '../../../vectors/vector-sources.js';
import type { AlgorithmVectors } from '../../../vectors/vector-case.js';
import { vectorPath, vectorsDir } from './vectors-dir.js';
import { useTempDir } from '../../support/temp-dir.js';

const count = (vectors: AlgorithmVectors): [number, number] => [
  vectors.sources.reduce((n, source) => n + source.cases.length, 0),
  vectors.sources.reduce((n, source) => n + source.skipped.length, 0),
];

/** cases / skipped per algorithm on the shared files (default mctCheckpoints = 10) */
const EXPECTED: Record<string, [number, number]> = {
  md5: [7, 0],
  sha1: [130, 90],
  sha224: [130, 90],
  sha256: [130, 90],
  sha384: [258, 90],
  sha512: [258, 90],
  'sha3-224': [246, 90],
  'sha3-256': [238, 90],
  'sha3-384': [206, 90],
  'sha3-512': [174, 90],
  sm3: [6, 0],
  'blake2b-512': [7, 0],
  'hmac(sha1)': [177, 0],
  'hmac(sha224)': [178, 0],
  'hmac(sha256)': [180, 0],
  'hmac(sha384)': [180, 0],
  'hmac(sha512)': [180, 0],
  'hmac(sha3-224)': [172, 0],
  'hmac(sha3-256)': [174, 0],
  'hmac(sha3-384)': [174, 0],
  'hmac(sha3-512)': [174, 0],
  'hmac(sm3)': [174, 0],
  'cmac(aes)': [323, 0],
  'cmac(des3_ede)': [8, 0],
  poly1305: [11, 0],
  'ecb(aes)': [2138, 0],
  'cbc(aes)': [144 + 2138, 144],
  'ctr(aes)': [9, 0],
  'xts(aes)': [246 + 2800, 1200],
  'rfc3686(ctr(aes))': [9, 0],
  'ecb(des3_ede)': [530, 0],
  'cbc(des3_ede)': [530, 0],
  chacha20: [6, 0],
  'ecb(sm4)': [4, 0],
  'cbc(sm4)': [2, 0],
  'ctr(sm4)': [2, 0],
  'gcm(aes)': [313 + 252 + 15750, 119 + 207 + 31500],
  'ccm(aes)': [933 + 2880, 24],
  'rfc4106(gcm(aes))': [10, 311],
  'rfc4309(ccm(aes))': [18, 543],
  'rfc4543(gcm(aes))': [129, 309],
  'rfc7539(chacha20,poly1305)': [572 + 132 + 9, 9],
  'rfc7539esp(chacha20,poly1305)': [572 + 132 + 9, 9],
  'gcm(sm4)': [103, 39],
  'ccm(sm4)': [311, 8],
  aegis128: [842, 0],
};

describe('vectors/vector-sources', () => {
  const tmp = useTempDir('afalg-sources-test-');

  it('lists the sources of an algorithm, with their adapters', () => {
    assert.deepEqual(
      sourcesFor('gcm(aes)').map((spec) => `${spec.family}:${spec.adapter}:${spec.path}`),
      [
        'wycheproof:aead:wycheproof/testvectors_v1/aes_gcm_test.json',
        'wycheproof:gmac:wycheproof/testvectors_v1/aes_gmac_test.json',
        'nist:gcm-encrypt:nist/ciphers/AES/GCM/gcmEncryptExtIV128.rsp',
        'nist:gcm-encrypt:nist/ciphers/AES/GCM/gcmEncryptExtIV192.rsp',
        'nist:gcm-encrypt:nist/ciphers/AES/GCM/gcmEncryptExtIV256.rsp',
        'nist:gcm-decrypt:nist/ciphers/AES/GCM/gcmDecrypt128.rsp',
        'nist:gcm-decrypt:nist/ciphers/AES/GCM/gcmDecrypt192.rsp',
        'nist:gcm-decrypt:nist/ciphers/AES/GCM/gcmDecrypt256.rsp',
      ],
    );
    assert.equal(sourcesFor('sha256').map((spec) => spec.adapter).join(' '), 'hash hash hash-monte');
    assert.equal(sourcesFor('cbc(des3_ede)').length, 8);
    assert.ok(sourcesFor('cbc(des3_ede)').every((spec) => !spec.path.includes('TCBCI')), 'the interleaved TCBCI files are not cbc');
    assert.deepEqual(sourcesFor('xcbc(aes)'), []);
    assert.deepEqual(sourcesFor('no-such-alg'), []);
    // a copy: callers cannot change the table
    sourcesFor('sha1')[0]!.path = 'changed';
    assert.notEqual(sourcesFor('sha1')[0]!.path, 'changed');
  });

  it('algorithmsWithVectors: catalog names with files, in catalog order', () => {
    const names = algorithmsWithVectors();
    assert.deepEqual(names, Object.keys(EXPECTED).sort((a, b) => catalog.findIndex((x) => x.name === a) - catalog.findIndex((x) => x.name === b)));
    for (const missing of ['xcbc(aes)', 'cts(cbc(aes))', 'xchacha20', 'ghash', 'crc32c', 'stdrng']) assert.ok(!names.includes(missing), missing);
  });

  it('loads every algorithm from the shared files: no unusable source, cases and skips as counted', () => {
    const got: Record<string, [number, number]> = {};
    for (const algorithm of algorithmsWithVectors()) {
      const vectors = loadAlgorithmVectors(algorithm, vectorsDir);
      assert.equal(vectors.algorithm, algorithm);
      assert.deepEqual(vectors.unusable, [], algorithm);
      assert.equal(vectors.sources.length, sourcesFor(algorithm).length, algorithm);
      got[algorithm] = count(vectors);
      for (const source of vectors.sources) {
        const ids = source.cases.map((c) => c.id);
        assert.equal(new Set(ids).size, ids.length, `${algorithm} ${source.source}: case ids are unique`);
        assert.ok(source.skipped.every((s) => s.reason.length > 0 && !s.reason.includes('\n')), `${algorithm} ${source.source}`);
      }
    }
    assert.deepEqual(got, EXPECTED);
  });

  it('adapts each file once: a second load reuses the cached cases, in fresh arrays', () => {
    // how fast the cold load is, is printed by `npm run bench:vectors`, not asserted here
    clearVectorCache();
    const first = loadAlgorithmVectors('gcm(aes)', vectorsDir);
    const second = loadAlgorithmVectors('gcm(aes)', vectorsDir);
    assert.equal(second.sources[0]!.cases[0], first.sources[0]!.cases[0]);
    assert.notEqual(second.sources[0]!.cases, first.sources[0]!.cases);
    clearVectorCache();
    assert.notEqual(loadAlgorithmVectors('gcm(aes)', vectorsDir).sources[0]!.cases[0], first.sources[0]!.cases[0], 'a cleared cache adapts again');
  });

  it('passes mctCheckpoints to the Monte-Carlo files', () => {
    const vectors = loadAlgorithmVectors('sha3-256', vectorsDir, { mctCheckpoints: 4 });
    const monteSource = vectors.sources.find((source) => source.source.endsWith('Monte.rsp'))!;
    const mct = monteSource.cases[0]!.body;
    assert.equal(mct.type === 'hash-mct' && mct.variant, 'sha3');
    assert.equal(mct.type === 'hash-mct' && mct.expect.length, 4);
    assert.equal(monteSource.skipped.length, 96);
    assert.equal(count(loadAlgorithmVectors('sha3-256', vectorsDir))[1], 90);
  });

  it('unknown algorithms have no sources', () => {
    assert.deepEqual(loadAlgorithmVectors('nope', vectorsDir), { algorithm: 'nope', sources: [], unusable: [] });
  });

  /** A vectors dir in the temp folder: links to the shared files, except what the test replaces. */
  function mirror(name: string, replace: Record<string, string | null>): string {
    const root = path.join(tmp.path, name);
    const v1 = path.join(root, 'wycheproof/testvectors_v1');
    fs.mkdirSync(v1, { recursive: true });
    fs.symlinkSync(vectorPath('wycheproof/schemas'), path.join(root, 'wycheproof/schemas'));
    for (const file of fs.readdirSync(vectorPath('wycheproof/testvectors_v1'))) {
      const relative = `wycheproof/testvectors_v1/${file}`;
      if (relative in replace) continue;
      fs.symlinkSync(vectorPath(relative), path.join(v1, file));
    }
    fs.mkdirSync(path.join(root, 'nist'));
    for (const entry of fs.readdirSync(vectorPath('nist'))) {
      if (Object.keys(replace).some((relative) => relative.startsWith(`nist/${entry}/`))) continue;
      fs.symlinkSync(vectorPath('nist', entry), path.join(root, 'nist', entry));
    }
    for (const [relative, text] of Object.entries(replace)) {
      if (relative.startsWith('nist/')) {
        // copy the one nist subtree that holds the replaced file as links, file by file
        const top = relative.split('/').slice(0, 2).join('/');
        const walk = (dir: string): void => {
          fs.mkdirSync(path.join(root, dir), { recursive: true });
          for (const item of fs.readdirSync(vectorPath(dir), { withFileTypes: true })) {
            const child = `${dir}/${item.name}`;
            if (child === relative) continue;
            if (item.isDirectory()) walk(child);
            else fs.symlinkSync(vectorPath(child), path.join(root, child));
          }
        };
        if (!fs.existsSync(path.join(root, top))) walk(top);
      }
      if (text !== null) fs.writeFileSync(path.join(root, relative), text);
    }
    return root;
  }

  it('a corrupted Wycheproof file lands in unusable with file and JSON path; the other sources still load', () => {
    const data = JSON.parse(fs.readFileSync(vectorPath('wycheproof/testvectors_v1/aes_gcm_test.json'), 'utf8')) as {
      testGroups: Array<{ tests: Array<Record<string, unknown>> }>;
    };
    data.testGroups[0]!.tests[3]!.tag = 12345;
    const root = mirror('corrupt', { 'wycheproof/testvectors_v1/aes_gcm_test.json': JSON.stringify(data) });
    const broken = path.join(root, 'wycheproof/testvectors_v1/aes_gcm_test.json');

    const gcm = loadAlgorithmVectors('gcm(aes)', root);
    assert.deepEqual(gcm.unusable, [{ source: 'wycheproof/testvectors_v1/aes_gcm_test.json', error: `${broken}: field '/testGroups/0/tests/3/tag' must be string` }]);
    assert.deepEqual(
      gcm.sources.map((source) => source.source),
      sourcesFor('gcm(aes)').slice(1).map((spec) => spec.path),
    );
    assert.deepEqual(count(gcm), [252 + 15750, 207 + 31500]);
    // the other algorithm that reads the same file reports it too
    const rfc4106 = loadAlgorithmVectors('rfc4106(gcm(aes))', root);
    assert.equal(rfc4106.unusable.length, 1);
    assert.equal(rfc4106.sources.length, 0);
  });

  it('a missing file and a record the adapter cannot read land in unusable, one line each', () => {
    const ccm = fs.readFileSync(vectorPath('nist/ciphers/AES/CCM/VTT128.rsp'), 'latin1').split('\n');
    const ctLine = ccm.findIndex((line) => line.startsWith('CT = '));
    ccm[ctLine] = `${ccm[ctLine]!.replace(/\r$/, '')}00\r`;
    const root = mirror('missing', { 'wycheproof/testvectors_v1/aes_ccm_test.json': null, 'nist/ciphers/AES/CCM/VTT128.rsp': ccm.join('\n') });

    const vectors = loadAlgorithmVectors('ccm(aes)', root);
    assert.deepEqual(
      vectors.unusable.map((u) => u.source),
      ['wycheproof/testvectors_v1/aes_ccm_test.json', 'nist/ciphers/AES/CCM/VTT128.rsp'],
    );
    assert.equal(vectors.unusable[0]!.error, `${path.join(root, 'wycheproof/testvectors_v1/aes_ccm_test.json')}: missing`);
    assert.match(vectors.unusable[1]!.error, new RegExp(`^${path.join(root, 'nist/ciphers/AES/CCM/VTT128.rsp').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${ctLine - 2}: CT of 29 bytes, Plen \\+ Tlen = 28$`));
    assert.equal(vectors.sources.length, 14);
    assert.equal(count(vectors)[0], 2880 - 70);
  });
});
