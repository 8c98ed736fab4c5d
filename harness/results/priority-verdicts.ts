/**
 * Priority-selection verdicts: does the kernel serve each generic name with the right driver?
 * For every algorithm, the driver the generic name bound (proved by discovery, or inferred from
 * priorities where AF_ALG cannot bind the type) against every candidate with its priority,
 * self-test, correctness (from the vector run) and speed (from the benchmark). Pure.
 *
 *   critical  the selected driver (or the generic name) fails vectors
 *   critical  a driver whose self-test failed or never ran outranks the selected one
 *   warning   a correct driver at least 1.2× faster at 4 KiB has a lower priority than the selected one,
 *             and the difference is larger than the measured noise (their 95 % intervals do not overlap)
 *   info      the same 1.2× but within the noise: inconclusive, measure again (--budget, --precision)
 *   info      an accelerator (async, from a module other than the core kernel) is not selected
 */
import { driverRecordOf, type DiscoveredAlgorithmSummary } from './run-record.js';
import { judge, ratioInterval, type Interval } from '../bench/bench-stats.js';

export type Severity = 'critical' | 'warning' | 'info';

export type VerdictRule =
  | 'selected-fails-vectors'
  | 'untested-driver-outranks-selected'
  | 'faster-driver-ranked-lower'
  | 'faster-driver-inconclusive'
  | 'accelerator-not-selected'
  | 'thin-coverage';

export interface PriorityVerdict {
  algorithm: string;
  severity: Severity;
  rule: VerdictRule;
  message: string;
  /** the drivers the verdict is about: the selected one first when it matters */
  drivers: string[];
}

export interface PriorityCandidate {
  driver: string;
  priority: number;
  selftest: string;
  module: string;
  async?: boolean;
  selected: boolean;
  /** true: passed every vector it ran; false: failed some; undefined: not run */
  correct?: boolean;
  failed?: number;
  /** an operation never returned (the watchdog cut it) */
  hung?: boolean;
  /** the kernel report that ended an operation at once (an oops, a BUG…) */
  fault?: string;
  /** MB/s at the reference size (4 KiB), agent copy path, encrypt or digest */
  mbPerSecond?: number;
  /** its 95 % interval (absent: no spread known, the figure is taken as exact) */
  mbLow?: number;
  mbHigh?: number;
  /** the speed was measured through the in-kernel executor (absent: through AF_ALG) */
  measuredInKernel?: boolean;
  accelerator: boolean;
}

export interface PriorityTable {
  algorithm: string;
  afalgType?: string;
  /** the driver the generic name is served by */
  selected?: string;
  /** proved: refcnt delta while a socket held the generic name; inferred: highest priority with a passed self-test */
  selectedHow?: 'proved' | 'inferred';
  /** the generic name's own vector result */
  genericCorrect?: boolean;
  genericMbPerSecond?: number;
  genericMbLow?: number;
  genericMbHigh?: number;
  /** every public driver, highest priority first */
  candidates: PriorityCandidate[];
  verdicts: PriorityVerdict[];
}

/** What the vector run and the benchmark say about one target (driver name or generic name). */
export interface TargetEvidence {
  /** passed every vector it ran (undefined: nothing ran) */
  correct?: boolean;
  failed?: number;
  /** an operation never returned */
  hung?: boolean;
  /** the kernel report that ended an operation at once */
  fault?: string;
  mbPerSecond?: number;
  mbLow?: number;
  mbHigh?: number;
  /** the speed was measured through the in-kernel executor (absent: through AF_ALG) */
  measuredInKernel?: boolean;
}

export const FASTER_FACTOR = 1.2;
export const REFERENCE_SIZE = 4096;

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/**
 * An accelerator: an async driver from a loadable module, neither a generic software twin nor a
 * template instance (`gcm_base(ctr(aes-aesni),ghash-clmulni)` is async because its parts are, and
 * its module is the template's).
 */
export function isAccelerator(driver: { driver: string; module: string; async?: boolean }): boolean {
  return driver.async === true && driver.module !== 'kernel' && !/generic/.test(driver.driver) && !driver.driver.includes('(');
}

const fmt = (mbPerSecond: number): string => `${mbPerSecond >= 100 ? mbPerSecond.toFixed(0) : mbPerSecond.toFixed(1)} MB/s`;

