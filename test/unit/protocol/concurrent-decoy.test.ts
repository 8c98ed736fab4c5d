import assert from 'node:assert/strict';
import { DECOY_MAX_BYTES, concurrentDecoy } from '../../../harness/protocol/constants.js';

describe("protocol/concurrentDecoy (the concurrent strategy's second request)", () => {
  const iv = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');

  it('inverts byte 1 of the IV (byte 0 of a one-byte IV) and leaves the case\'s IV alone', () => {
    const decoy = concurrentDecoy(iv, Buffer.alloc(16), Buffer.alloc(0));
    assert.equal(decoy.iv.toString('hex'), '00fe02030405060708090a0b0c0d0e0f');
    assert.equal(iv.toString('hex'), '000102030405060708090a0b0c0d0e0f');
    assert.equal(concurrentDecoy(Buffer.from([0x5a]), Buffer.alloc(1), Buffer.alloc(0)).iv.toString('hex'), 'a5');
    assert.equal(concurrentDecoy(Buffer.alloc(0), Buffer.alloc(16), Buffer.alloc(0)).iv.length, 0, 'ecb: no IV');
  });

  it('XORs the text with 0xa5, both text and associated data cut at DECOY_MAX_BYTES', () => {
    const decoy = concurrentDecoy(iv, Buffer.from([0x00, 0xa5, 0xff]), Buffer.from('aad'));
    assert.equal(decoy.text.toString('hex'), 'a5005a');
    assert.equal(decoy.assoc.toString(), 'aad');
    const long = concurrentDecoy(iv, Buffer.alloc(5000, 0x11), Buffer.alloc(3000, 0x22));
    assert.equal(DECOY_MAX_BYTES, 1024);
    assert.deepEqual([long.text.length, long.assoc.length], [1024, 1024]);
    assert.ok(long.text.every((byte) => byte === 0xb4));
  });

  it('keeps every AES mode\'s decoy a legal request: whole blocks stay whole, a short text keeps its length', () => {
    for (const length of [16, 32, 1008, 1024, 1040, 65536]) assert.equal(concurrentDecoy(iv, Buffer.alloc(length), Buffer.alloc(0)).text.length % 16, 0, String(length));
    assert.equal(concurrentDecoy(iv, Buffer.alloc(17), Buffer.alloc(0)).text.length, 17, 'xts/cts stealing lengths stay as they are');
  });
});
