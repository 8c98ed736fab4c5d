import assert from 'node:assert/strict';
import { catalog, catalogEntry, type CatalogAlgorithm } from '../../../vectors/catalog.js';
import { Sfc32, caseRng, differentialCases } from '../../../vectors/differential.js';
import { B, asAead, seal } from './crypto-reference.js';

const entry = (name: string): CatalogAlgorithm => {
  const found = catalogEntry(name);
  if (!found) throw new Error(`${name} is not in the catalog`);
  return found;
};
const withParams = catalog.filter((algorithm) => algorithm.params);

/** input length of a case, whatever its type */
function inputOf(body: ReturnType<typeof differentialCases>[number]['body']): Buffer {
  if (body.type === 'hash') return B(body.msg);
  if (body.type === 'skcipher' || body.type === 'aead') return B(body.input);
  throw new Error(`unexpected ${body.type}`);
}

describe('vectors/differential', () => {
  it('sfc32 is deterministic and spreads its output', () => {
    const seed = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const a = new Sfc32(seed);
    const b = new Sfc32(seed);
    const first = Array.from({ length: 8 }, () => a.next());
    assert.deepEqual(first, Array.from({ length: 8 }, () => b.next()));
    assert.equal(new Set(first).size, 8);
    const bytes = caseRng('x', 'y', 0).bytes(4096);
    const counts = new Array<number>(256).fill(0);
    for (const byte of bytes) counts[byte]!++;
    assert.ok(Math.max(...counts) < 40 && Math.min(...counts) > 2, 'bytes look uniform');
    assert.equal(caseRng('x', 'y', 0).bytes(7).length, 7);
  });

  it('same algorithm, count and seed give identical cases; another seed or algorithm gives others', () => {
    const gcm = entry('gcm(aes)');
    const one = differentialCases(gcm, 20, 'ci-42');
    assert.deepEqual(one, differentialCases(gcm, 20, 'ci-42'));
    assert.notDeepEqual(one.map((c) => c.body), differentialCases(gcm, 20, 'ci-43').map((c) => c.body));
    const other = differentialCases(entry('rfc7539(chacha20,poly1305)'), 20, 'ci-42');
    assert.notEqual(asAead(one[0]!.body).key, asAead(other[0]!.body).key);
    // a case does not depend on how many were asked for: `seed S#i` regenerates it
    assert.deepEqual(differentialCases(gcm, 5, 'ci-42'), one.slice(0, 5));
  });

  it('names cases `seed <seed>#<index>`, valid, with no expected value', () => {
    const cases = differentialCases(entry('sha256'), 4, 'abc');
    assert.deepEqual(cases.map((c) => c.id), ['seed abc#0', 'seed abc#1', 'seed abc#2', 'seed abc#3']);
    for (const c of cases) {
      assert.equal(c.expectation, 'valid');
      assert.equal('expect' in c.body, false);
      assert.equal('expectError' in c.body, false);
    }
  });

  it('keeps every case of every catalog algorithm inside its params', () => {
    assert.ok(withParams.length >= 40);
    for (const algorithm of withParams) {
      const params = algorithm.params!;
      const block = params.blockSize ?? 1;
      for (const c of differentialCases(algorithm, 40, 'bounds')) {
        const where = `${algorithm.name} ${c.id}`;
        const body = c.body;
        assert.equal(body.type, algorithm.type, where);
        const input = inputOf(body);
        assert.ok(input.length <= 65536, where);
        assert.equal(input.length % block, 0, where);
        assert.ok(input.length >= (params.minInput ?? 0), where);
        if (body.type === 'hash') {
          if (params.keySizes.length === 0) assert.equal(body.key, undefined, where);
          else assert.ok(params.keySizes.includes(B(body.key).length), where);
          continue;
        }
        if (body.type !== 'skcipher' && body.type !== 'aead') continue;
        assert.ok(params.keySizes.includes(B(body.key).length), where);
        assert.equal(body.iv === undefined ? undefined : B(body.iv).length, params.ivSize, where);
        if (body.type === 'skcipher') {
          assert.ok(input.length > 0, `${where}: an empty skcipher request cannot be sent`);
          continue;
        }
        assert.equal(body.op, 'encrypt', where);
        assert.ok(params.authsizes!.includes(body.authsize), where);
        const iv = B(body.iv);
        const assoc = B(body.assoc);
        const ivInAssoc = params.assocCarriesIv ? 8 : 0;
        if (params.assocCarriesIv) assert.deepEqual(assoc.subarray(assoc.length - 8), iv.subarray(iv.length - 8), where);
        if (params.assocSizes) assert.ok(params.assocSizes.includes(assoc.length - ivInAssoc), where);
        else assert.ok(assoc.length - ivInAssoc <= 256, where);
        if (params.ivFirstByte !== undefined) {
          assert.equal(iv[0], params.ivFirstByte, where);
          assert.ok(iv.subarray(16 - (params.ivFirstByte + 1)).every((byte) => byte === 0), `${where}: counter bytes zeroed`);
        }
      }
    }
  });

  it('mixes small, page-sized and large inputs, rounded to the block size', () => {
    for (const name of ['sha256', 'cbc(aes)', 'ctr(aes)', 'gcm(aes)', 'ecb(des3_ede)']) {
      const lengths = differentialCases(entry(name), 30, 'mix').map((c) => inputOf(c.body).length);
      assert.ok(lengths.some((n) => n <= 64), `${name}: small ${lengths}`);
      assert.ok(lengths.some((n) => n >= 4080 && n <= 4102), `${name}: around a page ${lengths}`);
      assert.ok(lengths.some((n) => n > 4102), `${name}: large ${lengths}`);
    }
    const odd = differentialCases(entry('ctr(aes)'), 40, 'odd').map((c) => inputOf(c.body).length);
    assert.ok(odd.some((n) => n % 16 !== 0), 'stream ciphers get lengths that are not block multiples');
  });

  it('respects maxLength, and minInput above it', () => {
    const small = differentialCases(entry('ctr(aes)'), 30, 'max', 100).map((c) => inputOf(c.body).length);
    assert.ok(small.every((n) => n >= 1 && n <= 100), String(small));
    const xts = differentialCases(entry('xts(aes)'), 30, 'max', 8).map((c) => inputOf(c.body).length);
    assert.ok(xts.every((n) => n === 16), 'xts never goes under one block');
  });

  it('AEAD cases are well formed for OpenSSL too (key, IV, AAD form and authsize it accepts)', () => {
    for (const name of ['gcm(aes)', 'ccm(aes)', 'rfc4106(gcm(aes))', 'rfc4309(ccm(aes))', 'rfc4543(gcm(aes))', 'rfc7539(chacha20,poly1305)', 'rfc7539esp(chacha20,poly1305)']) {
      for (const c of differentialCases(entry(name), 10, 'openssl', 2048)) {
        const body = asAead(c.body);
        assert.equal(seal(name, body).length, B(body.input).length + body.authsize, `${name} ${c.id}`);
      }
    }
  });

  it('refuses algorithms without params and bad counts', () => {
    assert.throws(() => differentialCases(entry('stdrng'), 1, 's'), /no differential parameters/);
    assert.throws(() => differentialCases(entry('sha1'), -1, 's'), /count/);
    assert.deepEqual(differentialCases(entry('sha1'), 0, 's'), []);
  });
});
