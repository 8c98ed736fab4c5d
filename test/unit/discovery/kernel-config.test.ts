import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../harness/core/paths.js';
import { configFragment, diagnoseKernelConfigText, findingsToFix, parseKernelConfig, type KernelConfigDiagnosis } from '../../../harness/discovery/kernel-config.js';
import { expectBadInput } from '../../support/bad-input.js';

/** Debian bookworm's 6.1 amd64 config, trimmed to its crypto core and userspace-interface sections. */
const DEBIAN_FILE = path.join(projectRoot, 'test', 'fixtures', 'kernel-config', 'debian-6.1.0-56-amd64.config');
const debian = fs.readFileSync(DEBIAN_FILE, 'utf8');

/** The Debian config with lines replaced, as another distribution or a BSP would have it. */
function edited(replacements: Record<string, string>): string {
  return Object.entries(replacements).reduce((text, [from, to]) => {
    assert.ok(text.includes(from), `the fixture has ${from}`);
    return text.replace(from, to);
  }, debian);
}

const finding = (diagnosis: KernelConfigDiagnosis, symbol: string) => {
  const found = diagnosis.findings.find((entry) => entry.symbol === symbol);
  assert.ok(found, `a finding for ${symbol}`);
  return found;
};

describe('discovery/kernel-config', () => {
  it('reads y, m, "is not set" and values from a real config', () => {
    const config = parseKernelConfig(debian, DEBIAN_FILE);
    assert.equal(config.get('CRYPTO_USER_API_HASH'), 'm');
    assert.equal(config.get('CRYPTO_MANAGER'), 'y');
    assert.equal(config.get('CRYPTO_MANAGER_DISABLE_TESTS'), 'n');
    assert.deepEqual(config.get('CRYPTO_FIPS_NAME'), { value: '"Linux Kernel Cryptographic API"' });
    assert.equal(config.get('CRYPTO_STATS'), 'n');
    assert.equal(config.has('CRYPTO_SELFTESTS'), false);
  });

  it("finds nothing to change in Debian's 6.1 config, and says what its modules and FIPS mean", () => {
    const diagnosis = diagnoseKernelConfigText(debian, DEBIAN_FILE);
    assert.deepEqual(findingsToFix(diagnosis), []);
    assert.equal(diagnosis.selftestsMeaningless, false);
    assert.equal(finding(diagnosis, 'CRYPTO_USER_API_SKCIPHER').line, 'CRYPTO_USER_API_SKCIPHER: built as a module (algif_skcipher, loaded on demand)');
    assert.equal(finding(diagnosis, 'CRYPTO_MANAGER_EXTRA_TESTS').level, 'info');
    assert.equal(finding(diagnosis, 'CRYPTO_FIPS').level, 'info');
    assert.equal(finding(diagnosis, 'CRYPTO_TEST').level, 'ok');
    assert.match(configFragment(diagnosis), /# nothing to add/);
  });

  it('names each missing socket type on one line, and the fragment enables it', () => {
    const text = edited({ 'CONFIG_CRYPTO_USER_API_AEAD=m': '# CONFIG_CRYPTO_USER_API_AEAD is not set', 'CONFIG_CRYPTO_USER_API_RNG=m\n': '' });
    const diagnosis = diagnoseKernelConfigText(text, 'bsp.config');
    assert.deepEqual(findingsToFix(diagnosis).map((entry) => entry.symbol), ['CRYPTO_USER_API_AEAD', 'CRYPTO_USER_API_RNG']);
    assert.match(finding(diagnosis, 'CRYPTO_USER_API_AEAD').line, /^CRYPTO_USER_API_AEAD is not set: no AF_ALG "aead" sockets: gcm/);
    const fragment = configFragment(diagnosis).split('\n');
    assert.ok(fragment.includes('CONFIG_CRYPTO_USER_API_AEAD=m'));
    assert.ok(fragment.includes('CONFIG_CRYPTO_USER_API_RNG=m'));
    assert.ok(!fragment.includes('CONFIG_CRYPTO_USER_API_HASH=m'), 'what is there is not repeated');
    assert.ok(fragment.every((line) => line === '' || line.startsWith('#') || /^CONFIG_[A-Z0-9_]+=[ymn]$/.test(line)), 'only kconfig lines and comments');
  });

  it('CRYPTO_MANAGER_DISABLE_TESTS=y makes the selftest column meaningless, and the fragment unsets it', () => {
    const diagnosis = diagnoseKernelConfigText(edited({ '# CONFIG_CRYPTO_MANAGER_DISABLE_TESTS is not set': 'CONFIG_CRYPTO_MANAGER_DISABLE_TESTS=y' }), 'bsp.config');
    assert.equal(diagnosis.selftestsMeaningless, true);
    const disabled = finding(diagnosis, 'CRYPTO_MANAGER_DISABLE_TESTS');
    assert.equal(disabled.level, 'warning');
    assert.match(disabled.line, /every selftest column .* is meaningless/);
    assert.ok(!diagnosis.findings.some((entry) => entry.symbol === 'CRYPTO_MANAGER_EXTRA_TESTS'), 'no advice on extra tests that cannot run');
    assert.ok(configFragment(diagnosis).split('\n').includes('# CONFIG_CRYPTO_MANAGER_DISABLE_TESTS is not set'));
  });

  it('reads the 6.16 names: CRYPTO_SELFTESTS unset means no self-tests', () => {
    const text = edited({ '# CONFIG_CRYPTO_MANAGER_DISABLE_TESTS is not set\n# CONFIG_CRYPTO_MANAGER_EXTRA_TESTS is not set': '# CONFIG_CRYPTO_SELFTESTS is not set' });
    const diagnosis = diagnoseKernelConfigText(text, 'linux-6.16.config');
    assert.equal(diagnosis.selftestsMeaningless, true);
    assert.deepEqual(finding(diagnosis, 'CRYPTO_SELFTESTS').fix, ['CONFIG_EXPERT=y', 'CONFIG_CRYPTO_SELFTESTS=y']);
    const on = diagnoseKernelConfigText(text.replace('# CONFIG_CRYPTO_SELFTESTS is not set', 'CONFIG_CRYPTO_SELFTESTS=y'), 'linux-6.16.config');
    assert.equal(on.selftestsMeaningless, false);
    assert.equal(finding(on, 'CRYPTO_SELFTESTS_FULL').level, 'info');
  });

  it('tcrypt built in is not usable by bench --tcrypt; missing crypto_user is one line', () => {
    const diagnosis = diagnoseKernelConfigText(edited({ 'CONFIG_CRYPTO_TEST=m': 'CONFIG_CRYPTO_TEST=y', 'CONFIG_CRYPTO_USER=m': '# CONFIG_CRYPTO_USER is not set' }), 'bsp.config');
    assert.equal(finding(diagnosis, 'CRYPTO_TEST').level, 'info');
    assert.equal(finding(diagnosis, 'CRYPTO_USER').level, 'missing');
    assert.deepEqual(findingsToFix(diagnosis, true).map((entry) => entry.symbol), ['CRYPTO_USER', 'CRYPTO_MANAGER_EXTRA_TESTS', 'CRYPTO_TEST']);
    const fragment = configFragment(diagnosis, { withAdvice: true });
    assert.ok(fragment.includes('CONFIG_DEBUG_KERNEL=y\nCONFIG_CRYPTO_MANAGER_EXTRA_TESTS=y'));
    assert.ok(fragment.includes('CONFIG_CRYPTO_TEST=m'));
  });

  it('refuses a file that is not a kernel config', () => {
    expectBadInput(() => parseKernelConfig('# just a comment\nfoo=bar\n', 'notes.txt'), 'notes.txt: not a kernel config (no CONFIG_ lines)');
  });
});
