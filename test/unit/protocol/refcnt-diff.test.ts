import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseProcCrypto, type CryptoEntry } from '../../../harness/protocol/proc-crypto.js';
import { refcntMoves, resolveBoundDriver } from '../../../harness/protocol/refcnt-diff.js';
import { projectRoot } from '../../../harness/core/paths.js';

const fixtureDir = path.join(projectRoot, 'test/fixtures/proc-crypto');
const bootText = fs.readFileSync(path.join(fixtureDir, 'qemu-x86_64-6.1-boot.txt'), 'utf8');
const instantiatedText = fs.readFileSync(path.join(fixtureDir, 'qemu-x86_64-6.1-instantiated.txt'), 'utf8');

/** A fresh parse of the capture, so that edits never leak between tests. */
function boot(): CryptoEntry[] {
  return parseProcCrypto(bootText);
}

function bump(entries: CryptoEntry[], driver: string, by: number): CryptoEntry[] {
  const entry = entries.find((candidate) => candidate.driver === driver);
  assert.ok(entry, `no entry with driver ${driver}`);
  entry.refcnt += by;
  return entries;
}

describe('discovery/refcnt-diff', () => {
  describe('refcntMoves', () => {
    it('reports nothing between two identical snapshots', () => {
      assert.deepEqual(refcntMoves(boot(), boot()), []);
    });

    it('reports the aesni driver and its internal wrappers, in /proc/crypto order', () => {
      const after = boot();
      bump(after, 'cbc-aes-aesni', 1);
      bump(after, 'cryptd(__cbc-aes-aesni)', 1);
      bump(after, '__cbc-aes-aesni', 1);
      assert.deepEqual(refcntMoves(boot(), after), [
        { driver: 'cryptd(__cbc-aes-aesni)', name: '__cbc(aes)', internal: true, delta: 1 },
        { driver: 'cbc-aes-aesni', name: 'cbc(aes)', internal: false, delta: 1 },
        { driver: '__cbc-aes-aesni', name: '__cbc(aes)', internal: true, delta: 1 },
      ]);
    });

    it('reports decreases and larger steps with their sign', () => {
      const after = boot();
      bump(after, 'sha256-generic', 3);
      bump(after, 'aes-generic', -1);
      const moves = refcntMoves(boot(), after);
      assert.deepEqual(
        moves.map((move) => [move.driver, move.delta]),
        [
          ['aes-generic', -1],
          ['sha256-generic', 3],
        ],
      );
    });

    it('counts an entry that appeared while the socket was held with delta = its refcnt', () => {
      const before = boot();
      const instantiated = parseProcCrypto(instantiatedText);
      const fresh = instantiated.find((entry) => entry.driver === 'cbc(aes-generic)');
      assert.ok(fresh);
      assert.equal(before.some((entry) => entry.driver === 'cbc(aes-generic)'), false);
      fresh.refcnt = 2;
      const aesGeneric = before.find((entry) => entry.driver === 'aes-generic');
      assert.ok(aesGeneric);
      const after = [...boot(), fresh];
      bump(after, 'aes-generic', 1);
      assert.deepEqual(refcntMoves(before, after), [
        { driver: 'aes-generic', name: 'aes', internal: false, delta: 1 },
        { driver: 'cbc(aes-generic)', name: 'cbc(aes)', internal: false, delta: 2 },
      ]);
    });

    it('matches entries by type and driver, not by position', () => {
      const before = boot();
      const after = boot().reverse();
      bump(after, 'ghash-clmulni', 1);
      assert.deepEqual(refcntMoves(before, after), [{ driver: 'ghash-clmulni', name: 'ghash', internal: false, delta: 1 }]);
    });

    it('treats the same driver name under another type as a different entry', () => {
      const before = boot();
      const after = boot();
      const moved = after.find((entry) => entry.driver === 'sha256-generic');
      assert.ok(moved);
      moved.type = 'ahash';
      const moves = refcntMoves(before, after);
      assert.deepEqual(moves, [{ driver: 'sha256-generic', name: 'sha256', internal: false, delta: moved.refcnt }]);
    });
  });

  describe('resolveBoundDriver', () => {
    it('names the public driver when its wrappers moved too', () => {
      const after = boot();
      bump(after, 'cbc-aes-aesni', 1);
      bump(after, 'cryptd(__cbc-aes-aesni)', 1);
      bump(after, '__cbc-aes-aesni', 1);
      const resolution = resolveBoundDriver('cbc(aes)', refcntMoves(boot(), after), after);
      assert.deepEqual(resolution, { driver: 'cbc-aes-aesni', candidates: ['cbc-aes-aesni'] });
      assert.equal('problem' in resolution, false);
    });

    it('names a driver bound by its unique driver name', () => {
      const after = boot();
      bump(after, 'aes-generic', 1);
      const resolution = resolveBoundDriver('aes-generic', refcntMoves(boot(), after));
      assert.equal(resolution.driver, 'aes-generic');
    });

    it('names a freshly instantiated template instance', () => {
      const instantiated = parseProcCrypto(instantiatedText);
      const before = instantiated.filter((entry) => entry.driver !== 'hmac(sha256-generic)');
      const after = parseProcCrypto(instantiatedText);
      bump(after, 'sha256-generic', 1);
      const resolution = resolveBoundDriver('hmac(sha256)', refcntMoves(before, after), after);
      assert.equal(resolution.driver, 'hmac(sha256-generic)');
    });

    it('is a problem when nothing moved', () => {
      const resolution = resolveBoundDriver('cbc(aes)', refcntMoves(boot(), boot()));
      assert.equal(resolution.driver, undefined);
      assert.deepEqual(resolution.candidates, []);
      assert.equal(resolution.problem, 'no refcnt moved while the socket was held');
    });

    it('is a problem when only internal or other-named entries moved', () => {
      const after = boot();
      bump(after, '__cbc-aes-aesni', 1);
      bump(after, 'aes-aesni', 1);
      const resolution = resolveBoundDriver('cbc(aes)', refcntMoves(boot(), after));
      assert.equal(resolution.driver, undefined);
      assert.deepEqual(resolution.candidates, []);
      assert.equal(resolution.problem, 'no public entry of that name gained a reference');
    });

    it('ignores a public entry of that name whose refcnt fell', () => {
      const after = boot();
      bump(after, 'virtio_crypto_aes_cbc', -1);
      bump(after, 'cbc-aes-aesni', 1);
      const resolution = resolveBoundDriver('cbc(aes)', refcntMoves(boot(), after), after);
      assert.equal(resolution.driver, 'cbc-aes-aesni');
    });

    it('names the top-priority entry when it rose with others (a driver holding its fallback)', () => {
      const after = boot();
      bump(after, 'virtio_crypto_aes_cbc', 1);
      bump(after, 'cbc-aes-aesni', 1);
      const resolution = resolveBoundDriver('cbc(aes)', refcntMoves(boot(), after), after);
      assert.equal(resolution.driver, 'cbc-aes-aesni');
      assert.deepEqual(resolution.candidates, ['cbc-aes-aesni', 'virtio_crypto_aes_cbc']);
      assert.equal(resolution.problem, undefined);
    });

    it('is ambiguous when several public entries of that name rose but not the top-priority one, highest priority first', () => {
      const before = parseProcCrypto(instantiatedText);
      const after = bump(bump(parseProcCrypto(instantiatedText), 'virtio_crypto_aes_cbc', 1), 'cbc(aes-generic)', 1);
      const moves = refcntMoves(before, after);
      const resolution = resolveBoundDriver('cbc(aes)', moves, after);
      assert.equal(resolution.driver, undefined);
      assert.deepEqual(resolution.candidates, ['virtio_crypto_aes_cbc', 'cbc(aes-generic)']);
      assert.equal(resolution.problem, 'ambiguous: virtio_crypto_aes_cbc, cbc(aes-generic) all gained references');
    });
  });
});
