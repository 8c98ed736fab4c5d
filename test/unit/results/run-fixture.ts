/**
 * A realistic run for the results and report tests: cbc(aes) on an x86 VM with four public drivers
 * (AES-NI, the AES-NI template instance, virtio-crypto, generic C), two batches of a Wycheproof
 * file over two split strategies, one page-cross failure on virtio, acceptable cases, skipped
 * vectors, and (on request) an incident.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RESULTS_FILE, RUN_FILE, type CaseFailure, type ResultLine, type TallyLine } from '../../../harness/results/result-model.js';
import { type RunMeta } from '../../../harness/results/run-record.js';
import type { SplitStrategy } from '../../../harness/protocol/messages.js';

export const WYCHEPROOF = 'wycheproof/testvectors_v1/aes_cbc_pkcs5_test.json';
export const NIST = 'nist/aesmmt/CBCMMT128.rsp';
export const ALGORITHM = 'cbc(aes)';
export const TARGETS = ['cbc(aes)', 'cbc-aes-aesni', 'cbc(aes-aesni)', 'virtio_crypto_aes_cbc', 'cbc(aes-generic)'] as const;

export function fixtureMeta(overrides: Partial<RunMeta> = {}): RunMeta {
  return {
    harnessVersion: '0.1.0',
    runId: '2025-03-14T09-26-53Z-qemu-x86_64',
    startedAt: '2025-03-14T09:26:53.000Z',
    finishedAt: '2025-03-14T09:31:12.500Z',
    complete: true,
    board: { name: 'qemu-x86_64', transport: 'qemu', arch: 'x86_64', file: '/work/main/boards/qemu-x86_64.json' },
    target: { kernelRelease: '6.8.0-51-generic', arch: 'x86_64', accel: 'kvm', accelReason: '/dev/kvm is usable', agentVersion: '0.1.0', node: 'v20.19.0' },
    procCrypto: 'name         : cbc(aes)\ndriver       : cbc-aes-aesni\n',
    discovery: [
      {
        name: 'cbc(aes)',
        afalgType: 'skcipher',
        bound: 'cbc-aes-aesni',
        drivers: [
          { driver: 'cbc-aes-aesni', priority: 400, selftest: 'passed', module: 'aesni_intel', internal: false, bind: 'ok' },
          { driver: '__cbc-aes-aesni', priority: 400, selftest: 'passed', module: 'aesni_intel', internal: true },
          { driver: 'cbc(aes-aesni)', priority: 300, selftest: 'passed', module: 'kernel', internal: false, bind: 'ok' },
          { driver: 'virtio_crypto_aes_cbc', priority: 150, selftest: 'passed', module: 'virtio_crypto', internal: false, bind: 'ok' },
          { driver: 'cbc(aes-generic)', priority: 100, selftest: 'passed', module: 'kernel', internal: false, bind: 'ok' },
        ],
      },
    ],
    vectors: { dir: '/home/user/.cache/afalg-harness/vectors', sources: [{ family: 'wycheproof', origin: 'https://github.com/C2SP/wycheproof', commit: 'b063b4aedae951c69df014cd25fa6d69ae9e8cb9' }] },
    settings: {
      board: '/work/boards/qemu-x86_64.json',
      vectorsDir: '/home/user/.cache/afalg-harness/vectors',
      strategies: ['oneshot', 'page-cross'],
      differential: 0,
      seed: '5eed',
      mctCheckpoints: 10,
      hangSec: 20,
      fixtures: [],
      loadModules: [],
    },
    planned: { batches: 2, executions: 1656 },
    ...overrides,
  };
}

/** 80 bytes of plaintext, and what virtio returned instead on page-cross (last block wrong). */
export const EXPECTED_HEX = '00112233445566778899aabbccddeeff'.repeat(5);
export const GOT_HEX = '00112233445566778899aabbccddeeff'.repeat(4) + 'deadbeefdeadbeefdeadbeefdeadbeef';

export const VIRTIO_FAILURE: CaseFailure = {
  source: WYCHEPROOF,
  case: 'tcId 117',
  strategy: 'page-cross',
  status: 'fail',
  expectation: 'valid',
  op: 'decrypt',
  expected: EXPECTED_HEX,
  got: GOT_HEX,
  comment: 'long message',
};

function tally(target: string, strategy: SplitStrategy, passed: number, extra: Partial<TallyLine> = {}): TallyLine {
  const generic = target === ALGORITHM;
  return {
    kind: 'tally',
    algorithm: ALGORITHM,
    target,
    generic,
    ...(generic ? { boundDriver: 'cbc-aes-aesni' } : {}),
    source: WYCHEPROOF,
    strategy,
    passed,
    failed: 0,
    acceptable: 0,
    failures: [],
    ...extra,
  };
}

/**
 * Batch 1: tcId 1..100 pass everywhere. Batch 2: tcId 101..180, two acceptable cases (tcId 150
 * and 151), and virtio fails tcId 117 on page-cross. Per target and strategy: 100 + 78 passed
 * (virtio page-cross: 177), 2 acceptable. Then 3 skipped vectors and, for the NIST file, nothing
 * ran yet.
 */
export function fixtureLines(): ResultLine[] {
  const lines: ResultLine[] = [
    { kind: 'skip', algorithm: ALGORITHM, source: WYCHEPROOF, reason: 'IV is not 16 bytes: AF_ALG takes the algorithm IV size only', count: 3, cases: ['tcId 181', 'tcId 182', 'tcId 183'] },
  ];
  const strategies: SplitStrategy[] = ['oneshot', 'page-cross'];
  for (const target of TARGETS) for (const strategy of strategies) lines.push(tally(target, strategy, 100));
  for (const target of TARGETS) {
    for (const strategy of strategies) {
      const failing = target === 'virtio_crypto_aes_cbc' && strategy === 'page-cross';
      lines.push(
        tally(target, strategy, failing ? 77 : 78, {
          failed: failing ? 1 : 0,
          failures: failing ? [VIRTIO_FAILURE] : [],
          acceptable: 2,
          acceptables: [
            { source: WYCHEPROOF, case: 'tcId 150', strategy, outcome: 'rejected', error: 'EINVAL' },
            { source: WYCHEPROOF, case: 'tcId 151', strategy, outcome: 'accepted' },
          ],
        }),
      );
    }
  }
  return lines;
}

export const INCIDENT: ResultLine = { kind: 'incident', algorithm: ALGORITHM, source: NIST, message: 'agent: request timed out after 30 s' };

/** A run directory as the writer leaves it; `tail` is appended raw to results.jsonl. */
export function writeRun(dir: string, meta: RunMeta, lines: readonly ResultLine[], tail = ''): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, RUN_FILE), JSON.stringify(meta, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, RESULTS_FILE), lines.map((line) => JSON.stringify(line) + '\n').join('') + tail);
  return dir;
}