export function priorityTable(algorithm: DiscoveredAlgorithmSummary, evidence: (target: string) => TargetEvidence): PriorityTable {
  const publicDrivers = algorithm.drivers.filter((driver) => !driver.internal).sort((a, b) => b.priority - a.priority);
  let selected = algorithm.bound;
  let selectedHow: PriorityTable['selectedHow'] = selected !== undefined ? 'proved' : undefined;
  if (selected === undefined) {
    selected = publicDrivers.find((driver) => driver.selftest === 'passed')?.driver;
    if (selected !== undefined) selectedHow = 'inferred';
  }
  const candidates: PriorityCandidate[] = publicDrivers.map((driver) => {
    const found = evidence(driver.driver);
    return {
      ...driverRecordOf(driver),
      selected: driver.driver === selected,
      ...(found.correct !== undefined ? { correct: found.correct } : {}),
      ...(found.failed !== undefined ? { failed: found.failed } : {}),
      ...(found.hung ? { hung: true } : {}),
      ...(found.fault !== undefined ? { fault: found.fault } : {}),
      ...(found.mbPerSecond !== undefined ? { mbPerSecond: found.mbPerSecond } : {}),
      ...(found.mbLow !== undefined ? { mbLow: found.mbLow } : {}),
      ...(found.mbHigh !== undefined ? { mbHigh: found.mbHigh } : {}),
      ...(found.measuredInKernel ? { measuredInKernel: true } : {}),
      accelerator: isAccelerator(driver),
    };
  });
  const generic = evidence(algorithm.name);
  const table: PriorityTable = {
    algorithm: algorithm.name,
    ...(algorithm.afalgType !== undefined ? { afalgType: algorithm.afalgType } : {}),
    ...(selected !== undefined ? { selected, selectedHow } : {}),
    ...(generic.correct !== undefined ? { genericCorrect: generic.correct } : {}),
    ...(generic.mbPerSecond !== undefined ? { genericMbPerSecond: generic.mbPerSecond } : {}),
    ...(generic.mbLow !== undefined ? { genericMbLow: generic.mbLow } : {}),
    ...(generic.mbHigh !== undefined ? { genericMbHigh: generic.mbHigh } : {}),
    candidates,
    verdicts: [],
  };
  table.verdicts = verdictsOf(table);
  return table;
}

