/**
 * The results of a run, as stored: `run.json` (what ran where) and `results.jsonl` (one line per
 * batch outcome). Reports are rendered from these two files alone.
 */
import type { BenchOp, BenchPath, BenchRepetition, BenchStop, SplitStrategy } from '../protocol/messages.js';

export const RESULTS_FILE = 'results.jsonl';
export const RUN_FILE = 'run.json';

/** Wycheproof's result vocabulary, also used for NIST records (FAIL records are `invalid`). */
export type Expectation = 'valid' | 'invalid' | 'acceptable';

/** One execution that did not pass: a wrong answer (fail) or an unexpected error (error). */
export interface CaseFailure {
  /** vector source (relative path) or `differential` */
  source: string;
  /** the case id within the source (tcId / line / seed#index) */
  case: string;
  strategy: SplitStrategy;
  /** hang: the operation never returned (see the run's hang lines) */
  status: 'fail' | 'error' | 'hang';
  expectation: Expectation;
  /** encrypt, decrypt, digest, mac, mct */
  op?: string;
  /** hex; what the vector (or the reference driver) says */
  expected?: string;
  /** hex; what the driver produced */
  got?: string;
  /** errno name, or a description (`succeeded, expected EBADMSG`) */
  error?: string;
  /** the step that failed: bind, setkey, authsize, send, read */
  step?: string;
  comment?: string;
  flags?: string[];
  /** differential mode: the seed that regenerates the case */
  seed?: string;
}

/** The outcome of one Wycheproof `acceptable` case: either way passes, both are logged. */
export interface AcceptableOutcome {
  source: string;
  case: string;
  strategy: SplitStrategy;
  outcome: 'accepted' | 'rejected';
  error?: string;
}

/** Counts for one algorithm × transform × source × strategy (one batch or more). */
export interface TallyLine {
  kind: 'tally';
  algorithm: string;
  /** the unique driver name bound, or the generic (algorithm) name itself */
  target: string;
  generic: boolean;
  /** generic rows: the driver the generic name bound, proved in discovery */
  boundDriver?: string;
  /** the in-kernel executor ran these (absent: AF_ALG) */
  executor?: 'kernel';
  source: string;
  strategy: SplitStrategy;
  passed: number;
  failed: number;
  acceptable: number;
  failures: CaseFailure[];
  acceptables?: AcceptableOutcome[];
}

/** Vectors of a source that the kernel cannot express, grouped by reason (they apply to every driver). */
export interface SkipLine {
  kind: 'skip';
  algorithm: string;
  source: string;
  reason: string;
  count: number;
  /** the first few case ids */
  cases: string[];
}

/** A vector file that could not be used (corrupt, schema-invalid). */
export interface UnusableLine {
  kind: 'unusable';
  algorithm: string;
  source: string;
  error: string;
}

/**
 * Why this kernel's AF_ALG cannot reach a driver (harness/discovery/afalg-reach.ts): since Linux 7.2
 * AF_ALG masks out async, hardware-only and allocating implementations; a distribution may block an
 * algif module.
 */
export interface AfAlgReach {
  reason: 'async' | 'hardware-only-or-allocates-memory' | 'algif-blocked';
  detail: string;
}

/** The one line every report gives an AF_ALG reach problem. */
export function afalgReachText(reach: AfAlgReach): string {
  return `not reachable through AF_ALG on this kernel (${reach.reason}): ${reach.detail}`;
}

/** A driver the harness could not bind by its unique name (ELIBBAD: the kernel's self-test failed). */
export interface UnbindableLine {
  kind: 'unbindable';
  algorithm: string;
  target: string;
  error: string;
  /** the bind failed because this kernel's AF_ALG cannot reach the driver */
  afalgReach?: AfAlgReach;
}

/** What a report says of an unbindable driver. */
export function unbindableText(line: UnbindableLine): string {
  return line.afalgReach ? `${afalgReachText(line.afalgReach)} (bind ${line.error})` : `cannot bind the driver by its unique name: ${line.error}`;
}

/** Something that stopped or cut short part of the run: the target stopped answering, a request hung. */
export interface IncidentLine {
  kind: 'incident';
  algorithm?: string;
  target?: string;
  source?: string;
  message: string;
  /** the link to the target was lost (not one batch failing): a resumed run recovers from it */
  link?: boolean;
}

/**
 * One operation never returned: the agent's watchdog gave up on it. The target (generic name or
 * driver) is not asked anything more in this run; with a generic target, the bound driver neither.
 */
