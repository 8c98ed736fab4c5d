/** The words every comparison reporter puts in a cell: a driver or the generic name in one run. */
import { reachText, type DriverInRun, type GenericInRun, type VectorVerdict } from '../harness/results/run-comparison.js';
import { formatMb } from './format.js';

export const ABSENT = '—';

export function verdictWord(verdict: VectorVerdict, failed = 0): string {
  return verdict === 'fail' ? `fail (${failed})` : verdict;
}

/** The verdict word, left out of the cells of an algorithm no run tested (every one would say 'not run'). */
function testedWord(verdict: VectorVerdict, failed: number, tested: boolean): string | undefined {
  return !tested && verdict === 'not run' ? undefined : verdictWord(verdict, failed);
}

/**
 * `400 · pass · 1,234 MB/s`, `150 · fail (1) · selftest unknown`, `150 · unreachable (async)` (AF_ALG
 * cannot reach it on that kernel: the run could not test it), or — when the driver is not in that
 * kernel. `tested`: whether any run tested the algorithm (else no verdict word).
 */
export function driverCellText(cell: DriverInRun | undefined, tested = true): string {
  if (!cell) return ABSENT;
  const outcome = cell.unreachable && cell.verdict === 'not run' ? reachText(cell.unreachable) : testedWord(cell.verdict, cell.failed, tested);
  return [String(cell.priority), outcome, cell.selftest !== 'passed' ? `selftest ${cell.selftest}` : undefined, cell.mbPerSecond !== undefined ? `${formatMb(cell.mbPerSecond)} MB/s` : undefined]
    .filter((part) => part !== undefined)
    .join(' · ');
}

/** `→ cbc-aes-aesni · pass · 1,300 MB/s` */
export function genericCellText(cell: GenericInRun | undefined, tested = true): string {
  if (!cell) return ABSENT;
  return [`→ ${cell.bound ?? 'unproved'}`, testedWord(cell.verdict, 0, tested), cell.mbPerSecond !== undefined ? `${formatMb(cell.mbPerSecond)} MB/s` : undefined].filter((part) => part !== undefined).join(' · ');
}
