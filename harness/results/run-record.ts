/**
 * `run.json`: what a run was asked to do, where it ran, what discovery found and what the plan covered.
 * Its companion, `results.jsonl` (one line per batch outcome), is modelled in result-model.ts.
 */
import type { BenchPath, SplitStrategy } from '../protocol/messages.js';
import type { AfAlgReach } from './result-model.js';

/** What every record of a driver carries: /proc/crypto's facts about it. */
export interface DriverRecord {
  driver: string;
  priority: number;
  selftest: string;
  module: string;
  /** async driver (accelerators and their SIMD wrappers) */
  async?: boolean;
}

/** The DriverRecord fields of a larger record (a /proc/crypto entry, a discovered driver). */
export function driverRecordOf(driver: DriverRecord): DriverRecord {
  return { driver: driver.driver, priority: driver.priority, selftest: driver.selftest, module: driver.module, ...(driver.async !== undefined ? { async: driver.async } : {}) };
}

/** One algorithm × target as a map key (the targets a hang takes out, a summary's rows). */
export function targetKey(algorithm: string, target: string): string {
  return `${algorithm}\0${target}`;
}

export interface DiscoveredDriverSummary extends DriverRecord {
  internal: boolean;
  /** binding by unique name: ok or errno */
  bind?: string;
  /** why this kernel's AF_ALG cannot reach the driver (absent: it can, or the bind failed otherwise) */
  afalgReach?: AfAlgReach;
}

export interface DiscoveredAlgorithmSummary {
  name: string;
  /** absent: not reachable through AF_ALG (akcipher, kpp…): listed for the priority verdicts */
  afalgType?: string;
  bound?: string;
  drivers: DiscoveredDriverSummary[];
}

export interface Range {
  min: number;
  max: number;
}

export interface CoverageRow {
  algorithm: string;
  target: string;
  /** distinct cases run on the target (a case in several strategies counts once) */
  cases: number;
  executions: number;
  strategies: SplitStrategy[];
  /** text length (message, input, AEAD text without the tag) */
  length: Range;
  /** cases whose text is longer than one page */
  beyondPage: number;
  /** key sizes used (refused sizes count as refusals) */
  keySizes: number[];
  /** cases expecting an errno (illegal key or tag size, forged tag) */
  refusals: number;
  /** counter widths whose wrap a case crosses, with the block indexes of the wraps */
  counterWidths: number[];
  wrapPoints: number[];
  aad?: Range;
  authsizes: number[];
  forgedTags: number;
  /** sockets of one transform a case sequence interleaves (1: one socket per transform) */
  sockets: number;
  /** threads the agent may run this target's cases on at once (its pool splits big requests) */
  threads: number;
  /** cases per source family: vector files, boundary (generated), differential (random) */
  bySource: Record<'vectors' | 'boundary' | 'differential', number>;
}

/** How the bench measures: what run.json records and the bench planner starts from. */
export interface BenchRunSettings {
  sizes: number[];
  /** measured time per point (driver × op × path × size) at its `repetitions`, split into them */
  seconds: number;
  /** the fixed count, or with maxRepetitions the minimum */
  repetitions: number;
  /** adaptive: at most this many repetitions, stopping earlier once the spread is within `precision` (absent in older runs: a fixed count) */
  maxRepetitions?: number;
  /** adaptive: the 95 % interval's half-width / mean to reach (protocol/bench-stopping.ts) */
  precision?: number;
  /** the bench's time budget with tcrypt, seconds (absent: none) */
  budget?: number;
  paths: BenchPath[];
  /** tcrypt's sec= (0: cycle counts); undefined: no tcrypt */
  tcryptSec?: number;
}

/**
 * Everything a run was asked to do, validated once from the command line
 * (harness/cli/run-settings.ts), stored in run.json as is and read back as is by `--resume`.
 */
export interface RunSettings {
  /** the board file */
  board: string;
  /** algorithm names or patterns; absent: every algorithm of the catalog the target offers */
  alg?: string[];
  /** driver names or patterns; absent: every driver */
  driver?: string[];
  /** the vectors directory; absent: a bench-only run (no vectors) */
  vectorsDir?: string;
  strategies: SplitStrategy[];
  /** random cases per algorithm, every driver compared with the software reference */
  differential: number;
  /** the seed of every generated case (recorded even when nothing used it) */
  seed: string;
  /** generated boundary cases (vectors/boundary): thorough = the nightly counts; absent: none */
  boundary?: { thorough: boolean };
  /** Monte-Carlo checkpoints per file */
  mctCheckpoints: number;
  /** one operation not returning within this many seconds is a hang */
  hangSec: number;
  /** at most this many cases per vector file */
  sample?: number;
  /** only the cases whose ids match these patterns (--case) */
  cases?: string[];
  /** throughput measurement, when the run measures it */
  bench?: BenchRunSettings & { cReference: boolean };
  /** fault-injection fixtures (qemu/fixtures) loaded before discovery */
  fixtures: string[];
  /** absent: AF_ALG only; kernel/auto: the in-kernel executor module was loaded and serves drivers */
  executor?: 'kernel' | 'auto';
  /** kernel modules (.ko files) loaded before discovery */
  loadModules: string[];
  /** --agent (else the board's agent.kind): which agent the run asked for; --resume asks for the same */
  agent?: 'auto' | 'node' | 'native';
}

export interface RunMeta {
  harnessVersion: string;
  runId: string;
  startedAt: string;
  finishedAt?: string;
  /** false until the run finished every planned batch; a partial run says why */
  complete: boolean;
  incompleteReason?: string;
  board: { name: string; transport: string; arch: string; file: string };
  /** agentReadyMs/bootMs: from starting the target to the agent's ready line / to the guest's init (QEMU) */
  target: { kernelRelease: string; arch: string; accel?: string; accelReason?: string; agentVersion: string; node?: string; agent?: 'node' | 'native'; agentReason?: string; agentReadyMs?: number; bootMs?: number };
  /** /proc/crypto after discovery instantiated the catalog */
  procCrypto: string;
  discovery: DiscoveredAlgorithmSummary[];
  vectors: { dir: string; sources: Array<{ family: string; origin: string; commit?: string; version?: string; fetchedAt?: string }> };
  /** what the run was asked to do, exactly as validated from the command line (--resume reads it back as is) */
  settings: RunSettings;
  /** the C reference loop of a bench run: the program, or why it did not run */
  cReference?: string;
  /** maxRequestBytes: the request size limit the plan was cut with (a resume re-plans with the same) */
  planned: { batches: number; executions: number; maxRequestBytes?: number };
  /** every resume of this run: when, and why the attempt before it stopped */
  resumed?: Array<{ at: string; after: string }>;
  /** the drivers-spec given with --spec: its file and content, evaluated when reports are rendered */
  spec?: { file: string; content: unknown };
  /** what the plan exercised per algorithm and target (harness/results/coverage.ts): dimensions and case counts */
  coverage?: CoverageRow[];
  /** the kernel's taint flags when the run started and when it ended (a driver that oopses or WARNs taints it) */
  kernelTaint?: { before: string[]; after: string[] };
  /** wall time of each phase of this attempt, seconds: target up (boot, agent, modules), discovery, vectors, bench measurements, tcrypt */
  phases?: { target: number; discovery: number; vectors: number; bench?: number; tcrypt?: number };
  /** what the bench's time budget cut */
  benchCuts?: string[];
  /** what execution did: executions done, wall time of the execution stage, executions per second */
  execution?: { executed: number; seconds: number; perSecond: number };
}
