/**
 * What a throughput run measures: for each algorithm, the generic name and every public bindable
 * driver, each operation (encrypt and decrypt, or digest) over each data path, with the harness's
 * own loop and (copy path) the C reference loop; then the tcrypt modes that measure the same
 * algorithms in the kernel. A driver the in-kernel executor serves (--executor kernel, or auto
 * where AF_ALG cannot reach it) is measured through it, on the copy path only. Parameters (key, IV, AAD, tag) come from the catalog so that every
 * request is one the transform accepts. Pure.
 */
import type { DiscoveredAlgorithm } from '../discovery/discover.js';
import type { BenchOp, BenchPath, BenchRequestBody } from '../protocol/messages.js';
import type { BenchRunSettings } from '../results/run-record.js';
import { matchesAny } from '../plan/name-pattern.js';
import { servedInKernel, type ExecutorChoice } from '../plan/plan.js';
import type { CatalogAlgorithm } from '../../vectors/catalog.js';
import { tcryptModesFor, tcryptSecondsOf, type TcryptMode } from './tcrypt.js';
import { fitBudget, maximumPointMs, requestOverheadSeconds } from './bench-budget.js';

export const DEFAULT_BENCH_SIZES = [16, 64, 256, 1024, 4096, 16384, 65536];
/** What `bench` measures when no --alg is given: the algorithms firmware engineers are asked about first. */
export const DEFAULT_BENCH_ALGORITHMS = ['cbc(aes)', 'gcm(aes)', 'sha256'];

export interface BenchSettings extends BenchRunSettings {
  /** the C reference program (on the target's file system), when there is one */
  cProgram?: string;
}

export interface PlannedBench {
  algorithm: string;
  target: string;
  generic: boolean;
  boundDriver?: string;
  engine: 'agent' | 'c-reference';
  /** measured through the in-kernel executor (absent: AF_ALG) */
  executor?: 'kernel';
  request: BenchRequestBody;
  /** wall time the request should take, seconds */
  estimatedSeconds: number;
}

export interface BenchPlan {
  algorithms: string[];
  benches: PlannedBench[];
  tcrypt: TcryptMode[];
  /** sizes an algorithm cannot take (block multiple, minimum input), per algorithm */
  notes: string[];
  /** what the budget cut (bench-budget.ts), one sentence each */
  cuts: string[];
  estimatedSeconds: number;
  /** tcrypt's part of estimatedSeconds */
  tcryptSeconds: number;
}

/** Deterministic filler bytes (the values do not matter to speed, only to reproducibility). */
function pattern(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 29 + seed * 7 + 1) & 0xff;
  return bytes;
}

function keyLength(keySizes: readonly number[]): number {
  if (keySizes.includes(16)) return 16;
  if (keySizes.includes(32)) return 32;
  return keySizes[0] ?? 0;
}

export interface BenchParameters {
  key?: Buffer;
  iv?: Buffer;
  assocLength?: number;
  authsize?: number;
  sizes: number[];
  dropped: number[];
}

/** Key, IV, AAD and tag for benchmarking an algorithm, and the sizes it can take. */
export function benchParameters(entry: CatalogAlgorithm, sizes: readonly number[]): BenchParameters {
  const params = entry.params ?? { keySizes: [] };
  const block = params.blockSize ?? 1;
  const minimum = params.minInput ?? (entry.type === 'skcipher' ? block : 1);
  const usable = sizes.filter((size) => size % block === 0 && size >= minimum);
  const out: BenchParameters = { sizes: usable, dropped: sizes.filter((size) => !usable.includes(size)) };
  const keyBytes = keyLength(params.keySizes);
  if (keyBytes > 0) out.key = pattern(keyBytes, 1);
  if (params.ivSize !== undefined) {
    const iv = pattern(params.ivSize, 2);
    if (params.ivFirstByte !== undefined) {
      // ccm: iv[0] = L'; the counter bytes after the nonce start at zero
      iv[0] = params.ivFirstByte;
      iv.fill(0, params.ivSize - (params.ivFirstByte + 1));
    }
    out.iv = iv;
  }
  if (entry.type === 'aead') {
    const authsizes = params.authsizes ?? [16];
    out.authsize = authsizes.includes(16) ? 16 : Math.max(...authsizes);
    // like tcrypt: 16 bytes of AAD; IPsec forms: their AAD (8) followed by the IV
    const assoc = params.assocSizes ? (params.assocSizes[0] ?? 8) : params.assocCarriesIv ? 8 : 16;
    out.assocLength = assoc + (params.assocCarriesIv ? (params.ivSize ?? 0) : 0);
  }
  return out;
}

export class UnknownBenchAlgorithmError extends Error {}

