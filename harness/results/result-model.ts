/**
 * The results of a run, as stored: `results.jsonl` (one line per batch outcome) and the file names of
 * both result files. `run.json`'s model is in run-record.ts. Reports are rendered from these two files alone.
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
