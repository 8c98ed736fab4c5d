import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { catalog, catalogEntry, type CatalogAlgorithm } from '../../../vectors/catalog.js';
import { boundaryCases, ivNearWrap } from '../../../vectors/boundary/boundary.js';
import { oracleFor } from '../../../vectors/boundary/oracle.js';
import { MAX_LENGTH } from '../../../vectors/boundary/shapes.js';
import type { VectorCase } from '../../../vectors/vector-case.js';

const entry = (name: string): CatalogAlgorithm => {
  const found = catalogEntry(name);
  if (!found) throw new Error(`${name} is not in the catalog`);
  return found;
};
const H = (hex: string): Buffer => Buffer.from(hex.replace(/\s/g, ''), 'hex');
const B = (base64: string): Buffer => Buffer.from(base64, 'base64');
const all = (algorithm: CatalogAlgorithm, seed = 's'): VectorCase[] => {
  const set = boundaryCases(algorithm, seed);
  return [...set.oracle, ...set.differential];
};

/** CTR with an engine counting only the low `bits` of the counter block (no carry above them). */
function narrowCounterCtr(key: Buffer, iv: Buffer, input: Buffer, bits: number): Buffer {
  const ecb = crypto.createCipheriv(`aes-${key.length * 8}-ecb`, key, null).setAutoPadding(false);
  const counter = Buffer.from(iv);
  const out = Buffer.alloc(input.length);
  const span = 2n ** BigInt(bits);
  for (let offset = 0; offset < input.length; offset += 16) {
    const stream = ecb.update(counter);
    for (let i = 0; i < 16 && offset + i < input.length; i++) out[offset + i] = (input[offset + i] as number) ^ (stream[i] as number);
    const low = (BigInt('0x' + counter.toString('hex')) + 1n) % span;
    const high = BigInt('0x' + counter.toString('hex')) - (BigInt('0x' + counter.toString('hex')) % span);
    Buffer.from(((high + low) % 2n ** 128n).toString(16).padStart(32, '0'), 'hex').copy(counter);
  }
  return out;
}

