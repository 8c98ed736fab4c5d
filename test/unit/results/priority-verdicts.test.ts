import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { priorityTable, isAccelerator, type TargetEvidence } from '../../../harness/results/priority-verdicts.js';
import type { DiscoveredAlgorithmSummary, DiscoveredDriverSummary } from '../../../harness/results/run-record.js';
import { parseProcCrypto } from '../../../harness/protocol/proc-crypto.js';
import { groupByName } from '../../../harness/discovery/discover.js';
import { projectRoot } from '../../../harness/core/paths.js';

const driver = (name: string, priority: number, extra: Partial<DiscoveredDriverSummary> = {}): DiscoveredDriverSummary => ({
  driver: name,
  priority,
  selftest: 'passed',
  module: 'kernel',
  internal: false,
  bind: 'ok',
  ...extra,
});

const CBC: DiscoveredAlgorithmSummary = {
  name: 'cbc(aes)',
  afalgType: 'skcipher',
  bound: 'cbc-aes-aesni',
  drivers: [
    driver('cbc-aes-aesni', 400, { module: 'aesni_intel', async: true }),
    driver('__cbc-aes-aesni', 400, { module: 'aesni_intel', internal: true }),
    driver('cbc(aes-aesni)', 300, { async: false }),
    driver('virtio_crypto_aes_cbc', 150, { module: 'virtio_crypto', async: true }),
    driver('cbc(aes-generic)', 100, { async: false }),
  ],
};

type Evidence = Record<string, TargetEvidence>;
const fromTable = (evidence: Evidence) => (target: string): TargetEvidence => evidence[target] ?? {};
const allCorrect: Evidence = {
  'cbc(aes)': { correct: true, failed: 0, mbPerSecond: 40 },
  'cbc-aes-aesni': { correct: true, failed: 0, mbPerSecond: 40 },
  'cbc(aes-aesni)': { correct: true, failed: 0, mbPerSecond: 25 },
  virtio_crypto_aes_cbc: { correct: true, failed: 0, mbPerSecond: 1 },
  'cbc(aes-generic)': { correct: true, failed: 0, mbPerSecond: 24 },
};

/** The rsa entries of the qemu-x86_64 guest's real /proc/crypto (Debian 6.1, virtio-crypto loaded). */
function rsaFromRealProcCrypto(): DiscoveredAlgorithmSummary {
  const text = fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'proc-crypto', 'qemu-x86_64-6.1-boot.txt'), 'utf8');
  const entries = groupByName(parseProcCrypto(text)).get('rsa') ?? [];
  return {
    name: 'rsa',
    drivers: entries.map((entry) => ({ driver: entry.driver, priority: entry.priority, selftest: entry.selftest, module: entry.module, internal: entry.internal })),
  };
}

interface Row {
  title: string;
  algorithm: DiscoveredAlgorithmSummary;
  evidence: Evidence;
  expect: Array<[severity: string, rule: string, drivers: string[]]>;
}

