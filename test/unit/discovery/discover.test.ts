import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { genericTwinProbes, groupByName, instantiationProbes, referenceProbes } from '../../../harness/discovery/discover.js';
import { parseProcCrypto } from '../../../harness/protocol/proc-crypto.js';
import { parseTemplateName } from '../../../harness/discovery/algorithm-name.js';
import { projectRoot } from '../../../harness/core/paths.js';
import { catalog } from '../../../vectors/catalog.js';

const fixtureDir = path.join(projectRoot, 'test/fixtures/proc-crypto');
const bootText = fs.readFileSync(path.join(fixtureDir, 'qemu-x86_64-6.1-boot.txt'), 'utf8');
const instantiatedText = fs.readFileSync(path.join(fixtureDir, 'qemu-x86_64-6.1-instantiated.txt'), 'utf8');

describe('discovery/discover (pure helpers)', () => {
  describe('groupByName', () => {
    const entries = parseProcCrypto(bootText);
    const groups = groupByName(entries);

    it('puts every entry in exactly one group, keyed by its name', () => {
      let total = 0;
      for (const [name, group] of groups) {
        assert.ok(group.length > 0);
        for (const entry of group) assert.equal(entry.name, name);
        total += group.length;
      }
      assert.equal(total, entries.length);
      assert.equal(groups.size, new Set(entries.map((entry) => entry.name)).size);
    });

    it('keeps /proc/crypto order inside a group', () => {
      assert.deepEqual(
        groups.get('cbc(aes)')?.map((entry) => entry.driver),
        ['virtio_crypto_aes_cbc', 'cbc-aes-aesni'],
      );
      assert.deepEqual(
        groups.get('aes')?.map((entry) => entry.driver),
        ['aes-aesni', 'aes-generic'],
      );
      assert.deepEqual(
        groups.get('sha256')?.map((entry) => entry.driver),
        ['sha256-avx2', 'sha256-avx', 'sha256-ssse3', 'sha256-generic'],
      );
    });

    it('separates internal names from public ones', () => {
      assert.deepEqual(
        groups.get('__cbc(aes)')?.map((entry) => entry.driver),
        ['cryptd(__cbc-aes-aesni)', '__cbc-aes-aesni'],
      );
    });

    it('returns an empty map for no entries', () => {
      assert.equal(groupByName([]).size, 0);
    });
  });

  describe('instantiationProbes', () => {
    it('instantiates cbc(aes) over every public aes driver', () => {
      const entries = parseProcCrypto(bootText);
      const tried = new Set(['cbc(aes)']);
      const probes = instantiationProbes(entries, tried);
      const names = probes.map((probe) => probe.name);
      assert.ok(names.includes('cbc(aes-generic)'));
      assert.ok(names.includes('cbc(aes-aesni)'));
      assert.deepEqual(
        probes.filter((probe) => probe.name.startsWith('cbc(aes')),
        [
          { name: 'cbc(aes-aesni)', type: 'skcipher' },
          { name: 'cbc(aes-generic)', type: 'skcipher' },
        ],
      );
      assert.ok(!names.includes('cbc(aes)'), 'the generic name itself is not a probe');
    });

    it('uses the catalog type and every public driver of multi-argument and nested templates', () => {
      const probes = instantiationProbes(parseProcCrypto(bootText), new Set());
      const find = (name: string) => probes.find((probe) => probe.name === name);
      assert.deepEqual(find('rfc7539(chacha20-simd,poly1305-simd)'), { name: 'rfc7539(chacha20-simd,poly1305-simd)', type: 'aead' });
      assert.deepEqual(find('hmac(sha256-generic)'), { name: 'hmac(sha256-generic)', type: 'hash' });
      assert.deepEqual(find('gcm(aes-generic)'), { name: 'gcm(aes-generic)', type: 'aead' });
      // cts(cbc(aes)) goes over the registered cbc(aes) drivers, the virtio one included
      assert.ok(find('cts(cbc-aes-aesni)'));
      assert.ok(find('cts(virtio_crypto_aes_cbc)'));
      // every sha256 driver gets an hmac instance
      assert.deepEqual(
        probes.filter((probe) => probe.name.startsWith('hmac(sha256')).map((probe) => probe.name),
        ['hmac(sha256-avx2)', 'hmac(sha256-avx)', 'hmac(sha256-ssse3)', 'hmac(sha256-generic)'],
      );
    });

    it('never instantiates over internal drivers', () => {
      const probes = instantiationProbes(parseProcCrypto(bootText), new Set());
      assert.ok(probes.length > 0);
      for (const probe of probes) assert.ok(!probe.name.includes('__'), probe.name);
    });

    it('proposes only template instances, each once', () => {
      const probes = instantiationProbes(parseProcCrypto(bootText), new Set());
      const names = probes.map((probe) => probe.name);
      assert.equal(new Set(names).size, names.length);
      const catalogNames = new Set(catalog.map((algorithm) => algorithm.name));
      for (const name of names) {
        assert.ok(parseTemplateName(name), name);
        assert.ok(!catalogNames.has(name), name);
      }
    });

    it('records what it proposed in `tried` and skips what was tried', () => {
      const entries = parseProcCrypto(bootText);
      const tried = new Set(['cbc(aes-generic)']);
      const first = instantiationProbes(entries, tried);
      assert.ok(!first.some((probe) => probe.name === 'cbc(aes-generic)'));
      assert.ok(first.some((probe) => probe.name === 'cbc(aes-aesni)'));
      assert.equal(tried.size, first.length + 1);
      for (const probe of first) assert.ok(tried.has(probe.name));
      assert.deepEqual(instantiationProbes(entries, tried), []);
    });

    it('finds new instances over the drivers a previous pass created', () => {
      const tried = new Set(catalog.map((algorithm) => algorithm.name));
      instantiationProbes(parseProcCrypto(bootText), tried);
      const second = instantiationProbes(parseProcCrypto(instantiatedText), tried).map((probe) => probe.name);
      // cbc(aes-generic) is registered only in the instantiated capture
      assert.ok(second.includes('cts(cbc(aes-generic))'), second.join(' '));
      assert.ok(second.includes('rfc7539(chacha20-generic,poly1305-generic)'));
      assert.ok(!second.includes('cbc(aes-generic)'), 'already tried in the first pass');
    });

    it('proposes nothing when no argument has a driver', () => {
      assert.deepEqual(instantiationProbes([], new Set()), []);
    });
  });

  describe('referenceProbes', () => {
    it('asks for the all-software driver of algorithms whose generic bind would never build it', () => {
      const byName = new Map(referenceProbes().map((probe) => [probe.name, probe.type]));
      assert.equal(byName.get('gcm_base(ctr(aes-generic),ghash-generic)'), 'aead');
      assert.equal(byName.get('rfc4106(gcm_base(ctr(aes-generic),ghash-generic))'), 'aead');
      assert.equal(byName.get('cbc(aes-generic)'), 'skcipher');
      assert.equal(byName.get('sha256-generic'), 'hash');
      // one probe per catalog algorithm that names a reference, none for stdrng
      assert.equal(byName.size, catalog.filter((algorithm) => algorithm.reference).length);
      assert.ok(![...byName.keys()].some((name) => name.includes('stdrng')));
    });
  });

  describe('genericTwinProbes', () => {
    const probes = genericTwinProbes();
    const byName = new Map(probes.map((probe) => [probe.name, probe.type]));

    it('names the software twins of the catalog hashes and of template arguments', () => {
      assert.equal(byName.get('sha256-generic'), 'hash');
      assert.equal(byName.get('md5-generic'), 'hash');
      assert.equal(byName.get('ghash-generic'), 'hash');
      assert.equal(byName.get('poly1305-generic'), 'hash');
      // plain arguments of templates are probed with the type of the catalog algorithm that uses them
      // first (the bind may fail; the lookup autoloads the module)
      assert.equal(byName.get('aes-generic'), 'hash'); // cmac(aes) comes first
      assert.equal(byName.get('des3_ede-generic'), 'hash');
      assert.equal(byName.get('sm4-generic'), 'skcipher');
      // plain catalog names keep their own type
      assert.equal(byName.get('chacha20-generic'), 'skcipher');
      assert.equal(byName.get('aegis128-generic'), 'aead');
      assert.equal(byName.get('stdrng-generic'), 'rng');
    });

    it('starts with the catalog order', () => {
      assert.deepEqual(
        probes.slice(0, 3).map((probe) => probe.name),
        ['md5-generic', 'sha1-generic', 'sha224-generic'],
      );
    });

    it('has one probe per plain name and no template names', () => {
      assert.equal(byName.size, probes.length);
      for (const probe of probes) {
        assert.match(probe.name, /^[^()]+-generic$/);
      }
      for (const template of ['hmac', 'cbc', 'gcm', 'rfc4106', 'rfc7539', 'cts']) {
        assert.ok(!byName.has(`${template}-generic`), template);
      }
    });

    it('covers every plain catalog name', () => {
      for (const algorithm of catalog) {
        if (parseTemplateName(algorithm.name)) continue;
        assert.equal(byName.get(`${algorithm.name}-generic`), algorithm.type, algorithm.name);
      }
      assert.equal(probes.length, 22);
    });
  });
});
