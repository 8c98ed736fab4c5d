import assert from 'node:assert/strict';
import { decodeCase, judge, KNOWN_TYPES, toOutcome, type DecodedCase } from '../../../harness/agent/decoded-case.js';

const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
const hex = (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined ? undefined : Buffer.from(bytes).toString('hex'));

describe('agent/decoded-case', () => {
  it('knows the five AF_ALG case types', () => {
    assert.deepEqual([...KNOWN_TYPES].sort(), ['aead', 'hash', 'hash-mct', 'rng', 'skcipher']);
  });

  it('decodes the base64 fields of every case type once, leaving out what the case does not carry', () => {
    const hash = decodeCase({ type: 'hash', msg: b64('616263'), expect: b64('ba78'), expectMismatch: true });
    assert.deepEqual([hash.type, hash.type === 'hash' ? hash.key : 'x', hex(hash.type === 'hash' ? hash.msg : undefined), hex(hash.expect), hash.expectMismatch, 'expectError' in hash], ['hash', null, '616263', 'ba78', true, false]);
    const skcipher = decodeCase({ type: 'skcipher', key: b64('00'.repeat(16)), op: 'decrypt', input: b64('11'.repeat(16)), expectError: 'EINVAL' });
    assert.ok(skcipher.type === 'skcipher');
    assert.deepEqual([skcipher.iv, skcipher.op, hex(skcipher.input), skcipher.expectError, 'expect' in skcipher], [undefined, 'decrypt', '11'.repeat(16), 'EINVAL', false]);
    const aead = decodeCase({ type: 'aead', key: b64('01'), iv: b64('02'), assoc: b64('03'), authsize: 16, op: 'encrypt', input: '' });
    assert.ok(aead.type === 'aead');
    assert.deepEqual([hex(aead.key), hex(aead.iv), hex(aead.assoc), aead.authsize, aead.input.length], ['01', '02', '03', 16, 0]);
    const rng = decodeCase({ type: 'rng', ref: 'r', alg: 'stdrng', length: 32 });
    assert.deepEqual(rng, { type: 'rng', seed: null, length: 32 });
    const mct = decodeCase({ type: 'hash-mct', variant: 'sha3', seed: b64('aa'), expect: [b64('bb'), b64('cc')] });
    assert.ok(mct.type === 'hash-mct');
    assert.deepEqual([mct.variant, hex(mct.seed), mct.checkpoints.map(hex)], ['sha3', 'aa', ['bb', 'cc']]);
  });

  it('judges an output: equal passes without copying it, a mismatch or an expected error fails with the output', () => {
    const expecting = (expect: string, extra: Partial<DecodedCase> = {}): DecodedCase => ({ type: 'hash', key: null, msg: Buffer.alloc(0), expect: Buffer.from(expect, 'hex'), ...extra }) as DecodedCase;
    const actual = Buffer.from('abcd', 'hex');
    assert.deepEqual(judge(actual, expecting('abcd')), { status: 'pass' });
    assert.deepEqual(judge(actual, expecting('abce')), { status: 'fail', output: actual });
    assert.deepEqual(judge(actual, expecting('abce', { expectMismatch: true })), { status: 'pass' });
    assert.deepEqual(judge(actual, expecting('abcd', { expectMismatch: true })), { status: 'fail', output: actual });
    assert.deepEqual(judge(actual, expecting('abcd', { expectError: 'EBADMSG' })), { status: 'fail', error: 'succeeded, expected EBADMSG', output: actual });
    const noExpectation = judge(actual, { type: 'rng', seed: null, length: 2 });
    assert.deepEqual(noExpectation, { status: 'pass', output: actual });
    actual.fill(0);
    assert.equal(hex(noExpectation.output), 'abcd', 'the output is a copy: the arena is reused by the next execution');
  });

  it('puts an outcome on the wire: the output as base64 in `got`, absent fields left out', () => {
    assert.deepEqual(toOutcome({ status: 'pass' }), { status: 'pass' });
    assert.deepEqual(toOutcome({ status: 'fail', error: 'EINVAL', step: 'setkey', output: Buffer.from('ff', 'hex') }), { status: 'fail', error: 'EINVAL', step: 'setkey', got: '/w==' });
  });
});
