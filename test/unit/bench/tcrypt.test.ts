import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseTcryptLog, tcryptLogLines, tcryptModesFor, TcryptLogError } from '../../../harness/bench/tcrypt.js';
import { projectRoot } from '../../../harness/core/paths.js';

/**
 * Kernel log records captured from Debian's 6.1 kernel in the qemu-x86_64 guest (TCG) through the
 * agent's modprobe op. These were loaded with busybox's modprobe, which retries tcrypt's refused
 * finit_module with init_module: each log holds the whole mode twice (the agent now calls
 * finit_module itself, once).
 */
const captured = (name: string): string[] => fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'tcrypt', `linux-6.1-x86_64-tcg-${name}.kmsg`), 'utf8').split('\n');

describe('bench/tcrypt', () => {
  it('joins pr_cont pieces to their line and drops the prefix and escaped newlines', () => {
    const lines = tcryptLogLines(['tcrypt: \\x0atesting speed of async sha256 (sha256-avx2)', 'tcrypt: test  0 (   16 byte blocks,   16 bytes per update,   1 updates): ', '291567 opers/sec,   4665072 bytes/sec']);
    assert.deepEqual(lines, ['testing speed of async sha256 (sha256-avx2)', 'test 0 ( 16 byte blocks, 16 bytes per update, 1 updates): 291567 opers/sec, 4665072 bytes/sec']);
  });

  it('reads the async hash mode (sec=1): every block/update pair of sha256-avx2, continuation lines included', () => {
    const { figures, problems } = parseTcryptLog(captured('mode=404-sec=1'));
    assert.deepEqual(problems, []);
    // loaded twice by busybox: 2 × 22 block/update pairs
    assert.equal(figures.length, 44);
    assert.ok(figures.every((figure) => figure.algorithm === 'sha256' && figure.driver === 'sha256-avx2' && figure.op === 'digest'));
    assert.deepEqual(figures[0], { algorithm: 'sha256', driver: 'sha256-avx2', op: 'digest', size: 16, updateSize: 16, opsPerSecond: 291567 });
    const oneUpdate = figures.slice(0, 22).filter((figure) => figure.updateSize === figure.size).map((figure) => figure.size);
    assert.deepEqual(oneUpdate, [16, 64, 256, 1024, 2048, 4096, 8192]);
    assert.deepEqual(figures.at(-1), { algorithm: 'sha256', driver: 'sha256-avx2', op: 'digest', size: 8192, updateSize: 8192, opsPerSecond: 6959 });
  });

  it('reads the AEAD mode (sec=1): rfc4106 and gcm, both directions, key sizes from the header lines', () => {
    const { figures } = parseTcryptLog(captured('mode=211-sec=1'));
    const first = figures[0];
    assert.deepEqual(first, { algorithm: 'rfc4106(gcm(aes))', driver: 'rfc4106-gcm-aesni', op: 'encrypt', keyBits: 160, size: 16, opsPerSecond: 279397 });
    const gcmDecrypt = figures.filter((figure) => figure.driver === 'generic-gcm-aesni' && figure.op === 'decrypt' && figure.keyBits === 128);
    assert.deepEqual(
      gcmDecrypt.slice(0, 8).map((figure) => figure.size),
      [16, 64, 256, 512, 1024, 1420, 4096, 8192],
    );
    assert.equal(gcmDecrypt.find((figure) => figure.size === 4096)?.opsPerSecond, 10553);
  });

  it('reads cycle counts (no sec=): every AES mode of mode 500, the driver each transform got', () => {
    const { figures } = parseTcryptLog(captured('mode=500-cycles'));
    assert.deepEqual(figures[0], { algorithm: 'ecb(aes)', driver: 'ecb-aes-aesni', op: 'encrypt', keyBits: 128, size: 16, cycles: 23660 });
    const drivers = new Set(figures.map((figure) => `${figure.algorithm} ${figure.driver}`));
    for (const expected of ['cbc(aes) cbc-aes-aesni', 'xts(aes) xts-aes-aesni', 'ctr(aes) ctr-aes-aesni', 'cts(cbc(aes)) cts-cbc-aes-aesni', 'rfc3686(ctr(aes)) rfc3686(ctr-aes-aesni)']) {
      assert.ok(drivers.has(expected), expected);
    }
    assert.ok(figures.every((figure) => figure.opsPerSecond === undefined && (figure.cycles ?? 0) > 0));
    assert.deepEqual(
      [...new Set(figures.filter((figure) => figure.algorithm === 'cbc(aes)').map((figure) => figure.size))],
      [16, 64, 128, 256, 1024, 1424, 4096],
    );
  });

  it('reads the async cipher mode (sec=1): operations per second of every AES mode, key size and block size', () => {
    const { figures } = parseTcryptLog(captured('mode=500-sec=1'));
    const cbc = figures.filter((figure) => figure.driver === 'cbc-aes-aesni' && figure.op === 'encrypt' && figure.keyBits === 128);
    assert.deepEqual(cbc[0], { algorithm: 'cbc(aes)', driver: 'cbc-aes-aesni', op: 'encrypt', keyBits: 128, size: 16, opsPerSecond: 1600412 });
    assert.deepEqual(
      cbc.slice(0, 7).map((figure) => figure.size),
      [16, 64, 128, 256, 1024, 1424, 4096],
    );
    assert.ok(figures.every((figure) => (figure.opsPerSecond ?? 0) > 0 && figure.cycles === undefined));
  });

  it('refuses a figure that comes before any header, and reports failure lines', () => {
    assert.throws(() => parseTcryptLog(['tcrypt: test 0 (128 bit key, 16 byte blocks): 1 operation in 5 cycles (16 bytes)']), TcryptLogError);
    const { problems } = parseTcryptLog(['tcrypt: failed to load transform for cbc(foo): -2']);
    assert.deepEqual(problems, ['failed to load transform for cbc(foo): -2']);
  });

  it('picks each mode once for the algorithms asked, hashes by name', () => {
    assert.deepEqual(
      tcryptModesFor(['cbc(aes)', 'xts(aes)', 'gcm(aes)', 'sha256', 'hmac(sha256)']).map((mode) => mode.params.join(' ')),
      ['mode=500', 'mode=211', 'mode=400 alg=sha256'],
    );
    assert.deepEqual(tcryptModesFor(['cbc(aes)', 'xts(aes)'])[0]?.algorithms, ['cbc(aes)', 'xts(aes)']);
    assert.deepEqual(tcryptModesFor(['hmac(sha256)', 'ccm(aes)']), []);
  });
});