export function planBench(
  discovered: readonly DiscoveredAlgorithm[],
  options: { catalog: readonly CatalogAlgorithm[]; algPatterns?: string[]; driverPatterns?: string[]; settings: BenchSettings; executor?: ExecutorChoice },
): BenchPlan {
  const { settings } = options;
  const patterns = options.algPatterns && options.algPatterns.length > 0 ? options.algPatterns : DEFAULT_BENCH_ALGORITHMS;
  const benchable = options.catalog.filter((entry) => entry.type !== 'rng');
  for (const pattern of patterns) {
    if (!benchable.some((entry) => matchesAny(entry.name, [pattern]))) {
      throw new UnknownBenchAlgorithmError(`no algorithm to benchmark matches '${pattern}'; known: ${benchable.map((entry) => entry.name).join(', ')}`);
    }
  }
  const byName = new Map(discovered.map((algorithm) => [algorithm.name, algorithm]));
  const algorithms: string[] = [];
  const benches: PlannedBench[] = [];
  const notes: string[] = [];
  const repetitionMs = Math.max(10, Math.round((settings.seconds * 1000) / settings.repetitions));
  const warmupMs = Math.max(settings.maxRepetitions !== undefined ? 15 : 20, Math.round(repetitionMs / 2));
  const adaptive = settings.maxRepetitions !== undefined ? { maxRepetitions: settings.maxRepetitions, targetPrecision: settings.precision ?? 0 } : {};
  // in the order asked (a pattern's matches in catalog order)
  const ordered = [...new Set(patterns.flatMap((pattern) => benchable.filter((entry) => matchesAny(entry.name, [pattern]))))];
  for (const entry of ordered) {
    const found = byName.get(entry.name);
    if (!found || found.afalgType === undefined) {
      notes.push(`${entry.name}: not on this target`);
      continue;
    }
    const parameters = benchParameters(entry, settings.sizes);
    if (parameters.dropped.length > 0) notes.push(`${entry.name}: sizes ${parameters.dropped.join(', ')} not measured (block multiple or minimum input)`);
    if (parameters.sizes.length === 0) continue;
    const targets: Array<{ target: string; generic: boolean; boundDriver?: string; executor?: 'kernel' }> = [];
    if (!options.driverPatterns || options.driverPatterns.length === 0 || matchesAny(entry.name, options.driverPatterns)) {
      targets.push({ target: entry.name, generic: true, ...(found.bound ? { boundDriver: found.bound } : {}) });
    }
    for (const driver of found.drivers) {
      if (driver.internal || !matchesAny(driver.driver, options.driverPatterns)) continue;
      const inKernel = servedInKernel(found, driver, options.executor ?? 'afalg') && driver.selftest === 'passed';
      if (inKernel) targets.push({ target: driver.driver, generic: false, executor: 'kernel' });
      else if (driver.bind === 'ok') targets.push({ target: driver.driver, generic: false });
    }
    if (targets.length === 0) continue;
    algorithms.push(entry.name);
    const ops: BenchOp[] = entry.type === 'hash' ? ['digest'] : ['encrypt', 'decrypt'];
    const type = entry.type as BenchRequestBody['type'];
    const perRequest = (parameters.sizes.length * (warmupMs + settings.repetitions * repetitionMs)) / 1000;
    for (const target of targets) {
      for (const operation of ops) {
        const request = (path: BenchPath, program?: string): BenchRequestBody => ({
          type,
          alg: target.target,
          operation,
          path,
          sizes: parameters.sizes,
          ...(parameters.key ? { key: parameters.key.toString('base64') } : {}),
          ...(parameters.iv ? { iv: parameters.iv.toString('base64') } : {}),
          ...(parameters.assocLength !== undefined ? { assocLength: parameters.assocLength } : {}),
          ...(parameters.authsize !== undefined ? { authsize: parameters.authsize } : {}),
          warmupMs,
          repetitionMs,
          repetitions: settings.repetitions,
          ...adaptive,
          ...(program ? { program } : {}),
          ...(target.executor ? { executor: target.executor } : {}),
        });
        if (target.executor) {
          benches.push({ algorithm: entry.name, ...target, engine: 'agent', request: request('copy'), estimatedSeconds: perRequest });
          continue;
        }
        for (const path of settings.paths) benches.push({ algorithm: entry.name, ...target, engine: 'agent', request: request(path), estimatedSeconds: perRequest });
        if (settings.cProgram) benches.push({ algorithm: entry.name, ...target, engine: 'c-reference', request: request('copy', settings.cProgram), estimatedSeconds: perRequest });
      }
    }
  }
  const tcrypt = settings.tcryptSec !== undefined ? tcryptModesFor(algorithms) : [];
  const tcryptSeconds = tcrypt.reduce((sum, mode) => sum + tcryptSecondsOf(mode, settings.tcryptSec ?? 1), 0);
  const budgeted = settings.budget !== undefined ? fitBudget(benches, settings.budget, tcryptSeconds) : { benches, cuts: [] };
  const estimated = budgeted.benches.map((bench) => ({ ...bench, estimatedSeconds: requestOverheadSeconds(bench) + (bench.request.sizes.length * Math.min(bench.request.pointBudgetMs ?? Infinity, maximumPointMs(bench.request))) / 1000 }));
  return {
    algorithms,
    benches: estimated,
    tcrypt,
    notes,
    cuts: budgeted.cuts,
    estimatedSeconds: estimated.reduce((sum, bench) => sum + bench.estimatedSeconds, 0) + tcryptSeconds,
    tcryptSeconds,
  };
}

/** The bench line's parameter summary of a request. */
export function keyBytesOf(request: BenchRequestBody): number {
  return request.key !== undefined ? Buffer.from(request.key, 'base64').length : 0;
}