function verdictsOf(table: PriorityTable): PriorityVerdict[] {
  const { algorithm } = table;
  const verdicts: PriorityVerdict[] = [];
  const selected = table.candidates.find((candidate) => candidate.selected);
  const how = table.selectedHow === 'inferred' ? 'would select (inferred from priorities)' : 'selects';

  if (selected?.correct === false || table.genericCorrect === false) {
    const who = selected ? `${selected.driver} (priority ${selected.priority})` : 'its driver';
    const failures = selected?.correct === false ? `${selected.failed ?? 'some'} failed executions` : 'failures through the generic name';
    verdicts.push({
      algorithm,
      severity: 'critical',
      rule: 'selected-fails-vectors',
      message: selected?.fault !== undefined
        ? `the generic name ${algorithm} ${how} ${who}, which crashes in the kernel ("${selected.fault}"; ${failures}): a user of ${algorithm} loses its process, or the whole system`
        : selected?.hung
        ? `the generic name ${algorithm} ${how} ${who}, which hangs (an operation never completed; ${failures}): a user of ${algorithm} can wait forever`
        : `the generic name ${algorithm} ${how} ${who}, which fails vectors (${failures}): every user of ${algorithm} gets wrong results`,
      drivers: selected ? [selected.driver] : [],
    });
  }

  if (selected) {
    for (const candidate of table.candidates) {
      if (candidate.selected || candidate.selftest === 'passed' || candidate.priority <= selected.priority) continue;
      verdicts.push({
        algorithm,
        severity: 'critical',
        rule: 'untested-driver-outranks-selected',
        message: `${candidate.driver} (priority ${candidate.priority}, selftest: ${candidate.selftest}) outranks the selected ${selected.driver} (priority ${selected.priority}): the kernel's self-test rejected it or never ran, and it is one failed check away from serving ${algorithm}`,
        drivers: [candidate.driver, selected.driver],
      });
    }
  }

  const selectedSpeed = selected?.mbPerSecond !== undefined ? speedOf(selected) : speedOf({ mbPerSecond: table.genericMbPerSecond, mbLow: table.genericMbLow, mbHigh: table.genericMbHigh });
  if (selected && selectedSpeed !== undefined) verdicts.push(...fasterVerdicts(table, selected, selectedSpeed));

  for (const candidate of table.candidates) {
    if (candidate.selected || !candidate.accelerator) continue;
    const beaten = selected ? ` (${selected.driver} has priority ${selected.priority}, this one ${candidate.priority})` : '';
    verdicts.push({
      algorithm,
      severity: 'info',
      rule: 'accelerator-not-selected',
      message: `accelerator ${candidate.driver} from module ${candidate.module} is never selected for ${algorithm}${beaten}; it serves only callers that name it`,
      drivers: [candidate.driver],
    });
  }
  return verdicts.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

/** Counts per severity. */
export function countVerdicts(verdicts: readonly PriorityVerdict[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const verdict of verdicts) counts[verdict.severity]++;
  return counts;
}

/** A speed with its interval; without one the figure is taken as exact. */
function speedOf(figures: { mbPerSecond?: number | undefined; mbLow?: number | undefined; mbHigh?: number | undefined }): Interval | undefined {
  const value = figures.mbPerSecond;
  if (value === undefined) return undefined;
  return { value, low: Math.min(figures.mbLow ?? value, value), high: Math.max(figures.mbHigh ?? value, value) };
}

const rangeText = (speed: Interval): string => (speed.low < speed.high ? `${fmt(speed.value)}, ${fmt(speed.low)}–${fmt(speed.high)}` : fmt(speed.value));

/**
 * Correct drivers ranked below the selected one and at least FASTER_FACTOR faster: a warning when
 * the difference is larger than the noise (the slowest the candidate could be is still faster than
 * the fastest the selected one could be), else an inconclusive note. Speeds measured on different
 * paths (one through the in-kernel executor, the other through AF_ALG) are not alike: a note, never a warning.
 */
function fasterVerdicts(table: PriorityTable, selected: PriorityCandidate, selectedSpeed: Interval): PriorityVerdict[] {
  const verdicts: PriorityVerdict[] = [];
  for (const candidate of table.candidates) {
    const speed = speedOf(candidate);
    if (candidate.selected || candidate.correct !== true || speed === undefined || candidate.priority >= selected.priority) continue;
    const faster = ratioInterval(speed, selectedSpeed);
    if (faster === undefined || faster.value < FASTER_FACTOR) continue;
    const figures = `${faster.value.toFixed(2)}× faster at 4 KiB (${rangeText(speed)} vs ${rangeText(selectedSpeed)})`;
    const samePath = (candidate.measuredInKernel ?? false) === (selected.measuredInKernel ?? false);
    if (!samePath) {
      const paths = candidate.measuredInKernel ? 'it through the in-kernel executor, the selected one through AF_ALG' : 'it through AF_ALG, the selected one through the in-kernel executor';
      verdicts.push({
        algorithm: table.algorithm,
        severity: 'info',
        rule: 'faster-driver-inconclusive',
        message: `inconclusive: ${candidate.driver} (priority ${candidate.priority}) measured ${figures} than the selected ${selected.driver} (priority ${selected.priority}), but on another path (${paths}): the figures are not alike`,
        drivers: [candidate.driver, selected.driver],
      });
      continue;
    }
    const beyondNoise = judge(faster, 1) === 'above';
    verdicts.push({
      algorithm: table.algorithm,
      severity: beyondNoise ? 'warning' : 'info',
      rule: beyondNoise ? 'faster-driver-ranked-lower' : 'faster-driver-inconclusive',
      message: beyondNoise
        ? `${candidate.driver} (priority ${candidate.priority}) is correct and ${figures} than the selected ${selected.driver} (priority ${selected.priority})`
        : `inconclusive: ${candidate.driver} (priority ${candidate.priority}) measured ${figures} than the selected ${selected.driver} (priority ${selected.priority}), but within the measured noise (their 95 % intervals overlap); measure again with a larger --budget`,
      drivers: [candidate.driver, selected.driver],
    });
  }
  return verdicts;
}
