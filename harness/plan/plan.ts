/**
 * Planning: discovery × catalog × vectors → batches of cases for the agent. Pure: vector loading
 * and differential generation come in as functions, so the planner is tested without files or kernel.
 */
import type { AfAlgType, SplitStrategy } from '../protocol/messages.js';
import { DEFAULT_MAX_PAYLOAD } from '../protocol/constants.js';
import type { DiscoveredAlgorithm } from '../discovery/discover.js';
import type { CatalogAlgorithm } from '../../vectors/catalog.js';
import type { AlgorithmVectors, VectorCase } from '../../vectors/vector-case.js';
import { BOUNDARY_DIFFERENTIAL_SOURCE, BOUNDARY_SOURCE, type BoundarySet } from '../../vectors/boundary/boundary.js';
import type { ResultLine } from '../results/result-model.js';
import { matchesAny } from './name-pattern.js';
import { formatSize } from '../core/units.js';


/**
 * Strategies that mean something for an algorithm: a hash has no output buffer to share, only a
 * mode that hands back its IV (catalog `chainsIv`) can continue a message in a second request, and
 * a `concurrent` decoy is a cipher request (another IV, another text): skciphers and AEADs.
 */
export function strategiesFor(algorithm: Pick<CatalogAlgorithm, 'type' | 'chainsIv'>, wanted: readonly SplitStrategy[]): SplitStrategy[] {
  return wanted.filter(
    (strategy) =>
      !(algorithm.type === 'hash' && strategy === 'inplace') &&
      (strategy !== 'chained' || algorithm.chainsIv === true) &&
      (strategy !== 'concurrent' || algorithm.type === 'skcipher' || algorithm.type === 'aead'),
  );
}

export interface PlannedTarget {
  /** the name bound with AF_ALG: a unique driver name, or the generic name */
  name: string;
  generic: boolean;
  /** generic targets: the driver discovery proved the generic name binds */
  boundDriver?: string;
  priority?: number;
  /** served by the in-kernel executor (absent: AF_ALG) */
  executor?: 'kernel';
}

/**
 * Which executor serves the drivers: AF_ALG only, the in-kernel executor for every driver it can
 * run, or auto: the in-kernel executor where this kernel's AF_ALG cannot reach the driver.
 */
export type ExecutorChoice = 'afalg' | 'kernel' | 'auto';
export const EXECUTOR_CHOICES: readonly ExecutorChoice[] = ['afalg', 'kernel', 'auto'];
/** AF_ALG socket types the in-kernel executor runs (rng: agent requests only, the plan has no rng vectors). */
export const KERNEL_EXECUTOR_TYPES: ReadonlySet<string> = new Set(['skcipher', 'aead', 'hash', 'rng']);

export interface PlannedBatch {
  /**
   * stable across re-plans of the same run (same vectors, discovery and limits): what a resumed run
   * matches against the batches results.jsonl says are done
   */
  id: string;
  algorithm: string;
  type: AfAlgType;
  source: string;
  /** in request order; differential batches put the reference first */
  targets: PlannedTarget[];
  strategies: SplitStrategy[];
  cases: VectorCase[];
  differential: boolean;
  /** case × target × strategy executions the batch asks for */
  executions: number;
}

export interface RunPlan {
  /** catalog algorithms that will run, in order */
  algorithms: string[];
  /** catalog algorithms asked for that the target does not offer */
  absent: string[];
  batches: PlannedBatch[];
  /** lines to record before anything runs: skipped vectors, unusable files, unbindable drivers */
  notes: ResultLine[];
  executions: number;
}

export interface PlanOptions {
  catalog: readonly CatalogAlgorithm[];
  algPatterns?: string[];
  driverPatterns?: string[];
  strategies: SplitStrategy[];
  /** vectors of one algorithm; undefined when the harness has none for it */
  vectorsOf(algorithm: string): AlgorithmVectors | undefined;
  /** differential: random cases per algorithm (0: none) */
  differential: number;
  differentialOf?(algorithm: CatalogAlgorithm, count: number): VectorCase[];
  /**
   * generated boundary cases of an algorithm (vectors/boundary): the ones with an expectation run
   * on every target (source `boundary`), the others against the software reference like
   * differential cases (source `boundary-differential`)
   */
  boundaryOf?(algorithm: CatalogAlgorithm): BoundarySet;
  /**
   * at most this many cases per vector file, spread evenly over it with every expectation (valid,
   * invalid, acceptable) kept: a quick pass that still runs every driver of every algorithm
   */
  sample?: number;
  /** --case: only the cases whose ids match (vector, boundary and differential cases alike) */
  casePatterns?: string[];
  /** request limits: executions and payload bytes per matrix request */
  maxExecutions?: number;
  maxPayloadBytes?: number;
  /** default afalg */
  executor?: ExecutorChoice;
}

