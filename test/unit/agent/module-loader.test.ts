import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { hostPathHere, lookUpModule } from '../../../harness/agent/module-loader.js';
import { projectRoot } from '../../../harness/core/paths.js';

const modulesDep = fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'modules', 'modules.dep'), 'utf8');

describe('agent/module-loader', () => {
  it('finds a module file and its dependencies by module name (- and _ are the same)', () => {
    assert.deepEqual(lookUpModule(modulesDep, 'aesni_intel'), { file: 'kernel/arch/x86/crypto/aesni-intel.ko', dependencies: ['crypto_simd', 'cryptd'] });
    assert.deepEqual(lookUpModule(modulesDep, 'sha256-ssse3'), { file: 'kernel/arch/x86/crypto/sha256-ssse3.ko', dependencies: [] });
  });

  it('compressed module files keep their name; an unknown module is undefined', () => {
    assert.deepEqual(lookUpModule('kernel/crypto/tcrypt.ko.xz:\n', 'tcrypt'), { file: 'kernel/crypto/tcrypt.ko.xz', dependencies: [] });
    assert.equal(lookUpModule(modulesDep, 'tcrypt'), undefined);
  });

  it("reads a host path under /host where the agent's root is not the host's (the Arm boards' own node)", () => {
    const ko = '/root/.cache/afalg-harness/fixtures/6.12.118+deb13-arm64/x/afalg_fixture_xts_hang.ko';
    assert.equal(hostPathHere(ko, (file) => file === `/host${ko}`), `/host${ko}`);
    assert.equal(hostPathHere(ko, () => true), ko, 'the path as given when it is there (x86: the agent runs chrooted in the host)');
    assert.equal(hostPathHere(ko, () => false), ko, 'nowhere: the path as given, for finit_module to name');
  });
});
