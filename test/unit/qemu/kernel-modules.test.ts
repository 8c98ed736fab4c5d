import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { moduleName, parseModulesDep, preloadOrder, selectModules, stripModuleSignature } from '../../../qemu/kernel-modules.js';
import { projectRoot } from '../../../harness/core/paths.js';
import { filler as bytes } from '../../support/filler.js';

const depText = fs.readFileSync(path.join(projectRoot, 'test/fixtures/modules/modules.dep'), 'utf8');

const MAGIC = Buffer.from('~Module signature appended~\n', 'ascii');


/** body || signature || struct module_signature (12 bytes, sig_len big-endian last) || magic */
function signedModule(body: Buffer, signatureLength: number, declaredLength = signatureLength): Buffer {
  const info = Buffer.alloc(12);
  info[2] = 2; // id_type PKEY_ID_PKCS7
  info.writeUInt32BE(declaredLength, 8);
  return Buffer.concat([body, bytes(signatureLength, 99), info, MAGIC]);
}

describe('qemu/kernel-modules', () => {
  describe('parseModulesDep', () => {
    const deps = parseModulesDep(depText);

    it('reads one entry per non-empty line', () => {
      assert.equal(deps.size, depText.split('\n').filter((line) => line.trim()).length);
      assert.equal(deps.size, 26);
    });

    it('splits the dependencies and keeps modules without any', () => {
      assert.deepEqual(deps.get('kernel/arch/x86/crypto/aesni-intel.ko'), ['kernel/crypto/crypto_simd.ko', 'kernel/crypto/cryptd.ko']);
      assert.deepEqual(deps.get('kernel/fs/9p/9p.ko'), ['kernel/net/9p/9pnet.ko', 'kernel/fs/netfs/netfs.ko', 'kernel/fs/fscache/fscache.ko']);
      assert.deepEqual(deps.get('kernel/crypto/cryptd.ko'), []);
    });

    it('ignores blank lines and tolerates tabs and CRLF', () => {
      const parsed = parseModulesDep('\n  \na.ko:\tb.ko  c.ko\r\nb.ko:\r\n\n');
      assert.deepEqual([...parsed.entries()], [
        ['a.ko', ['b.ko', 'c.ko']],
        ['b.ko', []],
      ]);
    });

    it('rejects a line without a colon', () => {
      assert.throws(() => parseModulesDep('a.ko: b.ko\nkernel/crypto/gcm.ko kernel/crypto/ghash-generic.ko\n'), /modules\.dep: line without ':': kernel\/crypto\/gcm\.ko/);
    });
  });

  describe('moduleName', () => {
    it('strips the directory and the .ko suffix, compressed ones included', () => {
      assert.equal(moduleName('kernel/crypto/sha3_generic.ko'), 'sha3_generic');
      assert.equal(moduleName('kernel/crypto/cryptd.ko.xz'), 'cryptd');
      assert.equal(moduleName('kernel/crypto/cryptd.ko.zst'), 'cryptd');
      assert.equal(moduleName('kernel/crypto/cryptd.ko.gz'), 'cryptd');
      assert.equal(moduleName('af_alg.ko'), 'af_alg');
    });

    it('turns dashes into underscores', () => {
      assert.equal(moduleName('kernel/arch/x86/crypto/aesni-intel.ko'), 'aesni_intel');
      assert.equal(moduleName('kernel/crypto/ghash-generic.ko.xz'), 'ghash_generic');
      assert.equal(moduleName('kernel/arch/x86/crypto/chacha-x86_64.ko'), 'chacha_x86_64');
    });
  });

  describe('selectModules', () => {
    const deps = parseModulesDep(depText);

    it('takes directories and names with their dependency closure, sorted', () => {
      const selection = selectModules(deps, ['kernel/arch/x86/crypto', 'virtio-pci', '9p']);
      assert.deepEqual(selection.files, [
        'kernel/arch/x86/crypto/aesni-intel.ko',
        'kernel/arch/x86/crypto/chacha-x86_64.ko',
        'kernel/arch/x86/crypto/ghash-clmulni-intel.ko',
        'kernel/arch/x86/crypto/sha256-ssse3.ko',
        'kernel/crypto/cryptd.ko',
        'kernel/crypto/crypto_simd.ko',
        'kernel/drivers/virtio/virtio_pci.ko',
        'kernel/drivers/virtio/virtio_pci_legacy_dev.ko',
        'kernel/drivers/virtio/virtio_pci_modern_dev.ko',
        'kernel/fs/9p/9p.ko',
        'kernel/fs/fscache/fscache.ko',
        'kernel/fs/netfs/netfs.ko',
        'kernel/lib/crypto/libchacha.ko',
        'kernel/net/9p/9pnet.ko',
      ]);
      assert.deepEqual(selection.unmatched, []);
    });

    it('matches a directory only at a path boundary, with or without a trailing slash', () => {
      for (const entry of ['kernel/arch/x86/crypto', 'kernel/arch/x86/crypto/']) {
        const { files } = selectModules(deps, [entry]);
        assert.ok(!files.includes('kernel/arch/x86/crypto2/not-crypto.ko'), entry);
        assert.ok(files.includes('kernel/arch/x86/crypto/sha256-ssse3.ko'), entry);
      }
    });

    it('matches names exactly, not by prefix', () => {
      const { files } = selectModules(deps, ['9pnet']);
      assert.deepEqual(files, ['kernel/net/9p/9pnet.ko']);
    });

    it('follows dependencies transitively', () => {
      const { files } = selectModules(deps, ['gcm']);
      assert.deepEqual(files, ['kernel/crypto/gcm.ko', 'kernel/crypto/gf128mul.ko', 'kernel/crypto/ghash-generic.ko']);
    });

    it('reports the include entries that matched nothing, in order', () => {
      const selection = selectModules(deps, ['no_such_module', 'af_alg', 'kernel/no/such/dir']);
      assert.deepEqual(selection.unmatched, ['no_such_module', 'kernel/no/such/dir']);
      assert.deepEqual(selection.files, ['kernel/crypto/af_alg.ko']);
    });

    it('lists a module once even when several entries reach it', () => {
      const { files } = selectModules(deps, ['aesni-intel', 'crypto_simd', 'ghash_clmulni_intel', 'kernel/crypto']);
      assert.equal(new Set(files).size, files.length);
      assert.equal(files.filter((file) => file === 'kernel/crypto/cryptd.ko').length, 1);
    });
  });

  describe('preloadOrder', () => {
    const files = selectModules(parseModulesDep(depText), ['kernel/arch/x86/crypto', 'virtio_pci', '9p', 'virtio_console']).files;

    it('keeps names in board order, expands directories sorted, and drops repeats', () => {
      assert.deepEqual(preloadOrder(files, ['virtio_pci', '9p', 'kernel/arch/x86/crypto', 'aesni_intel', 'virtio-console', 'virtio_pci']), [
        'virtio_pci',
        '9p',
        'aesni_intel',
        'chacha_x86_64',
        'ghash_clmulni_intel',
        'sha256_ssse3',
        'virtio_console',
      ]);
    });

    it('expands a directory to the selected files only', () => {
      const subset = ['kernel/arch/x86/crypto/sha256-ssse3.ko', 'kernel/arch/x86/crypto/aesni-intel.ko', 'kernel/crypto/cryptd.ko'];
      assert.deepEqual(preloadOrder(subset, ['kernel/arch/x86/crypto']), ['aesni_intel', 'sha256_ssse3']);
      assert.deepEqual(preloadOrder(subset, ['kernel/drivers/crypto']), []);
    });

    it('normalises dashes in names so a repeat with dashes is dropped', () => {
      assert.deepEqual(preloadOrder(files, ['aesni_intel', 'kernel/arch/x86/crypto', 'aesni-intel']), [
        'aesni_intel',
        'chacha_x86_64',
        'ghash_clmulni_intel',
        'sha256_ssse3',
      ]);
    });
  });

  describe('stripModuleSignature', () => {
    const body = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), bytes(500, 7)]);

    it('removes signature, info block and magic', () => {
      const signed = signedModule(body, 300);
      assert.equal(signed.length, body.length + 300 + 12 + MAGIC.length);
      const stripped = stripModuleSignature(signed);
      assert.ok(stripped.equals(body));
      assert.equal(stripped.length, body.length);
    });

    it('handles a one-byte signature', () => {
      const signed = signedModule(body, 1);
      assert.ok(stripModuleSignature(signed).equals(body));
    });

    it('returns an unsigned module unchanged', () => {
      assert.equal(stripModuleSignature(body), body);
      const short = Buffer.from('tiny');
      assert.equal(stripModuleSignature(short), short);
      const onlyMagic = Buffer.concat([Buffer.alloc(4), MAGIC]);
      assert.equal(stripModuleSignature(onlyMagic), onlyMagic);
    });

    it('returns a module whose tail only resembles the magic unchanged', () => {
      const almost = Buffer.concat([body, Buffer.from('~Module signature appended~ \n')]);
      assert.equal(stripModuleSignature(almost), almost);
    });

    it('rejects a signature length larger than the module', () => {
      const lying = signedModule(body, 300, 100_000);
      assert.throws(() => stripModuleSignature(lying), /module signature length 100000 exceeds the module/);
    });
  });
});