const rows: Row[] = [
  {
    title: 'all correct, the fastest selected: only the unselected accelerator is noted',
    algorithm: CBC,
    evidence: allCorrect,
    expect: [['info', 'accelerator-not-selected', ['virtio_crypto_aes_cbc']]],
  },
  {
    title: 'the selected driver fails vectors: critical',
    algorithm: CBC,
    evidence: { ...allCorrect, 'cbc-aes-aesni': { correct: false, failed: 3, mbPerSecond: 40 } },
    expect: [
      ['critical', 'selected-fails-vectors', ['cbc-aes-aesni']],
      ['info', 'accelerator-not-selected', ['virtio_crypto_aes_cbc']],
    ],
  },
  {
    title: 'the generic name fails though the driver row passes: still critical',
    algorithm: CBC,
    evidence: { ...allCorrect, 'cbc(aes)': { correct: false, failed: 1 } },
    expect: [
      ['critical', 'selected-fails-vectors', ['cbc-aes-aesni']],
      ['info', 'accelerator-not-selected', ['virtio_crypto_aes_cbc']],
    ],
  },
  {
    title: 'a correct driver 1.2× faster at 4 KiB ranks lower: warning',
    algorithm: CBC,
    evidence: { ...allCorrect, virtio_crypto_aes_cbc: { correct: true, failed: 0, mbPerSecond: 48 } },
    expect: [
      ['warning', 'faster-driver-ranked-lower', ['virtio_crypto_aes_cbc', 'cbc-aes-aesni']],
      ['info', 'accelerator-not-selected', ['virtio_crypto_aes_cbc']],
    ],
  },
  {
    title: '1.2× faster beyond the noise (the 95 % intervals do not overlap): still a warning',
    algorithm: CBC,
    evidence: {
      ...allCorrect,
      'cbc-aes-aesni': { correct: true, failed: 0, mbPerSecond: 40, mbLow: 38, mbHigh: 42 },
      virtio_crypto_aes_cbc: { correct: true, failed: 0, mbPerSecond: 50, mbLow: 47, mbHigh: 53 },
    },
    expect: [
      ['warning', 'faster-driver-ranked-lower', ['virtio_crypto_aes_cbc', 'cbc-aes-aesni']],
      ['info', 'accelerator-not-selected', ['virtio_crypto_aes_cbc']],
    ],
  },
  {
    title: 'faster beyond the noise, but measured through the in-kernel executor against AF_ALG: a note, no warning',
    algorithm: CBC,
    evidence: {
      ...allCorrect,
      'cbc-aes-aesni': { correct: true, failed: 0, mbPerSecond: 40, mbLow: 38, mbHigh: 42 },
      virtio_crypto_aes_cbc: { correct: true, failed: 0, mbPerSecond: 50, mbLow: 47, mbHigh: 53, measuredInKernel: true },
    },
    expect: [
      ['info', 'faster-driver-inconclusive', ['virtio_crypto_aes_cbc', 'cbc-aes-aesni']],
      ['info', 'accelerator-not-selected', ['virtio_crypto_aes_cbc']],
    ],
  },
  {
    title: '1.25× faster but within the noise (the intervals overlap): an inconclusive note, no warning',
    algorithm: CBC,
    evidence: {
      ...allCorrect,
      'cbc-aes-aesni': { correct: true, failed: 0, mbPerSecond: 40, mbLow: 30, mbHigh: 46 },
      virtio_crypto_aes_cbc: { correct: true, failed: 0, mbPerSecond: 50, mbLow: 44, mbHigh: 56 },
    },
    expect: [
      ['info', 'faster-driver-inconclusive', ['virtio_crypto_aes_cbc', 'cbc-aes-aesni']],
      ['info', 'accelerator-not-selected', ['virtio_crypto_aes_cbc']],
    ],
  },
  {
    title: 'just under 1.2× is no warning; a faster but failing driver is no warning either',
    algorithm: CBC,
    evidence: { ...allCorrect, virtio_crypto_aes_cbc: { correct: true, failed: 0, mbPerSecond: 47.9 }, 'cbc(aes-generic)': { correct: false, failed: 1, mbPerSecond: 400 } },
    expect: [['info', 'accelerator-not-selected', ['virtio_crypto_aes_cbc']]],
  },
  {
    title: 'without speed figures there is no speed verdict',
    algorithm: CBC,
    evidence: { 'cbc-aes-aesni': { correct: true, failed: 0 }, virtio_crypto_aes_cbc: { correct: true, failed: 0 } },
    expect: [['info', 'accelerator-not-selected', ['virtio_crypto_aes_cbc']]],
  },
  {
    title: 'a driver whose self-test failed outranks the selected one: critical',
    algorithm: {
      ...CBC,
      bound: 'cbc-aes-aesni',
      drivers: [driver('cbc-aes-broken', 500, { selftest: 'unknown', module: 'broken', async: true, bind: 'ELIBBAD' }), ...CBC.drivers],
    },
    evidence: allCorrect,
    expect: [
      ['critical', 'untested-driver-outranks-selected', ['cbc-aes-broken', 'cbc-aes-aesni']],
      ['info', 'accelerator-not-selected', ['cbc-aes-broken']],
      ['info', 'accelerator-not-selected', ['virtio_crypto_aes_cbc']],
    ],
  },
  {
    title: 'rsa on the qemu-x86_64 guest: virtio-crypto-rsa (selftest unknown, priority 150) outranks rsa-generic (100), which the kernel selects',
    algorithm: rsaFromRealProcCrypto(),
    evidence: {},
    expect: [['critical', 'untested-driver-outranks-selected', ['virtio-crypto-rsa', 'rsa-generic']]],
  },
];

