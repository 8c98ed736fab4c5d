import assert from 'node:assert/strict';
import { renderDiscovery } from '../../../reports/discovery-terminal.js';
import type { DiscoveryResult } from '../../../harness/discovery/discover.js';
import type { TargetInfo } from '../../../harness/targets/target.js';

const target: TargetInfo = {
  board: 'qemu-x86_64',
  transport: 'qemu',
  arch: 'x86_64',
  accel: { accel: 'tcg', reason: 'test' },
  hello: { agentVersion: '0.1.0', protocolVersion: 1, kernelRelease: '6.1.0-56-amd64', arch: 'x86_64', pageSize: 4096, node: 'v20.20.2' },
  timings: { agentReadyMs: 7000 },
};

const driver = (name: string, priority: number, module: string, extra: Partial<DiscoveryResult['algorithms'][number]['drivers'][number]> = {}) => ({
  driver: name,
  type: 'skcipher',
  priority,
  selftest: 'passed',
  module,
  async: true,
  internal: false,
  refcnt: 1,
  bind: 'ok',
  ...extra,
});

describe('reports/discovery-terminal', () => {
  it('marks the bound driver and keeps the columns aligned when an out-of-tree module name is long', () => {
    const result: DiscoveryResult = {
      procCryptoBefore: '',
      procCrypto: '',
      instantiation: [],
      timings: { discoveryMs: 1200 },
      algorithms: [
        {
          name: 'xts(aes)',
          afalgType: 'skcipher',
          inCatalog: true,
          bound: 'xts-aes-fixture-hang',
          proof: [{ driver: 'xts-aes-fixture-hang', name: 'xts(aes)', internal: false, delta: 1 }],
          drivers: [driver('xts-aes-fixture-hang', 1200, 'afalg_fixture_xts_hang'), driver('xts-aes-aesni', 401, 'aesni_intel'), driver('xts(ecb(aes-generic))', 100, 'xts', { async: false })],
        },
      ],
    };
    const text = renderDiscovery(target, result);
    const lines = text.split('\n');
    assert.ok(lines.includes('xts(aes)  [AF_ALG skcipher] → binds xts-aes-fixture-hang (refcnt +1 while held)'));
    const header = lines.find((line) => line.trimStart().startsWith('driver')) ?? '';
    const rows = lines.filter((line) => /^ {2}[* ] xts[-(]/.test(line));
    assert.equal(rows.length, 3);
    assert.ok(rows[0]?.startsWith('  * xts-aes-fixture-hang'));
    // every row's "async" column starts where the header's does
    const asyncColumn = header.indexOf('async');
    for (const row of rows) assert.match(row.slice(asyncColumn), /^(yes|no) /, row);
  });
});
