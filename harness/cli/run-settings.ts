/**
 * RunSettings from the command line: every option of `run` and `bench` checked once, before
 * anything boots, into the one object that is stored in run.json and read back by `--resume`.
 */
import crypto from 'node:crypto';
import { BadInputError } from '../core/errors.js';
import { timeoutsOf, type Board } from '../board/board.js';
import { ALL_PATHS, ALL_STRATEGIES, DEFAULT_HANG_SEC, MAX_BENCH_SIZE } from '../protocol/constants.js';
import type { BenchPath, SplitStrategy } from '../protocol/messages.js';
import type { RunSettings } from '../results/run-record.js';
import { UnknownAlgorithmError, planRun } from '../plan/plan.js';
import { DEFAULT_BENCH_SIZES, UnknownBenchAlgorithmError, planBench } from '../bench/bench-plan.js';
import { checkModuleFiles, fixturesWanted } from '../targets/extra-modules.js';
import { catalog } from '../../vectors/catalog.js';
import type { RunArgs } from './options.js';
import { DEFAULT_DIFFERENTIAL, THOROUGH_DIFFERENTIAL } from '../../vectors/differential.js';
import { agentPreferenceOf } from '../targets/agent-choice.js';

/** `a,b c` → [a, b, c] */
function listOf(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => String(value).split(',')).map((value) => value.trim()).filter(Boolean);
}

function sizesOf(values: readonly string[] | undefined): number[] {
  const list = listOf(values);
  if (list.length === 0) return DEFAULT_BENCH_SIZES;
  const sizes = list.map((value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > MAX_BENCH_SIZE) throw new BadInputError(`--sizes: '${value}' is not a size in bytes from 1 to ${MAX_BENCH_SIZE}`);
    return n;
  });
  return [...new Set(sizes)].sort((a, b) => a - b);
}

export function strategiesOf(names: readonly string[] | undefined): SplitStrategy[] {
  const list = listOf(names);
  if (list.length === 0) return [...ALL_STRATEGIES];
  for (const name of list) {
    if (!(ALL_STRATEGIES as readonly string[]).includes(name)) throw new BadInputError(`--strategies: unknown strategy '${name}'; known: ${ALL_STRATEGIES.join(', ')}`);
  }
  return list as SplitStrategy[];
}

/** The bench stage's defaults: sized so that the README's main job fits 5 minutes under TCG on 2 cores. */
export const BENCH_DEFAULTS = { minRepetitions: 3, maxRepetitions: 10, precision: 0.03, repetitionSeconds: 0.03, budget: 90 };

/** The bench stage's settings, checked before anything boots. */
export function benchSettingsOf(args: RunArgs): NonNullable<RunSettings['bench']> {
  const repetitions = args.repetitions ?? BENCH_DEFAULTS.minRepetitions;
  if (!Number.isInteger(repetitions) || repetitions < 1 || repetitions > 100) throw new BadInputError(`--repetitions: expected 1..100, got ${args.repetitions}`);
  const seconds = args.seconds ?? Number((BENCH_DEFAULTS.repetitionSeconds * repetitions).toFixed(3));
  if (!(seconds > 0 && seconds <= 60)) throw new BadInputError(`--seconds: expected a time per point in seconds (0 < S ≤ 60), got ${args.seconds}`);
  const maxRepetitions = args['max-repetitions'] ?? Math.max(BENCH_DEFAULTS.maxRepetitions, repetitions);
  if (!Number.isInteger(maxRepetitions) || maxRepetitions < repetitions || maxRepetitions > 1000) throw new BadInputError(`--max-repetitions: expected ${repetitions} (--repetitions) to 1000, got ${args['max-repetitions']}`);
  const precision = args.precision ?? BENCH_DEFAULTS.precision;
  if (!(precision >= 0 && precision < 1)) throw new BadInputError(`--precision: expected a fraction from 0 (never stop early) to below 1, got ${args.precision}`);
  const budget = args.budget ?? BENCH_DEFAULTS.budget;
  if (!(budget >= 0 && budget <= 86400)) throw new BadInputError(`--budget: expected seconds from 0 (no budget) to 86400, got ${args.budget}`);
  const paths = listOf(args.paths);
  for (const p of paths) if (!(ALL_PATHS as readonly string[]).includes(p)) throw new BadInputError(`--paths: unknown data path '${p}'; known: ${ALL_PATHS.join(', ')}`);
  const tcryptSec = args['tcrypt-sec'] ?? 0;
  if (!Number.isInteger(tcryptSec) || tcryptSec < 0 || tcryptSec > 10) throw new BadInputError(`--tcrypt-sec: expected 0 (cycle counts) to 10 seconds, got ${args['tcrypt-sec']}`);
  return {
    sizes: sizesOf(args.sizes),
    seconds,
    repetitions,
    maxRepetitions,
    precision,
    ...(budget > 0 ? { budget } : {}),
    paths: paths.length > 0 ? (paths as BenchPath[]) : [...ALL_PATHS],
    ...(args.tcrypt !== false ? { tcryptSec } : {}),
    cReference: args['c-reference'] !== false,
  };
}

