/** The words every comparison reporter puts in a cell: a driver or the generic name in one run. */
import type { DriverInRun, GenericInRun, VectorVerdict } from '../harness/results/run-comparison.js';
import { formatMb } from './format.js';

export const ABSENT = '—';

export function verdictWord(verdict: VectorVerdict, failed = 0): string {
  return verdict === 'fail' ? `fail (${failed})` : verdict;
}

/** `400 · pass · 1,234 MB/s`, `150 · fail (1) · selftest unknown`, or — when the driver is not in that kernel */
export function driverCellText(cell: DriverInRun | undefined): string {
  if (!cell) return ABSENT;
  return [String(cell.priority), verdictWord(cell.verdict, cell.failed), cell.selftest !== 'passed' ? `selftest ${cell.selftest}` : undefined, cell.mbPerSecond !== undefined ? `${formatMb(cell.mbPerSecond)} MB/s` : undefined]
    .filter((part) => part !== undefined)
    .join(' · ');
}

/** `→ cbc-aes-aesni · pass · 1,300 MB/s` */
export function genericCellText(cell: GenericInRun | undefined): string {
  if (!cell) return ABSENT;
  return [`→ ${cell.bound ?? 'unproved'}`, verdictWord(cell.verdict), cell.mbPerSecond !== undefined ? `${formatMb(cell.mbPerSecond)} MB/s` : undefined].filter((part) => part !== undefined).join(' · ');
}
