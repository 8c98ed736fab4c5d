import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../harness/core/paths.js';
import {
  KEXEC_LIMITS,
  KEXEC_MAX_SOCKET,
  KEXEC_REPLY_HEADER_BYTES,
  KEXEC_REPLY_MAGIC,
  KEXEC_REQUEST_HEADER_BYTES,
  KEXEC_REQUEST_MAGIC,
  decodeKexecReply,
  encodeKexecRequest,
  type KexecRequest,
} from '../../../harness/protocol/kernel-executor.js';
import { ALL_STRATEGIES } from '../../../harness/protocol/constants.js';

const request: KexecRequest = {
  op: 'skcipher-decrypt',
  strategy: 'page-cross',
  driver: 'virtio_crypto_aes_cbc',
  key: Buffer.alloc(16, 1),
  iv: Buffer.alloc(16, 2),
  data: Buffer.alloc(32, 3),
  timeoutMs: 20_000,
};

function reply(status: number, data: Buffer, declared = data.length): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32LE(KEXEC_REPLY_MAGIC, 0);
  header.writeInt32LE(status, 4);
  header.writeUInt32LE(declared, 8);
  return Buffer.concat([header, data]);
}

describe('protocol/kernel-executor frames', () => {
  it('lays a request out as the module reads it: header, driver, key, iv, data', () => {
    const frame = encodeKexecRequest(request);
    assert.equal(frame.length, KEXEC_REQUEST_HEADER_BYTES + 21 + 16 + 16 + 32);
    assert.equal(frame.readUInt32LE(0), KEXEC_REQUEST_MAGIC);
    assert.equal(frame.subarray(0, 4).toString('latin1'), 'AKX2');
    assert.equal(frame.readUInt32LE(4), 2, 'skcipher-decrypt');
    assert.equal(frame.readUInt16LE(8), 2, 'page-cross');
    assert.equal(frame.readUInt16LE(10), 0, 'socket 0 by default');
    assert.equal(frame.readUInt32LE(12), 20_000);
    assert.deepEqual([frame.readUInt16LE(16), frame.readUInt16LE(18), frame.readUInt16LE(20), frame.readUInt16LE(22)], [21, 16, 16, 0]);
    assert.deepEqual([frame.readUInt32LE(24), frame.readUInt32LE(28)], [0, 32], 'no associated data, 32 data bytes');
    assert.equal(frame.subarray(32, 53).toString(), 'virtio_crypto_aes_cbc');
    assert.ok(frame.subarray(53 + 32).equals(request.data));
  });

  it('puts an AEAD request\'s associated data before its text, and its authsize in the header', () => {
    const frame = encodeKexecRequest({ ...request, op: 'aead-encrypt', strategy: 'inplace', driver: 'gcm-aes', iv: Buffer.alloc(12, 2), assoc: Buffer.from('AD'), authsize: 16, data: Buffer.from('text') });
    assert.deepEqual([frame.readUInt32LE(4), frame.readUInt16LE(8)], [3, 3], 'aead-encrypt, inplace');
    assert.deepEqual([frame.readUInt16LE(20), frame.readUInt16LE(22), frame.readUInt32LE(24), frame.readUInt32LE(28)], [12, 16, 2, 4]);
    assert.equal(frame.subarray(frame.length - 6).toString(), 'ADtext');
    assert.equal(encodeKexecRequest({ ...request, op: 'hash-keyed', strategy: 'chunks', iv: Buffer.alloc(0), key: Buffer.alloc(0) }).readUInt32LE(4), 6, 'hash-keyed, even with an empty key');
  });

  it("names the transform's socket, and asks an rng for a length with no data", () => {
    assert.equal(encodeKexecRequest({ ...request, socket: 2 }).readUInt16LE(10), 2);
    const seeded = encodeKexecRequest({ op: 'rng-seeded', strategy: 'oneshot', driver: 'drbg_nopr_sha256', key: Buffer.alloc(48, 5), iv: Buffer.alloc(0), data: Buffer.alloc(0), length: 300, timeoutMs: 1000 });
    assert.deepEqual([seeded.readUInt32LE(4), seeded.readUInt16LE(18), seeded.readUInt32LE(28)], [8, 48, 300], 'rng-seeded, a 48-byte seed, 300 bytes asked');
    assert.equal(seeded.length, KEXEC_REQUEST_HEADER_BYTES + 'drbg_nopr_sha256'.length + 48, 'no data follows');
    const unseeded = { op: 'rng', strategy: 'oneshot', driver: 'jitterentropy_rng', key: Buffer.alloc(0), iv: Buffer.alloc(0), data: Buffer.alloc(0), length: 16, timeoutMs: 1000 } as const;
    assert.equal(encodeKexecRequest(unseeded).readUInt32LE(4), 7);
    assert.throws(() => encodeKexecRequest({ ...unseeded, key: Buffer.alloc(4) }), /'rng' sets no key \(use 'rng-seeded'\)/);
    assert.throws(() => encodeKexecRequest({ ...unseeded, data: Buffer.alloc(4) }), /rng takes a length, no data/);
    assert.throws(() => encodeKexecRequest({ ...unseeded, length: KEXEC_LIMITS.data + 1 }), /data of 1048577 bytes exceeds/);
    assert.throws(() => encodeKexecRequest({ ...request, length: 4 }), /skcipher-decrypt takes data, no length/);
    assert.throws(() => encodeKexecRequest({ ...request, socket: KEXEC_MAX_SOCKET + 1 }), /socket 64 out of 0..63/);
  });

  it('refuses what the module would refuse, before sending it', () => {
    assert.throws(() => encodeKexecRequest({ ...request, data: Buffer.alloc(KEXEC_LIMITS.data + 1) }), /data of 1048577 bytes exceeds 1048576/);
    assert.throws(() => encodeKexecRequest({ ...request, driver: 'x'.repeat(128) }), /driver name of 128 bytes exceeds 127/);
    assert.throws(() => encodeKexecRequest({ ...request, driver: '' }), /empty driver name/);
    assert.throws(() => encodeKexecRequest({ ...request, timeoutMs: 0 }), /timeout 0 ms/);
    assert.throws(() => encodeKexecRequest({ ...request, op: 'aead-decrypt', assoc: Buffer.alloc(KEXEC_LIMITS.data - 31) }), /data of 1048577 bytes exceeds 1048576/, 'associated data counts');
    assert.throws(() => encodeKexecRequest({ ...request, op: 'aead-decrypt', authsize: 65 }), /authsize of 65 bytes exceeds 64/);
    assert.throws(() => encodeKexecRequest({ ...request, assoc: Buffer.from('AD') }), /skcipher-decrypt takes no associated data/);
    assert.throws(() => encodeKexecRequest({ ...request, op: 'hash' }), /hash takes no iv/);
    assert.throws(() => encodeKexecRequest({ ...request, op: 'hash', iv: Buffer.alloc(0) }), /'hash' sets no key/);
  });

  it('decodes a reply and names a malformed one', () => {
    const answer = decodeKexecReply(reply(0, Buffer.from('abcd')));
    assert.equal(answer.status, 0);
    assert.equal(answer.data.toString(), 'abcd');
    assert.equal(answer.step, 'none');
    const failed = reply(-22, Buffer.alloc(0));
    failed.writeUInt32LE(3, 12);
    assert.deepEqual({ ...decodeKexecReply(failed), data: undefined }, { status: -22, step: 'setkey', data: undefined });
    failed.writeUInt32LE(7, 12);
    assert.equal(decodeKexecReply(failed).step, 'authsize');
    failed.writeUInt32LE(9, 12);
    assert.throws(() => decodeKexecReply(failed), /reply step 9 is unknown/);
    assert.throws(() => decodeKexecReply(Buffer.alloc(8)), /shorter than its header/);
    assert.throws(() => decodeKexecReply(reply(0, Buffer.from('ab'), 4)), /says 4 data bytes, frame holds 2/);
    const bad = reply(0, Buffer.alloc(0));
    bad.writeUInt32LE(0x1234, 0);
    assert.throws(() => decodeKexecReply(bad), /magic 0x1234/);
  });

  it('agrees with the module source on magics and bounds', () => {
    const source = fs.readFileSync(path.join(projectRoot, 'qemu', 'executor', 'kexec.h'), 'utf8');
    const define = (name: string): number => evalDefine(source, name);
    assert.equal(define('KEXEC_MAGIC'), KEXEC_REQUEST_MAGIC);
    assert.equal(define('KEXEC_REPLY_MAGIC'), KEXEC_REPLY_MAGIC);
    assert.equal(define('KEXEC_MAX_DRIVER') - 1, KEXEC_LIMITS.driver);
    assert.equal(define('KEXEC_MAX_KEY'), KEXEC_LIMITS.key);
    assert.equal(define('KEXEC_MAX_IV'), KEXEC_LIMITS.iv);
    assert.equal(define('KEXEC_MAX_AUTHSIZE'), KEXEC_LIMITS.authsize);
    assert.equal(define('KEXEC_MAX_DATA'), KEXEC_LIMITS.data);
    assert.equal(define('KEXEC_MAX_TIMEOUT_MS'), KEXEC_LIMITS.timeoutMs);
    assert.equal(define('KEXEC_MAX_SOCKET'), KEXEC_MAX_SOCKET);
    // the native agent's client keeps its own copy (C, without the kernel's headers)
    const client = fs.readFileSync(path.join(projectRoot, 'harness', 'native-agent', 'src', 'kexec-client.h'), 'utf8');
    const inClient = (name: string): number => evalDefine(client, name);
    assert.equal(inClient('KEXEC_REQUEST_MAGIC'), KEXEC_REQUEST_MAGIC);
    assert.equal(inClient('KEXEC_REPLY_MAGIC'), KEXEC_REPLY_MAGIC);
    assert.equal(inClient('KEXEC_MAX_DRIVER'), KEXEC_LIMITS.driver);
    assert.equal(inClient('KEXEC_MAX_KEY'), KEXEC_LIMITS.key);
    assert.equal(inClient('KEXEC_MAX_IV'), KEXEC_LIMITS.iv);
    assert.equal(inClient('KEXEC_MAX_AUTHSIZE'), KEXEC_LIMITS.authsize);
    assert.equal(inClient('KEXEC_MAX_DATA'), KEXEC_LIMITS.data);
    assert.equal(inClient('KEXEC_MAX_TIMEOUT_MS'), KEXEC_LIMITS.timeoutMs);
    assert.equal(inClient('KEXEC_MAX_SOCKET'), KEXEC_MAX_SOCKET);
    assert.equal(inClient('KEXEC_HEADER_BYTES'), KEXEC_REQUEST_HEADER_BYTES);
    assert.equal(inClient('KEXEC_REPLY_HEADER_BYTES'), KEXEC_REPLY_HEADER_BYTES);
  });

  it('gives every split strategy the shape code the module and the native agent number it with', () => {
    const shapes = /enum kexec_shape \{([^}]*)\}/.exec(fs.readFileSync(path.join(projectRoot, 'qemu', 'executor', 'kexec.h'), 'utf8'))?.[1] ?? '';
    const moduleCode = (name: string): number => Number(new RegExp(`KEXEC_${name} = (\\d+)`).exec(shapes)?.[1] ?? -1);
    // the native agent sends its enum strategy as the shape: ALL_STRATEGIES' order
    const nativeOrder = /enum strategy \{([^}]*)\}/.exec(fs.readFileSync(path.join(projectRoot, 'harness', 'native-agent', 'src', 'cases.h'), 'utf8'))?.[1]?.split(',').map((name) => name.trim()) ?? [];
    for (const [index, strategy] of ALL_STRATEGIES.entries()) {
      const name = strategy.replace('-', '_').toUpperCase();
      const code = encodeKexecRequest({ ...request, strategy }).readUInt16LE(8);
      assert.equal(code, moduleCode(name), strategy);
      assert.equal(nativeOrder.indexOf(`S_${name}`), code, `${strategy} in the native agent's enum strategy`);
      assert.equal(code, index);
    }
  });
});

/** The value of `#define NAME 0x1234u`, `#define NAME 128` or `#define NAME (1u << 20)`. */
function evalDefine(source: string, name: string): number {
  const match = new RegExp(`^#define ${name}\\s+(.+?)\\s*(?:/\\*.*)?$`, 'm').exec(source);
  if (!match) throw new Error(`no #define ${name}`);
  const text = (match[1] as string).replace(/u\b/g, '');
  const shift = /^\((\d+) << (\d+)\)$/.exec(text);
  return shift ? Number(shift[1]) * 2 ** Number(shift[2]) : Number(text);
}