const DEFAULT_MAX_EXECUTIONS = 6000;

/**
 * Cases of each vector file that also run `concurrent`, spread over the file (every generated case
 * does): an execution with a decoy in flight costs three requests, and a driver that mixes up two
 * requests of a transform does it on any case, so a handful per file finds it and the default run
 * keeps its pace.
 */
export const CONCURRENT_PER_FILE = 16;

/** Rough wire size of a case: its base64 fields plus the JSON around them. */
function payloadSize(vectorCase: VectorCase): number {
  let size = 80;
  for (const value of Object.values(vectorCase.body)) {
    if (typeof value === 'string') size += value.length + 12;
    else if (Array.isArray(value)) for (const item of value) size += String(item).length + 4;
  }
  return size;
}

/** Whether the in-kernel executor serves this driver under the executor choice. */
export function servedInKernel(algorithm: DiscoveredAlgorithm, driver: DiscoveredAlgorithm['drivers'][number], executor: ExecutorChoice): boolean {
  if (executor === 'afalg' || !algorithm.afalgType || !KERNEL_EXECUTOR_TYPES.has(algorithm.afalgType)) return false;
  return executor === 'kernel' || driver.afalgReach !== undefined;
}

/**
 * Targets of an algorithm: the generic name (always AF_ALG: it is what user space gets), then every
 * public driver by unique name, through AF_ALG or the in-kernel executor (servedInKernel).
 */
export function targetsOf(algorithm: DiscoveredAlgorithm, driverPatterns: string[] | undefined, executor: ExecutorChoice = 'afalg'): { targets: PlannedTarget[]; unbindable: ResultLine[] } {
  const targets: PlannedTarget[] = [];
  const unbindable: ResultLine[] = [];
  if (!driverPatterns || driverPatterns.length === 0 || matchesAny(algorithm.name, driverPatterns)) {
    targets.push({ name: algorithm.name, generic: true, ...(algorithm.bound ? { boundDriver: algorithm.bound } : {}) });
  }
  for (const driver of algorithm.drivers) {
    if (driver.internal || !matchesAny(driver.driver, driverPatterns)) continue;
    if (servedInKernel(algorithm, driver, executor) && driver.selftest === 'passed') targets.push({ name: driver.driver, generic: false, priority: driver.priority, executor: 'kernel' });
    else if (driver.bind === 'ok') targets.push({ name: driver.driver, generic: false, priority: driver.priority });
    else unbindable.push({ kind: 'unbindable', algorithm: algorithm.name, target: driver.driver, error: driver.bind ?? 'not bound', ...(driver.afalgReach ? { afalgReach: driver.afalgReach } : {}) });
  }
  return { targets, unbindable };
}

/**
 * The software reference as this kernel names it: the catalog's (`cbc(aes-generic)`), or, when
 * discovery did not find it and found its `-lib` spelling instead, that one — Linux 7.x renamed the
 * software twins (`aes-lib`, `ghash-lib`, `sha256-lib`: `cbc(aes-lib)`, no `aes-generic`).
 */
export function referenceOf(catalogReference: string | undefined, algorithm: DiscoveredAlgorithm): string | undefined {
  if (!catalogReference) return undefined;
  const drivers = new Set(algorithm.drivers.map((driver) => driver.driver));
  if (drivers.has(catalogReference)) return catalogReference;
  const renamed = catalogReference.replace(/-generic\b/g, '-lib');
  return drivers.has(renamed) ? renamed : catalogReference;
}

/** Split a list of cases into requests small enough for the link and the request timeout. */
function batchesOf(
  base: Omit<PlannedBatch, 'cases' | 'executions' | 'id'>,
  cases: VectorCase[],
  limits: { maxExecutions: number; maxPayloadBytes: number },
): PlannedBatch[] {
  const batches: PlannedBatch[] = [];
  let current: VectorCase[] = [];
  let executions = 0;
  let bytes = 0;
  const flush = (): void => {
    if (current.length > 0) {
      const id = [base.algorithm, base.source, `${current[0]?.id}…${current.at(-1)?.id}`, current.length, base.targets.map((target) => target.name).join(','), base.strategies.join(',')].join('|');
      batches.push({ id, ...base, cases: current, executions });
    }
    current = [];
    executions = 0;
    bytes = 0;
  };
  for (const vectorCase of cases) {
    const caseExecutions = base.targets.length * (vectorCase.strategies ?? base.strategies).length;
    const caseBytes = payloadSize(vectorCase);
    if (current.length > 0 && (executions + caseExecutions > limits.maxExecutions || bytes + caseBytes > limits.maxPayloadBytes)) flush();
    current.push(vectorCase);
    executions += caseExecutions;
    bytes += caseBytes;
  }
  flush();
  return batches;
}

