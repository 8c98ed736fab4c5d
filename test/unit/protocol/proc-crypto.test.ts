import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { entryKey, parseProcCrypto, ProcCryptoParseError, type CryptoEntry } from '../../../harness/protocol/proc-crypto.js';
import { projectRoot } from '../../../harness/core/paths.js';

const fixtureDir = path.join(projectRoot, 'test/fixtures/proc-crypto');
const bootText = fs.readFileSync(path.join(fixtureDir, 'qemu-x86_64-6.1-boot.txt'), 'utf8');
const instantiatedText = fs.readFileSync(path.join(fixtureDir, 'qemu-x86_64-6.1-instantiated.txt'), 'utf8');

function countNameLines(text: string): number {
  return text.split('\n').filter((line) => /^name\s+: /.test(line)).length;
}

function byDriver(entries: CryptoEntry[], driver: string): CryptoEntry {
  const found = entries.filter((entry) => entry.driver === driver);
  assert.equal(found.length, 1, `exactly one entry with driver ${driver}`);
  return found[0] as CryptoEntry;
}

/** 1-based line editing of the real capture */
function lines(text: string): string[] {
  return text.split('\n');
}

function expectParseError(text: string, block: number, line: number, fragment: string | RegExp): ProcCryptoParseError {
  let caught: unknown;
  try {
    parseProcCrypto(text);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ProcCryptoParseError, `expected ProcCryptoParseError, got ${String(caught)}`);
  assert.equal(caught.name, 'ProcCryptoParseError');
  assert.equal(caught.block, block);
  assert.equal(caught.line, line);
  assert.ok(caught.message.startsWith(`/proc/crypto block ${block} (line ${line}): `), caught.message);
  if (typeof fragment === 'string') assert.ok(caught.message.includes(fragment), caught.message);
  else assert.match(caught.message, fragment);
  return caught;
}

