import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../harness/core/paths.js';
import { diagnoseKernelConfigText } from '../../../harness/discovery/kernel-config.js';
import { renderKernelConfig } from '../../../reports/kernel-config-terminal.js';

const debian = fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'kernel-config', 'debian-6.1.0-56-amd64.config'), 'utf8');

describe('reports/kernel-config-terminal', () => {
  it('renders one line per finding and names what to change', () => {
    const diagnosis = diagnoseKernelConfigText(debian.replace('CONFIG_CRYPTO_USER_API_HASH=m', '# CONFIG_CRYPTO_USER_API_HASH is not set'), 'bsp.config');
    const lines = renderKernelConfig(diagnosis).trimEnd().split('\n');
    assert.equal(lines[0], 'kernel config: bsp.config');
    assert.equal(lines.length, diagnosis.findings.length + 2);
    assert.ok(lines.some((line) => line.startsWith('  MISS CRYPTO_USER_API_HASH is not set')));
    assert.match(lines.at(-1) ?? '', /^1 to change: CRYPTO_USER_API_HASH \(afalg-harness kernel-config --fragment FILE/);
  });

  it('says so when nothing is missing', () => {
    assert.match(renderKernelConfig(diagnoseKernelConfigText(debian, 'debian.config')), /\nthe kernel has everything the harness needs\n$/);
  });
});