describe('results/priority-verdicts', () => {
  for (const row of rows) {
    it(row.title, () => {
      const table = priorityTable(row.algorithm, fromTable(row.evidence));
      assert.deepEqual(
        table.verdicts.map((verdict) => [verdict.severity, verdict.rule, verdict.drivers]),
        row.expect,
      );
      for (const verdict of table.verdicts) assert.ok(verdict.message.length > 20 && verdict.message.includes(verdict.drivers[0] ?? ''), verdict.message);
      if (row.title.includes('in-kernel executor')) assert.match(table.verdicts[0]?.message ?? '', /on another path \(it through the in-kernel executor, the selected one through AF_ALG\)/);
    });
  }

  it('rsa: the selection is inferred (AF_ALG cannot bind akcipher), the message says why the hazard matters', () => {
    const table = priorityTable(rsaFromRealProcCrypto(), () => ({}));
    assert.equal(table.selected, 'rsa-generic');
    assert.equal(table.selectedHow, 'inferred');
    assert.deepEqual(
      table.candidates.map((candidate) => [candidate.driver, candidate.priority, candidate.selftest, candidate.selected]),
      [
        ['virtio-crypto-rsa', 150, 'unknown', false],
        ['rsa-generic', 100, 'passed', true],
      ],
    );
    assert.match(table.verdicts[0]?.message ?? '', /virtio-crypto-rsa \(priority 150, selftest: unknown\) outranks the selected rsa-generic \(priority 100\)/);
  });

  it('candidates: public drivers only, highest priority first, with their evidence; the proved binding is kept', () => {
    const table = priorityTable(CBC, fromTable(allCorrect));
    assert.equal(table.selectedHow, 'proved');
    assert.deepEqual(
      table.candidates.map((candidate) => [candidate.driver, candidate.selected, candidate.mbPerSecond, candidate.accelerator]),
      [
        ['cbc-aes-aesni', true, 40, true],
        ['cbc(aes-aesni)', false, 25, false],
        ['virtio_crypto_aes_cbc', false, 1, true],
        ['cbc(aes-generic)', false, 24, false],
      ],
    );
    assert.equal(table.genericMbPerSecond, 40);
  });

  it('an accelerator is async and from a module, never a generic twin', () => {
    assert.equal(isAccelerator({ driver: 'virtio_crypto_aes_cbc', module: 'virtio_crypto', async: true }), true);
    assert.equal(isAccelerator({ driver: 'cbc(aes-generic)', module: 'kernel', async: false }), false);
    assert.equal(isAccelerator({ driver: 'sha256-generic', module: 'sha256_generic', async: true }), false);
    assert.equal(isAccelerator({ driver: 'cbc(aes-aesni)', module: 'kernel', async: true }), false);
    assert.equal(isAccelerator({ driver: 'gcm_base(ctr(aes-aesni),ghash-clmulni)', module: 'gcm', async: true }), false);
    assert.equal(isAccelerator({ driver: 'rfc4106-gcm-aesni', module: 'aesni_intel', async: true }), true);
  });
});