/**
 * Up to `limit` cases of a file, in file order: each expectation gets its share (at least one),
 * picked evenly spaced through that expectation's cases, so short and long inputs, and every
 * key size of a NIST file, are all represented. Deterministic: a resumed run samples the same.
 */
export function sampleCases(cases: readonly VectorCase[], limit: number): VectorCase[] {
  if (cases.length <= limit) return [...cases];
  const groups = new Map<string, number[]>();
  cases.forEach((vectorCase, index) => groups.set(vectorCase.expectation, [...(groups.get(vectorCase.expectation) ?? []), index]));
  const chosen = new Set<number>();
  for (const indexes of groups.values()) {
    const share = Math.max(1, Math.round((limit * indexes.length) / cases.length));
    const take = Math.min(indexes.length, share);
    for (let i = 0; i < take; i++) chosen.add(indexes[Math.floor((i * indexes.length) / take)] as number);
  }
  return [...chosen].sort((a, b) => a - b).map((index) => cases[index] as VectorCase);
}

/** Generated cases' own strategies narrowed to the run's (and the type's); none left: the run's first. */
function narrowedStrategies(cases: VectorCase[], strategies: readonly SplitStrategy[]): VectorCase[] {
  return cases.map((vectorCase) => {
    if (!vectorCase.strategies) return vectorCase;
    const kept = vectorCase.strategies.filter((strategy) => strategies.includes(strategy));
    return { ...vectorCase, strategies: kept.length > 0 ? kept : strategies.slice(0, 1) };
  });
}

/**
 * Generated cases that fit one request of the link; the others are left out with a skip note. A
 * serial console takes 32 KiB requests: there the generated lengths stop below that (the issue's
 * "up to the largest request the transport takes"); twice a request carrying a 64 KiB case stalled
 * the QEMU pty console (README, serial).
 */
function fittingTheLink(cases: VectorCase[], maxPayloadBytes: number, where: { algorithm: string; source: string }, notes: ResultLine[]): VectorCase[] {
  const fit: VectorCase[] = [];
  const left: VectorCase[] = [];
  for (const vectorCase of cases) (payloadSize(vectorCase) <= maxPayloadBytes ? fit : left).push(vectorCase);
  if (left.length > 0) {
    notes.push({ ...where, kind: 'skip', reason: `larger than the link's largest request (${formatSize(maxPayloadBytes)} encoded)`, count: left.length, cases: left.slice(0, 5).map((vectorCase) => vectorCase.id) });
  }
  return fit;
}

/** A vector file's batches: CONCURRENT_PER_FILE of its cases under every strategy, the others without concurrent. */
function vectorBatches(base: Omit<PlannedBatch, 'cases' | 'executions' | 'id'>, cases: VectorCase[], limits: { maxExecutions: number; maxPayloadBytes: number }): PlannedBatch[] {
  if (!base.strategies.includes('concurrent') || cases.length <= CONCURRENT_PER_FILE) return batchesOf(base, cases, limits);
  const together = new Set(sampleCases(cases, CONCURRENT_PER_FILE));
  const others = base.strategies.filter((strategy) => strategy !== 'concurrent');
  return [
    ...batchesOf(base, cases.filter((vectorCase) => together.has(vectorCase)), limits),
    ...(others.length > 0 ? batchesOf({ ...base, strategies: others }, cases.filter((vectorCase) => !together.has(vectorCase)), limits) : []),
  ];
}

export class UnknownAlgorithmError extends Error {}

