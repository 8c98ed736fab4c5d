/**
 * Two runs of the same board on two kernels, for the comparison tests: [1] the bench fixture (its
 * kernel 6.8: cbc(aes) bound to cbc-aes-aesni, virtio-crypto failing one page-cross case); [2] on 6.12,
 * where a VAES driver appeared at priority 600 and took the generic name, virtio-crypto is gone,
 * the AES-NI template instance dropped from 300 to 200, and the generic C driver fails a case and
 * runs at half its speed. sha256 is the same in both.
 */
import type { ResultLine } from '../../../harness/results/result-model.js';
import type { DiscoveredAlgorithmSummary, RunMeta } from '../../../harness/results/run-record.js';
import { benchMeta, benchRunLines } from '../reports/fixture-bench.js';
import { VIRTIO_FAILURE, writeRun } from './run-fixture.js';

export const VAES = 'cbc-aes-vaes-avx2';
export const VIRTIO = 'virtio_crypto_aes_cbc';
export const GENERIC_C = 'cbc(aes-generic)';

export function kernel61(): { meta: RunMeta; lines: ResultLine[] } {
  return { meta: benchMeta(), lines: benchRunLines() };
}

function discovery612(discovery: DiscoveredAlgorithmSummary[]): DiscoveredAlgorithmSummary[] {
  return discovery.map((algorithm) => {
    if (algorithm.name !== 'cbc(aes)') return algorithm;
    const drivers = algorithm.drivers
      .filter((driver) => driver.driver !== VIRTIO)
      .map((driver) => (driver.driver === 'cbc(aes-aesni)' ? { ...driver, priority: 200 } : driver));
    return { ...algorithm, bound: VAES, drivers: [{ driver: VAES, priority: 600, selftest: 'passed', module: 'aesni_intel', internal: false, bind: 'ok', async: true }, ...drivers] };
  });
}

function lines612(lines: ResultLine[]): ResultLine[] {
  let failedOnce = false;
  return lines
    .filter((line) => !('target' in line) || line.target !== VIRTIO)
    .map((line) => {
      if (line.kind === 'bench' && line.target === GENERIC_C) {
        return { ...line, points: line.points.map((point) => ({ ...point, repetitions: point.repetitions.map((rep) => ({ ...rep, ns: rep.ns * 2 })) })) };
      }
      if (line.kind === 'tally' && line.target === GENERIC_C && !failedOnce) {
        failedOnce = true;
        return { ...line, passed: line.passed - 1, failed: 1, failures: [{ ...VIRTIO_FAILURE, strategy: line.strategy }] };
      }
      if (line.kind === 'tally' && line.generic) return { ...line, boundDriver: VAES };
      return line;
    });
}

export function kernel612(): { meta: RunMeta; lines: ResultLine[] } {
  const base = benchMeta();
  const meta = benchMeta({
    runId: '2025-03-15T10-00-00Z-qemu-x86_64',
    target: { ...base.target, kernelRelease: '6.12.38+deb13-amd64' },
    discovery: discovery612(base.discovery),
  });
  return { meta, lines: lines612(benchRunLines()) };
}

/**
 * [1] on a 7.2 kernel, where AF_ALG no longer reaches the asynchronous virtio-crypto driver: it is
 * listed with its reason and has no results (everything else as in [1]).
 */
export function kernel72(): { meta: RunMeta; lines: ResultLine[] } {
  const base = benchMeta();
  const discovery = base.discovery.map((algorithm) => ({
    ...algorithm,
    drivers: algorithm.drivers.map((driver) => (driver.driver === VIRTIO ? { ...driver, afalgReach: { reason: 'async' as const, detail: 'asynchronous (CRYPTO_ALG_ASYNC)' } } : driver)),
  }));
  const meta = benchMeta({ runId: '2025-03-16T10-00-00Z-qemu-x86_64', target: { ...base.target, kernelRelease: '7.2.13+deb14-amd64' }, discovery });
  return { meta, lines: benchRunLines().filter((line) => !('target' in line) || line.target !== VIRTIO) };
}

/** Both runs written as run directories under `root`. */
export function writeKernelRuns(root: string): [string, string] {
  const a = kernel61();
  const b = kernel612();
  return [writeRun(`${root}/run-6.1`, a.meta, a.lines), writeRun(`${root}/run-6.12`, b.meta, b.lines)];
}