describe('discovery/proc-crypto', () => {
  describe('parseProcCrypto on the real Debian 6.1 captures', () => {
    const boot = parseProcCrypto(bootText);
    const instantiated = parseProcCrypto(instantiatedText);

    it('yields one entry per "name" line', () => {
      assert.equal(boot.length, countNameLines(bootText));
      assert.equal(boot.length, 140);
      assert.equal(instantiated.length, countNameLines(instantiatedText));
      assert.equal(instantiated.length, 254);
    });

    it('reads the virtio-crypto RSA driver whose self-test did not pass', () => {
      const rsa = byDriver(boot, 'virtio-crypto-rsa');
      assert.equal(rsa.name, 'rsa');
      assert.equal(rsa.module, 'virtio_crypto');
      assert.equal(rsa.selftest, 'unknown');
      assert.equal(rsa.priority, 150);
      assert.equal(rsa.refcnt, 1);
      assert.equal(rsa.type, 'akcipher');
      assert.equal(rsa.internal, false);
      assert.equal(rsa.async, undefined, 'akcipher prints no async field');
      assert.equal(rsa.line, 10);
    });

    it('reads the aesni cbc(aes) driver and its internal helpers', () => {
      const cbc = byDriver(boot, 'cbc-aes-aesni');
      assert.equal(cbc.name, 'cbc(aes)');
      assert.equal(cbc.priority, 400);
      assert.equal(cbc.async, true);
      assert.equal(cbc.module, 'aesni_intel');
      assert.equal(cbc.internal, false);
      assert.equal(cbc.selftest, 'passed');
      assert.equal(cbc.type, 'skcipher');
      assert.equal(cbc.line, 1551);

      const inner = byDriver(boot, '__cbc-aes-aesni');
      assert.equal(inner.internal, true);
      assert.equal(inner.async, false);
      assert.equal(inner.name, '__cbc(aes)');

      const cryptd = byDriver(boot, 'cryptd(__cbc-aes-aesni)');
      assert.equal(cryptd.internal, true);
      assert.equal(cryptd.module, 'cryptd');
      assert.equal(cryptd.priority, 450);
    });

    it('keeps every printed field, type-specific ones included, as text', () => {
      const cbc = byDriver(boot, 'cbc-aes-aesni');
      assert.equal(cbc.fields.ivsize, '16');
      assert.equal(cbc.fields.blocksize, '16');
      assert.equal(cbc.fields['min keysize'], '16');
      assert.equal(cbc.fields['max keysize'], '32');
      assert.equal(cbc.fields.walksize, '16');
      assert.equal(cbc.fields.priority, '400');
      assert.equal(cbc.fields.async, 'yes');
      assert.deepEqual(Object.keys(cbc.fields), [
        'name', 'driver', 'module', 'priority', 'refcnt', 'selftest', 'internal', 'type',
        'async', 'blocksize', 'min keysize', 'max keysize', 'ivsize', 'chunksize', 'walksize',
      ]);
      const sha = byDriver(boot, 'sha256-generic');
      assert.equal(sha.fields.digestsize, '32');
      assert.equal(sha.type, 'shash');
      assert.equal(sha.module, 'kernel');
      const geniv = boot.find((entry) => entry.fields.geniv !== undefined);
      assert.ok(geniv, 'an aead entry with geniv');
      assert.equal(geniv.fields.geniv, '<none>');
      assert.equal(geniv.type, 'aead');
    });

    it('sees the instances the instantiation pass created', () => {
      assert.equal(boot.some((entry) => entry.driver === 'cbc(aes-generic)'), false);
      const generic = byDriver(instantiated, 'cbc(aes-generic)');
      assert.equal(generic.name, 'cbc(aes)');
      assert.equal(generic.priority, 100);
      assert.equal(byDriver(instantiated, 'ghash-generic').type, 'shash');
      assert.equal(instantiated.some((entry) => entry.type === 'rng'), true);
      assert.equal(boot.some((entry) => entry.type === 'rng'), false);
    });

    it('records the first line of every block, in increasing order', () => {
      const text = lines(bootText);
      let previous = 0;
      for (const entry of boot) {
        assert.ok(entry.line > previous);
        assert.equal(text[entry.line - 1], `name         : ${entry.name}`);
        previous = entry.line;
      }
    });
  });

  describe('parseProcCrypto edge cases', () => {
    it('returns no entries for empty text or blank lines only', () => {
      assert.deepEqual(parseProcCrypto(''), []);
      assert.deepEqual(parseProcCrypto('\n\n\n'), []);
    });

    it('accepts a last block without a trailing blank line', () => {
      const block = lines(bootText).slice(9, 17).join('\n') + '\n';
      const entries = parseProcCrypto(block);
      assert.equal(entries.length, 1);
      assert.equal(entries[0]?.driver, 'virtio-crypto-rsa');
      assert.equal(entries[0]?.line, 1);
    });

    it('rejects an internal field that is neither yes nor no', () => {
      const text = lines(bootText);
      assert.equal(text[15], 'internal     : no');
      text[15] = 'internal     : maybe';
      expectParseError(text.join('\n'), 2, 16, "field 'internal' must be yes or no");
    });
  });

  describe('parseProcCrypto on corrupted copies of the real capture', () => {
    it('rejects a capture truncated in the middle of a line', () => {
      // line 1556 is "selftest     : passed" of block 110 (cbc-aes-aesni)
      const text = lines(bootText);
      assert.equal(text[1555], 'selftest     : passed');
      const cut = text.slice(0, 1555).join('\n') + '\nselftest     : pas';
      assert.equal(cut.endsWith('\n'), false);
      expectParseError(cut, 110, 1556, 'truncated: last line has no newline');
    });

    it('rejects a capture truncated in the name line of a new block', () => {
      const text = lines(bootText);
      assert.equal(text[1550], 'name         : cbc(aes)');
      const cut = text.slice(0, 1550).join('\n') + '\nname         : cbc(a';
      expectParseError(cut, 110, 1551, 'truncated');
    });

    it('rejects a capture cut at a line boundary inside a block (missing fields)', () => {
      const text = lines(bootText);
      // keep name..refcnt of block 110 (lines 1551-1555)
      const cut = text.slice(0, 1555).join('\n') + '\n';
      expectParseError(cut, 110, 1551, "missing field 'selftest'");
    });

    it('rejects a block missing its priority', () => {
      const text = lines(bootText);
      assert.equal(text[12], 'priority     : 150');
      text.splice(12, 1);
      // block 2 now spans lines 10-16, the blank line after it is line 17
      expectParseError(text.join('\n'), 2, 10, "missing field 'priority' (block ends at line 17)");
    });

    it('rejects a block with a duplicated driver line', () => {
      const text = lines(bootText);
      assert.equal(text[10], 'driver       : virtio-crypto-rsa');
      text.splice(11, 0, 'driver       : virtio-crypto-rsa');
      expectParseError(text.join('\n'), 2, 12, "duplicate field 'driver'");
    });

    it('rejects a non-integer priority, naming the block and the field', () => {
      const text = lines(bootText);
      text[12] = 'priority     : 15O';
      // the error carries the line of the bad value (13), not the block's first line (10)
      const error = expectParseError(text.join('\n'), 2, 13, "field 'priority' is not an integer: \"15O\"");
      assert.equal(error.block, 2);
    });

    // regression: value errors were once reported at the block's first line
    it('reports a non-integer priority at the line that carries it', () => {
      const text = lines(bootText);
      text[12] = 'priority     : 15O';
      expectParseError(text.join('\n'), 2, 13, "field 'priority' is not an integer");
    });

    it('rejects a garbage line without " : "', () => {
      const text = lines(bootText);
      assert.equal(text[13], 'refcnt       : 1');
      text[13] = 'refcnt 1';
      expectParseError(text.join('\n'), 2, 14, 'expected "field : value", got "refcnt 1"');
    });

    it('rejects a printk line interleaved into a later block', () => {
      const text = lines(bootText);
      // between "driver" and "module" of block 110
      text.splice(1552, 0, '[   12.345678] alg: No test for cbc(aes) (cbc-aes-aesni)');
      expectParseError(text.join('\n'), 110, 1553, 'expected "field : value"');
    });

    it('rejects CRLF line endings at the first line', () => {
      // "." in the field pattern does not match the trailing \r
      const crlf = lines(bootText).slice(0, 9).join('\r\n');
      expectParseError(crlf, 1, 1, 'expected "field : value", got "name         : pkcs1pad(rsa)\\r"');
    });
  });

  describe('entryKey', () => {
    it('is type:driver', () => {
      assert.equal(entryKey({ type: 'skcipher', driver: 'cbc-aes-aesni' }), 'skcipher:cbc-aes-aesni');
    });

    it('is unique across both real captures', () => {
      for (const entries of [parseProcCrypto(bootText), parseProcCrypto(instantiatedText)]) {
        assert.equal(new Set(entries.map(entryKey)).size, entries.length);
      }
    });

    it('tells the same driver name of two types apart', () => {
      assert.notEqual(entryKey({ type: 'shash', driver: 'x' }), entryKey({ type: 'ahash', driver: 'x' }));
    });
  });
});