export function planRun(discovery: readonly DiscoveredAlgorithm[], options: PlanOptions): RunPlan {
  // --case narrows every source to the cases asked for; they are out of scope, not skipped
  const chosen = (cases: VectorCase[]): VectorCase[] => (options.casePatterns ? cases.filter((vectorCase) => matchesAny(vectorCase.id, options.casePatterns)) : cases);
  const limits = { maxExecutions: options.maxExecutions ?? DEFAULT_MAX_EXECUTIONS, maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD };
  const wanted = options.catalog.filter((algorithm) => algorithm.type !== 'rng' && matchesAny(algorithm.name, options.algPatterns));
  for (const pattern of options.algPatterns ?? []) {
    if (!options.catalog.some((algorithm) => matchesAny(algorithm.name, [pattern]))) {
      throw new UnknownAlgorithmError(
        `unknown algorithm '${pattern}'; known: ${options.catalog
          .filter((algorithm) => algorithm.type !== 'rng')
          .map((algorithm) => algorithm.name)
          .join(', ')}`,
      );
    }
  }
  const byName = new Map(discovery.map((algorithm) => [algorithm.name, algorithm]));
  const plan: RunPlan = { algorithms: [], absent: [], batches: [], notes: [], executions: 0 };

  for (const entry of wanted) {
    const found = byName.get(entry.name);
    if (!found || !found.afalgType || !found.drivers.some((driver) => !driver.internal)) {
      plan.absent.push(entry.name);
      continue;
    }
    const { targets, unbindable } = targetsOf(found, options.driverPatterns, options.executor);
    plan.notes.push(...unbindable);
    if (targets.length === 0) continue;
    const strategies = strategiesFor(entry, options.strategies);
    if (strategies.length === 0) {
      // e.g. --strategies chained on a hash: say so instead of planning cases that run nowhere
      const reason = `none of --strategies ${options.strategies.join(',')} applies to a ${entry.type}${entry.chainsIv ? '' : ' (chained: cbc and ctr modes only; inplace: not hashes; concurrent: skciphers and AEADs)'}`;
      plan.notes.push({ kind: 'skip', algorithm: entry.name, source: '-', reason, count: 0, cases: [] });
      continue;
    }
    plan.algorithms.push(entry.name);

    const vectors = options.vectorsOf(entry.name);
    for (const unusable of vectors?.unusable ?? []) plan.notes.push({ kind: 'unusable', algorithm: entry.name, source: unusable.source, error: unusable.error });
    for (const source of vectors?.sources ?? []) {
      const reasons = new Map<string, string[]>();
      for (const skipped of source.skipped) reasons.set(skipped.reason, [...(reasons.get(skipped.reason) ?? []), skipped.id]);
      for (const [reason, ids] of reasons) {
        plan.notes.push({ kind: 'skip', algorithm: entry.name, source: source.source, reason, count: ids.length, cases: ids.slice(0, 5) });
      }
      const base = { algorithm: entry.name, type: entry.type, source: source.source, targets, strategies, differential: false };
      const sampled = options.sample !== undefined ? sampleCases(source.cases, options.sample) : source.cases;
      if (sampled.length < source.cases.length) {
        const left = source.cases.filter((vectorCase) => !sampled.includes(vectorCase));
        plan.notes.push({ kind: 'skip', algorithm: entry.name, source: source.source, reason: `not in the sample (--sample ${options.sample}: ${sampled.length} of ${source.cases.length} cases run)`, count: left.length, cases: left.slice(0, 5).map((vectorCase) => vectorCase.id) });
      }
      plan.batches.push(...vectorBatches(base, chosen(sampled), limits));
    }
    const hasVectors = (vectors?.sources ?? []).some((source) => source.cases.length > 0);

    const { params } = entry;
    const reference = referenceOf(entry.reference, found);
    const known = targets.find((target) => target.name === reference);
    const ordered = reference ? [known ?? { name: reference, generic: false }, ...targets.filter((target) => target.name !== reference)] : [];
    const generated = options.boundaryOf?.(entry);
    const fitting = (cases: VectorCase[], source: string): VectorCase[] => fittingTheLink(chosen(cases), limits.maxPayloadBytes, { algorithm: entry.name, source }, plan.notes);
    const boundary = generated && {
      oracle: narrowedStrategies(fitting(generated.oracle, BOUNDARY_SOURCE), strategies),
      differential: narrowedStrategies(fitting(generated.differential, BOUNDARY_DIFFERENTIAL_SOURCE), strategies),
    };
    if (boundary && boundary.oracle.length > 0) {
      plan.batches.push(...batchesOf({ algorithm: entry.name, type: entry.type, source: BOUNDARY_SOURCE, targets, strategies, differential: false }, boundary.oracle, limits));
    }
    if (boundary && boundary.differential.length > 0 && reference) {
      plan.batches.push(...batchesOf({ algorithm: entry.name, type: entry.type, source: BOUNDARY_DIFFERENTIAL_SOURCE, targets: ordered, strategies, differential: true }, boundary.differential, limits));
    }
    const hasBoundary = boundary !== undefined && boundary.oracle.length + (reference ? boundary.differential.length : 0) > 0;
    if (options.differential > 0 && reference && params && options.differentialOf) {
      const base = { algorithm: entry.name, type: entry.type, source: 'differential', targets: ordered, strategies, differential: true };
      plan.batches.push(...batchesOf(base, narrowedStrategies(fitting(options.differentialOf(entry, options.differential), 'differential'), strategies), limits));
    } else if (!hasVectors && !hasBoundary) {
      plan.notes.push({
        kind: 'skip',
        algorithm: entry.name,
        source: '-',
        reason: options.differential > 0 ? 'no vectors, and no software reference to compare with' : 'no vectors for this algorithm (add --differential N to compare drivers with the software one)',
        count: 0,
        cases: [],
      });
    }
  }
  plan.executions = plan.batches.reduce((sum, batch) => sum + batch.executions, 0);
  return plan;
}