describe('vectors/boundary', () => {
  it('the same seed gives the same cases; another seed other bytes, the same shapes', () => {
    for (const name of ['ctr(aes)', 'gcm(aes)', 'hmac(sha256)', 'rfc4106(gcm(aes))']) {
      const one = boundaryCases(entry(name), 'ci-1');
      assert.deepEqual(one, boundaryCases(entry(name), 'ci-1'), name);
      const other = boundaryCases(entry(name), 'ci-2');
      assert.notDeepEqual(one.oracle.map((c) => c.body), other.oracle.map((c) => c.body), name);
      assert.deepEqual(one.oracle.map((c) => c.dims), other.oracle.map((c) => c.dims), name);
    }
  });

  it('every algorithm with parameters gets cases, ids unique, lengths within the transport, within the budget', () => {
    let total = 0;
    for (const algorithm of catalog.filter((one) => one.params)) {
      const cases = all(algorithm);
      assert.ok(cases.length >= 10, `${algorithm.name}: ${cases.length} cases`);
      assert.equal(new Set(cases.map((c) => c.id)).size, cases.length, algorithm.name);
      for (const c of cases) assert.ok(c.dims && c.dims.length <= MAX_LENGTH, c.id);
      total += cases.length;
    }
    // ~2,000 cases × a few targets × 4 strategies stays within a third of the default run
    assert.ok(total > 1500 && total < 3000, `${total} cases`);
  });

  it('ivNearWrap puts the first wrapped block exactly at the asked index, with no carry hidden above', () => {
    const iv = ivNearWrap(Buffer.alloc(16, 0x5a), 16, 3);
    assert.equal(iv.readUInt16BE(14), 0x10000 - 3);
    assert.equal((iv[13] as number) & 1, 0, 'bit 16 is 0: a missing carry shows');
    assert.deepEqual(iv.subarray(0, 13), Buffer.alloc(13, 0x5a).fill(0x5a));
    assert.equal(ivNearWrap(Buffer.alloc(16, 1), 32, 300).readUInt32BE(12), 0x1_0000_0000 - 300);
    assert.deepEqual(ivNearWrap(Buffer.alloc(16, 1), 128, 1), Buffer.alloc(16, 0xff));
  });

  it('the counter cases really cross the wrap: an engine with a counter of that width (no carry) gets them wrong from the wrapped block on', () => {
    const counterCases = boundaryCases(entry('ctr(aes)'), 'wrap').oracle.filter((c) => c.dims?.counterWidth !== undefined);
    assert.equal(counterCases.length, 12, 'widths 16, 32, 64, 128 × wraps at blocks 1, 3, 300');
    for (const c of counterCases) {
      const { counterWidth, wrapAt } = c.dims as { counterWidth: number; wrapAt: number };
      const body = c.body as { key: string; iv: string; input: string; expect: string };
      const expected = B(body.expect);
      assert.ok(B(body.input).length > wrapAt * 16, `${c.id} reaches past block ${wrapAt}`);
      if (counterWidth === 128) continue;
      const narrow = narrowCounterCtr(B(body.key), B(body.iv), B(body.input), counterWidth);
      const firstWrong = [...Array(Math.ceil(expected.length / 16)).keys()].find((block) => !narrow.subarray(block * 16, block * 16 + 16).equals(expected.subarray(block * 16, block * 16 + 16)));
      assert.equal(firstWrong, wrapAt, c.id);
    }
  });

  it('illegal key and tag sizes expect EINVAL, forged tags EBADMSG, on the refused list only', () => {
    const gcm = boundaryCases(entry('gcm(aes)'), 'x');
    const errors = gcm.oracle.filter((c) => 'expectError' in c.body);
    assert.ok(errors.some((c) => /key 17 refused/.test(c.id) && (c.body as { expectError: string }).expectError === 'EINVAL'));
    assert.ok(errors.some((c) => /tag 5 refused/.test(c.id)));
    const forged = errors.filter((c) => c.dims?.forged);
    assert.deepEqual([...new Set(forged.map((c) => c.dims?.authsize))].sort((a, b) => (a ?? 0) - (b ?? 0)), [4, 8, 12, 13, 14, 15, 16], 'a forged tag at every tag size');
    for (const c of forged) assert.equal((c.body as { expectError: string }).expectError, 'EBADMSG');
    assert.ok(forged.some((c) => c.dims?.length === 0), 'tag-only input');
    for (const c of errors) assert.equal(c.expectation, 'invalid');
    const ccmAad = boundaryCases(entry('ccm(aes)'), 'x').oracle.map((c) => c.dims?.aadLength);
    assert.ok(ccmAad.includes(0xff00 - 1) && ccmAad.includes(0xff00), 'AAD on both sides of CCM\'s length encoding switch');
  });

  it('HMAC keys on both sides of the block size', () => {
    const keyLengths = new Set(all(entry('hmac(sha256)')).map((c) => c.dims?.keyLength));
    for (const length of [0, 1, 63, 64, 65, 128, 129]) assert.ok(keyLengths.has(length), `key ${length}`);
  });

  it('state cases interleave three sockets, each keeping its own key, the IV changing', () => {
    for (const name of ['hmac(sha256)', 'ecb(aes)', 'ctr(aes)', 'gcm(aes)']) {
      const state = all(entry(name)).filter((c) => c.dims?.socket !== undefined);
      assert.deepEqual(state.map((c) => (c.body as { socket: number }).socket), [0, 1, 2, 0, 1, 2], name);
      const keys = state.map((c) => (c.body as { key: string }).key);
      for (let i = 0; i < 3; i++) assert.equal(keys[i], keys[i + 3], `${name}: socket ${i} keeps its key`);
      assert.equal(new Set(keys).size, 3, `${name}: three keys`);
      const ivs = state.map((c) => (c.body as { iv?: string }).iv).filter((iv) => iv !== undefined);
      assert.equal(new Set(ivs).size, ivs.length, `${name}: a new IV every time`);
    }
  });

  it('the host oracle reproduces published vectors', () => {
    const ctr = oracleFor('ctr(aes)')?.skcipher?.({ key: H('2b7e151628aed2a6abf7158809cf4f3c'), iv: H('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff'), op: 'encrypt', input: H('6bc1bee22e409f96e93d7e117393172a') });
    assert.equal(ctr?.toString('hex'), '874d6191b620e3261bef6864990db6ce', 'SP 800-38A F.5.1');
    const rfc3686 = oracleFor('rfc3686(ctr(aes))')?.skcipher?.({ key: H('ae6852f8121067cc4bf7a5765577f39e 00000030'), iv: H('0000000000000000'), op: 'encrypt', input: Buffer.from('Single block msg') });
    assert.equal(rfc3686?.toString('hex'), 'e4095d4fb7a7b3792d6175a3261311b8', 'RFC 3686 test vector #1');
    const chacha = oracleFor('chacha20')?.skcipher?.({ key: H('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'), iv: H('01000000 000000000000004a00000000'), op: 'encrypt', input: Buffer.from('Ladies and Gentlemen of the class of \'99') });
    assert.equal(chacha?.subarray(0, 8).toString('hex'), '6e2e359a2568f980', 'RFC 7539 2.4.2');
    const gcm = oracleFor('gcm(aes)')?.aead?.({ key: Buffer.alloc(16), iv: Buffer.alloc(12), assoc: Buffer.alloc(0), authsize: 16, input: Buffer.alloc(16) });
    assert.equal(gcm?.toString('hex'), '0388dace60b6a392f328c2b971b2fe78' + 'ab6e47d42cec13bdf53a67b21257bddf', 'GCM spec test case 2');
    const ccmIv = Buffer.alloc(16);
    ccmIv[0] = 7;
    H('10111213141516').copy(ccmIv, 1);
    const ccm = oracleFor('ccm(aes)')?.aead?.({ key: H('404142434445464748494a4b4c4d4e4f'), iv: ccmIv, assoc: H('0001020304050607'), authsize: 4, input: H('20212223') });
    assert.equal(ccm?.toString('hex'), '7162015b4dac255d', 'SP 800-38C C.1');
    const hmac = oracleFor('hmac(sha256)')?.hash?.({ key: Buffer.alloc(131, 0xaa), msg: Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First') });
    assert.equal(hmac?.toString('hex'), '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54', 'RFC 4231 test case 6');
    assert.equal(oracleFor('sha256')?.hash?.({ msg: Buffer.from('abc') })?.toString('hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('what the host cannot compute goes to the reference: wrapping chacha20 counters, algorithms without an oracle', () => {
    const chacha = boundaryCases(entry('chacha20'), 'x');
    assert.ok(chacha.differential.length > 0 && chacha.differential.every((c) => c.dims?.counterWidth === 32 && !('expect' in c.body)));
    const cts = boundaryCases(entry('cts(cbc(aes))'), 'x');
    assert.ok(cts.differential.length > 10);
    assert.ok(cts.oracle.every((c) => 'expectError' in c.body), 'only refusals need no reference');
  });
});