export interface HangLine {
  kind: 'hang';
  algorithm: string;
  /** the name bound when it hung: a unique driver name or the generic name */
  target: string;
  generic: boolean;
  /** generic targets: the driver the generic name bound (the one that hung) */
  boundDriver?: string;
  source: string;
  /** the case id within the source (tcId / COUNT / seed#index) */
  case: string;
  strategy: SplitStrategy;
  /** encrypt, decrypt, digest, mac, mct */
  op?: string;
  /** what the vector expects of the case */
  expectation?: Expectation;
  /** bytes of data the operation was given */
  bytes: number;
  /** the hang limit that cut it, seconds */
  seconds: number;
  /** differential cases: the seed that regenerates the case */
  seed?: string;
  /** what happened next: the target restarted and the run went on, or the run stopped here */
  then: 'restarted' | 'stopped';
  /** the kernel report that ended the operation at once (an oops, a BUG, a panic: its first line); absent: the hang limit did */
  fault?: string;
}

/**
 * A report the target's kernel printed during the run (an oops, a WARNING, a soft lockup, an RCU
 * stall, a hung task, a panic…), with the request in flight when it came and the kernel's text.
 */
export interface KernelEventLine {
  kind: 'kernel-event';
  /** oops, null-deref, gpf, bug, warning, panic, soft-lockup, hard-lockup, rcu-stall, hung-task, kasan, ubsan, kfence, taint-change */
  event: string;
  /** the report's first line */
  title: string;
  /** the faulting function and its module, from the RIP/PC line or the call trace */
  function?: string;
  module?: string;
  /** before any request (boot, discovery), or while the vectors or the bench ran */
  phase: 'before-requests' | 'vectors' | 'bench';
  /** the request in flight: its algorithm, vector source and targets */
  algorithm?: string;
  source?: string;
  targets?: string[];
  /** the driver the report names: the discovered driver of the faulting module */
  driver?: string;
  /** taint flags the kernel reported with it */
  taint?: string[];
  /** the whole text of the report */
  text: string;
}

/** A batch whose lines are all written: a resumed run skips it. */
export interface BatchDoneLine {
  kind: 'done';
  batch: string;
  executions: number;
}

/** The run was resumed here (`run --resume DIR`): link incidents before this line are recovered. */
export interface ResumedLine {
  kind: 'resumed';
  at: string;
  /** why the previous attempt stopped */
  after?: string;
}

/**
 * Throughput of one transform × operation × data path, as measured (every repetition kept, so
 * statistics can be recomputed from the file alone).
 */
export interface BenchLine {
  kind: 'bench';
  algorithm: string;
  /** the unique driver name bound, or the generic name itself */
  target: string;
  generic: boolean;
  boundDriver?: string;
  op: BenchOp;
  path: BenchPath;
  /** agent: the harness's own loop (node + koffi); c-reference: the C program doing the same syscalls */
  engine: 'agent' | 'c-reference';
  /** measured through the in-kernel executor (absent: AF_ALG) */
  executor?: 'kernel';
  keyBytes: number;
  assocBytes?: number;
  authsize?: number;
  points: Array<{
    size: number;
    repetitions: BenchRepetition[];
    stopped?: BenchStop;
    /** the median rate, ops/s (written for readers of the file; the reports recompute it) */
    opsPerSecond?: number;
    /** the 95 % confidence interval of the mean rate, ops/s (min–max below two repetitions) */
    ci95?: [number, number];
  }>;
  /** wall time of the request, seconds (absent in runs before adaptive measurements) */
  seconds?: number;
}

/** One figure the kernel's tcrypt module logged (in-kernel speed, no syscalls: the ceiling). */
export interface TcryptFigure {
  /** the algorithm tcrypt was asked for, e.g. cbc(aes) */
  algorithm: string;
  /** the driver tcrypt's transform got */
  driver: string;
  op: BenchOp;
  keyBits?: number;
  size: number;
  /** sec=N runs: operations per second; cycles runs: derived from cycles when the clock is known */
  opsPerSecond?: number;
  /** cycles runs (sec=0): cycles per operation */
  cycles?: number;
  /** hashes: bytes per update (the figure is comparable with one-shot AF_ALG only when = size) */
  updateSize?: number;
}

/** One tcrypt invocation: `modprobe tcrypt mode=… sec=…` and what it logged. */
export interface TcryptLine {
  kind: 'tcrypt';
  params: string[];
  seconds: number;
  figures: TcryptFigure[];
  /** why no figures: module missing, mode unknown to this kernel… */
  error?: string;
  /** the kernel's cycle counter rate, Hz: sec=0 figures' opsPerSecond come from it */
  cycleHz?: number;
}

export type ResultLine = TallyLine | SkipLine | UnusableLine | UnbindableLine | IncidentLine | HangLine | KernelEventLine | BenchLine | TcryptLine | BatchDoneLine | ResumedLine;

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