/** Plan against the catalog alone, before booting: an unknown --alg fails fast. */
function checkAlgorithmPatterns(settings: Pick<RunSettings, 'alg' | 'bench' | 'vectorsDir'>): void {
  const patterns = settings.alg;
  if (settings.bench) {
    try {
      planBench([], { catalog, algPatterns: patterns, settings: settings.bench });
    } catch (error) {
      if (error instanceof UnknownBenchAlgorithmError) throw new BadInputError(`--alg: ${error.message}`);
      throw error;
    }
  }
  if (settings.vectorsDir === undefined || patterns === undefined) return;
  try {
    planRun([], { catalog, algPatterns: patterns, strategies: [...ALL_STRATEGIES], vectorsOf: () => undefined, differential: 0 });
  } catch (error) {
    if (error instanceof UnknownAlgorithmError) throw new BadInputError(`--alg: ${error.message}`);
    throw error;
  }
}

/** The hang limit: --hang-sec, else the board's, else the default (below the request timeout). */
function hangSecOf(args: RunArgs, board: Board): number {
  const { requestSec, hangSec: boardHangSec } = timeoutsOf(board);
  const hangSec = args['hang-sec'] ?? boardHangSec ?? Math.min(DEFAULT_HANG_SEC, requestSec / 2);
  if (!(hangSec > 0 && hangSec < requestSec)) {
    throw new BadInputError(`--hang-sec: expected seconds above 0 and below the board's request timeout (${requestSec} s), got ${args['hang-sec'] ?? boardHangSec}`);
  }
  return hangSec;
}

/**
 * Every option of a new run, validated; `board` is the loaded board file the args named and
 * `vectorsDir` the vectors directory resolved from them (absent: a bench-only run).
 */
export function runSettingsOf(args: RunArgs, board: Board, vectorsDir: string | undefined): RunSettings {
  const differential = args.differential ?? (args.thorough ? THOROUGH_DIFFERENTIAL : DEFAULT_DIFFERENTIAL);
  if (!Number.isInteger(differential) || differential < 0) throw new BadInputError(`--differential: expected a case count ≥ 0, got ${args.differential}`);
  if (args.sample !== undefined && !(Number.isInteger(args.sample) && args.sample >= 1)) throw new BadInputError(`--sample: expected a number of cases per vector file ≥ 1, got ${args.sample}`);
  const mctCheckpoints = args['mct-checkpoints'] ?? 10;
  if (!Number.isInteger(mctCheckpoints) || mctCheckpoints < 0) throw new BadInputError(`--mct-checkpoints: expected a count ≥ 0, got ${args['mct-checkpoints']}`);
  const settings: RunSettings = {
    board: board.file,
    ...(args.alg && args.alg.length > 0 ? { alg: args.alg } : {}),
    ...(args.driver && args.driver.length > 0 ? { driver: args.driver } : {}),
    ...(vectorsDir !== undefined ? { vectorsDir } : {}),
    strategies: strategiesOf(args.strategies),
    differential,
    seed: args.seed ?? crypto.randomBytes(4).toString('hex'),
    ...(vectorsDir !== undefined && args.boundary !== false ? { boundary: { thorough: args.thorough ?? false } } : {}),
    mctCheckpoints,
    hangSec: hangSecOf(args, board),
    ...(args.sample !== undefined ? { sample: args.sample } : {}),
    ...(args.case && args.case.length > 0 ? { cases: args.case } : {}),
    ...(args.bench ? { bench: benchSettingsOf(args) } : {}),
    fixtures: fixturesWanted(board, args.fixtures),
    loadModules: checkModuleFiles(board, args['load-module']),
    ...executorOf(board, args.executor),
    agent: agentPreferenceOf(board, args.agent),
  };
  checkAlgorithmPatterns(settings);
  return settings;
}

/**
 * --executor, else the QEMU board's `qemu.executor` (the 7.x board says auto, so a plain run reaches its
 * accelerator), else AF_ALG only. kernel|auto: the module is built for and loaded into a QEMU guest.
 */
function executorOf(board: Board, given: 'afalg' | 'kernel' | 'auto' | undefined): Pick<RunSettings, 'executor'> {
  const executor = given ?? board.qemu?.executor;
  if (executor === undefined || executor === 'afalg') return {};
  if (board.transport !== 'qemu') throw new BadInputError(`--executor ${executor}: the in-kernel executor is built for QEMU boards' Debian kernels; ${board.name} is ${board.transport}`);
  return { executor };
}
