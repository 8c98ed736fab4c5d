/** Runs and specs the drivers-spec tests evaluate: the vector fixture, and a run shaped like the QEMU x86_64 board. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../harness/core/paths.js';
import type { BenchLine, ResultLine, TallyLine } from '../../../harness/results/result-model.js';
import type { DiscoveredAlgorithmSummary, RunMeta } from '../../../harness/results/run-record.js';
import { summarize, type RunSummary } from '../../../harness/results/summary.js';
import { evaluateSpec } from '../../../harness/spec/evaluate-spec.js';
import type { DriversSpec, Requirement, RequirementResult, StoredSpec } from '../../../harness/spec/spec-model.js';
import { SHA256_DISCOVERY } from '../reports/fixture-bench.js';
import { fixtureLines, fixtureMeta } from '../results/run-fixture.js';

export const SHIPPED = path.join(projectRoot, 'drivers-spec', 'qemu-x86_64.json');
export const FAILING = path.join(projectRoot, 'test', 'fixtures', 'specs', 'qemu-x86_64-fails.json');

/** A spec of one requirement, evaluated. */
export function one(requirement: Requirement, summary: RunSummary, meta: RunMeta): RequirementResult {
  const spec: DriversSpec = { name: 'test', requirements: [requirement], file: '/specs/test.json' };
  const verdict = evaluateSpec(spec, summary, meta);
  assert.equal(verdict.results.length, 1);
  assert.equal(verdict.met + verdict.unmet, 1);
  return verdict.results[0] as RequirementResult;
}

/** The vector fixture: cbc(aes) served by cbc-aes-aesni, virtio_crypto_aes_cbc fails one page-cross case. */
export function vectorRun(): { meta: RunMeta; summary: RunSummary } {
  const meta = fixtureMeta();
  return { meta, summary: summarize(meta, fixtureLines()) };
}

export function withSpec(meta: RunMeta, file: string, content: unknown = JSON.parse(fs.readFileSync(file, 'utf8'))): RunMeta {
  return { ...meta, spec: { file, content } } as RunMeta & { spec: StoredSpec };
}

// ---------------------------------------------------------------------------------------------
// a run shaped like the QEMU x86_64 board (Debian 6.1 under TCG, virtio-crypto attached)

export const driver = (name: string, priority: number, module: string, extra: Partial<DiscoveredAlgorithmSummary['drivers'][number]> = {}): DiscoveredAlgorithmSummary['drivers'][number] => ({
  driver: name,
  priority,
  selftest: 'passed',
  module,
  internal: false,
  bind: 'ok',
  ...extra,
});

/** A driver of a type AF_ALG cannot bind (cipher, akcipher), or an internal one: no bind result. */
export const unbound = (name: string, priority: number, module: string, selftest = 'passed'): DiscoveredAlgorithmSummary['drivers'][number] => ({ driver: name, priority, selftest, module, internal: false });

export const BOARD_DISCOVERY: DiscoveredAlgorithmSummary[] = [
  {
    name: 'aes',
    drivers: [unbound('aes-aesni', 300, 'aesni_intel'), unbound('aes-generic', 100, 'kernel')],
  },
  {
    name: 'cbc(aes)',
    afalgType: 'skcipher',
    bound: 'cbc-aes-aesni',
    drivers: [
      driver('cbc-aes-aesni', 400, 'aesni_intel', { async: true }),
      { ...unbound('__cbc-aes-aesni', 400, 'aesni_intel'), internal: true, async: false },
      driver('cbc(aes-aesni)', 300, 'kernel', { async: false }),
      driver('virtio_crypto_aes_cbc', 150, 'virtio_crypto', { async: true }),
      driver('cbc(aes-generic)', 100, 'kernel', { async: false }),
    ],
  },
  {
    name: 'cts(cbc(aes))',
    afalgType: 'skcipher',
    bound: 'cts-cbc-aes-aesni',
    drivers: [driver('cts-cbc-aes-aesni', 400, 'aesni_intel', { async: true }), driver('cts(virtio_crypto_aes_cbc)', 150, 'cts', { async: true })],
  },
  {
    name: 'gcm(aes)',
    afalgType: 'aead',
    bound: 'generic-gcm-aesni',
    drivers: [
      driver('generic-gcm-aesni', 400, 'aesni_intel', { async: true }),
      driver('gcm_base(ctr(aes-aesni),ghash-clmulni)', 350, 'gcm', { async: false }),
      driver('gcm_base(ctr(aes-generic),ghash-generic)', 100, 'gcm', { async: false }),
    ],
  },
  {
    name: 'rsa',
    drivers: [unbound('virtio-crypto-rsa', 150, 'virtio_crypto', 'unknown'), unbound('rsa-generic', 100, 'kernel')],
  },
  SHA256_DISCOVERY,
  {
    name: 'xctr(aes)',
    afalgType: 'skcipher',
    bound: 'xctr-aes-aesni',
    drivers: [driver('xctr-aes-aesni', 400, 'aesni_intel', { async: true })],
  },
  {
    name: 'xts(aes)',
    afalgType: 'skcipher',
    bound: 'xts-aes-aesni',
    drivers: [driver('xts-aes-aesni', 401, 'aesni_intel', { async: true }), driver('xts(ecb(aes-generic))', 100, 'xts', { async: false })],
  },
];

/** Every vector passes on every target of cbc(aes), gcm(aes), sha256 and xts(aes). */
export function boardLines(): ResultLine[] {
  const lines: ResultLine[] = [];
  for (const algorithm of BOARD_DISCOVERY) {
    if (!['cbc(aes)', 'gcm(aes)', 'sha256', 'xts(aes)'].includes(algorithm.name)) continue;
    const targets = [algorithm.name, ...algorithm.drivers.filter((d) => !d.internal).map((d) => d.driver)];
    for (const target of targets) {
      const generic = target === algorithm.name;
      const line: TallyLine = {
        kind: 'tally',
        algorithm: algorithm.name,
        target,
        generic,
        ...(generic && algorithm.bound ? { boundDriver: algorithm.bound } : {}),
        source: `wycheproof/${algorithm.name}.json`,
        strategy: 'oneshot',
        passed: 120,
        failed: 0,
        acceptable: 0,
        failures: [],
      };
      lines.push(line);
    }
  }
  // about 30 MB/s at 4 KiB through the generic name under TCG
  const bench: BenchLine = {
    kind: 'bench',
    algorithm: 'cbc(aes)',
    target: 'cbc(aes)',
    generic: true,
    boundDriver: 'cbc-aes-aesni',
    op: 'encrypt',
    path: 'copy',
    engine: 'agent',
    keyBytes: 16,
    points: [
      { size: 64, repetitions: [1, 2, 3].map(() => ({ ops: 120000, ns: 1e9 })) },
      { size: 4096, repetitions: [7300, 7324, 7350].map((ops) => ({ ops, ns: 1e9 })) },
    ],
  };
  lines.push(bench);
  return lines;
}

export function boardRun(): { meta: RunMeta; summary: RunSummary } {
  const meta = fixtureMeta({
    target: { kernelRelease: '6.1.0-28-amd64', arch: 'x86_64', accel: 'tcg', accelReason: 'no /dev/kvm', agentVersion: '0.1.0', node: 'v20.19.0' },
    discovery: BOARD_DISCOVERY,
    settings: {
      ...fixtureMeta().settings,
      strategies: ['oneshot'],
      bench: { sizes: [64, 4096], seconds: 1, repetitions: 3, paths: ['copy'], cReference: false },
    },
  });
  return { meta, summary: summarize(meta, boardLines()) };
}
