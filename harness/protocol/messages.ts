/**
 * The agent protocol: newline-delimited JSON, one message per line, binary fields base64.
 * Every request carries an id; the answer carries the same id. Cases are batched in `run`.
 */

/** AF_ALG socket types (the `salg_type` of sockaddr_alg). */
export type AfAlgType = 'hash' | 'skcipher' | 'aead' | 'rng';

export const PROTOCOL_VERSION = 1;

export interface HelloResult {
  agentVersion: string;
  protocolVersion: number;
  kernelRelease: string;
  arch: string;
  pageSize: number;
  node: string;
}

export interface BindProbe {
  type: AfAlgType;
  name: string;
}

export interface BindProbeResult {
  name: string;
  type: AfAlgType;
  ok: boolean;
  /** errno name when the bind failed: ENOENT (no such algorithm), ELIBBAD (self-test failed)… */
  error?: string;
}

export interface RefcntMove {
  driver: string;
  name: string;
  internal: boolean;
  delta: number;
}

export interface ResolveResult {
  name: string;
  type: AfAlgType;
  /** bind failed: errno name */
  error?: string;
  /** every /proc/crypto entry whose refcnt moved while the socket was held */
  moved: RefcntMove[];
}

/**
 * Split strategies: how the input reaches the kernel. `chained` (skciphers whose mode hands back an
 * IV: cbc, ctr) sends the input as consecutive requests on one operation socket, the IV given only
 * with the first: each later request starts from the IV the driver wrote back (AF_ALG keeps it in
 * the socket), so a driver that hands back a wrong IV gets the rest of the output wrong. A hash or
 * AEAD case sent `chained` goes as one request (the plan never asks for it). `zerocopy` sends the
 * control messages alone (MSG_MORE), then vmsplices the page-aligned input into a pipe and splices it
 * into the socket, at most a pipe's 16 pages per splice: the driver gets the user's pages, not copies.
 * `concurrent` (skciphers and AEADs) puts a second request of the same transform (a decoy: other IV,
 * other text, see concurrentDecoy) in flight with the case's, read from a second thread: an
 * asynchronous driver that keeps a request's state in the transform mixes the two up.
 */
export type SplitStrategy = 'oneshot' | 'chunks' | 'page-cross' | 'inplace' | 'chained' | 'zerocopy' | 'concurrent';

interface CaseBase {
  /** caller's key for the case, echoed back */
  ref: string;
  /** driver name or generic name bound with AF_ALG */
  alg: string;
  strategy?: SplitStrategy;
  /** chunk sizes for the `chunks` strategy, cycled (default 1,15,17) */
  chunks?: number[];
  /**
   * which of several sockets bound to the same transform runs the case (default 0): state cases
   * interleave sockets with different keys, so a driver keeping a key or IV per device, not per
   * transform, is caught. An agent that does not know the field uses one socket.
   */
  socket?: number;
}

export interface HashCase extends CaseBase {
  type: 'hash';
  key?: string;
  msg: string;
  /** expected digest; a shorter expect compares the leading bytes (truncated MAC) */
  expect?: string;
  /** expect the digest to differ from `expect` (Wycheproof invalid MAC) */
  expectMismatch?: boolean;
  /** errno name the operation must fail with (setkey of an invalid MAC key: EINVAL) */
  expectError?: string;
}

export interface SkcipherCase extends CaseBase {
  type: 'skcipher';
  key: string;
  iv?: string;
  op: 'encrypt' | 'decrypt';
  input: string;
  expect?: string;
  /** errno name the operation must fail with (setkey/sendmsg/read) */
  expectError?: string;
}

export interface AeadCase extends CaseBase {
  type: 'aead';
  key: string;
  iv: string;
  assoc: string;
  authsize: number;
  op: 'encrypt' | 'decrypt';
  /** encrypt: plaintext; decrypt: ciphertext || tag */
  input: string;
  /** encrypt: ciphertext || tag; decrypt: plaintext */
  expect?: string;
  expectError?: string;
}

export interface RngCase extends CaseBase {
  type: 'rng';
  seed?: string;
  length: number;
}

/**
 * Monte-Carlo hash test (CAVP SHAVS/SHA3VS): from `seed`, one checkpoint per `expect` entry, each
 * checkpoint the digest after 1,000 chained hashes. sha2: MD(i) = H(MD(i-3)||MD(i-2)||MD(i-1)) with the
 * window reset to the previous checkpoint; sha3: MD(i) = H(MD(i-1)).
 */
export interface HashMctCase extends CaseBase {
  type: 'hash-mct';
  variant: 'sha2' | 'sha3';
  seed: string;
  /** expected checkpoints, in order */
  expect: string[];
}

export type Case = HashCase | SkcipherCase | AeadCase | RngCase | HashMctCase;

/** A case without the fields a matrix request supplies (which transform, how the data is split). */
export type CaseBody = Omit<HashCase, 'ref' | 'alg' | 'strategy'> | Omit<SkcipherCase, 'ref' | 'alg' | 'strategy'> | Omit<AeadCase, 'ref' | 'alg' | 'strategy'> | Omit<HashMctCase, 'ref' | 'alg' | 'strategy'>;

/**
 * Every case × every transform × every strategy, in one request. Only outcomes that are not a plain
 * pass come back (and every outcome of a case with `report: true`), so a clean batch costs one line.
 * With `differential`, cases carry no `expect`: the first transform's one-shot output is the expected
 * value for every other transform and strategy.
 */
export interface MatrixRequestBody {
  algs: string[];
  strategies: SplitStrategy[];
  cases: Array<CaseBody & { report?: boolean; strategies?: SplitStrategy[] }>;
  differential?: boolean;
  /**
   * one operation that has not returned after this many seconds is a hang: the agent answers the
   * request with error code 'hang' (and the target needs a restart: the thread stays in the kernel)
   */
  hangSec?: number;
  /** transforms (unique driver names) run through the in-kernel executor instead of AF_ALG */
  kernelAlgs?: string[];
}

/** What hung: the error of a matrix request the agent's watchdog gave up on (code 'hang'). */
export interface MatrixHang {
  /** the transform bound (driver or generic name) */
  alg: string;
  strategy: SplitStrategy;
  /** index of the case in the request */
  index: number;
  /** encrypt, decrypt, digest… */
  op?: string;
  /** bytes of data the operation was given (AEAD: associated data + text) */
  bytes: number;
  /** how long the operation had been running when the watchdog gave up */
  seconds: number;
  /** the kernel's report that ended it at once (its first line: an oops, a BUG, a panic), when one did */
  fault?: string;
}

export interface MatrixOutcome extends CaseOutcome {
  /** index of the case in the request */
  index: number;
  alg: string;
  strategy: SplitStrategy;
  /** differential: the reference output the transform was compared with, on mismatch */
  expected?: string;
}

export interface MatrixResult {
  /** case × transform × strategy executions done */
  executed: number;
  outcomes: MatrixOutcome[];
}

export type CaseStatus = 'pass' | 'fail' | 'error';

export interface CaseOutcome {
  ref: string;
  status: CaseStatus;
  /** errno name when a syscall failed (status error, or fail when another error was expected) */
  error?: string;
  /** which step failed: bind, setkey, authsize, send, read */
  step?: string;
  /** output bytes, only when they differ from expect (or for rng) */
  got?: string;
}

/** How benchmark data reaches the kernel: sendmsg/read, or vmsplice+splice into the op socket. */
export type BenchPath = 'copy' | 'zerocopy';
export type BenchOp = 'encrypt' | 'decrypt' | 'digest';

/**
 * One driver × operation × data path, over several sizes. The timing loop runs inside the agent (or
 * inside the C reference program the agent starts): no protocol round trip inside a measurement.
 * Per size: a warm-up (not counted), then `repetitions` timed slices of `repetitionMs` each; with
 * `maxRepetitions`, more slices until the stopping rule (protocol/bench-stopping.ts) is met.
 */
export interface BenchRequestBody {
  type: 'hash' | 'skcipher' | 'aead';
  alg: string;
  /** `op` names the request itself */
  operation: BenchOp;
  path: BenchPath;
  /** payload bytes per operation (plaintext/ciphertext or message; the AAD is extra) */
  sizes: number[];
  /** base64; absent: unkeyed hash */
  key?: string;
  /** base64 */
  iv?: string;
  /** aead: AAD bytes in front of the payload (IPsec forms: counting the IV) */
  assocLength?: number;
  authsize?: number;
  warmupMs: number;
  repetitionMs: number;
  /** the fixed count, or with maxRepetitions the minimum */
  repetitions: number;
  /** adaptive: go on past `repetitions` until the spread is small enough, at most this many */
  maxRepetitions?: number;
  /** adaptive: stop once the 95 % confidence interval's half-width / mean is at most this (e.g. 0.03) */
  targetPrecision?: number;
  /** adaptive: a point's time share, warm-up included; no repetition starts past it (the minimum still runs) */
  pointBudgetMs?: number;
  /** run this C reference program instead of the agent's own loop (same arguments, same answer) */
  program?: string;
  /** 'kernel': through the in-kernel executor (/dev/afalg_kexec, copy path only), for drivers AF_ALG cannot reach */
  executor?: 'kernel';
}

export interface BenchRepetition {
  ops: number;
  ns: number;
}

/** Why an adaptive measurement stopped (protocol/bench-stopping.ts). */
export type BenchStop = 'precise' | 'max-repetitions' | 'time-share';

export interface BenchPoint {
  size: number;
  repetitions: BenchRepetition[];
  /** adaptive requests: why it stopped */
  stopped?: BenchStop;
}

export interface BenchResult {
  points: BenchPoint[];
  /** the engine that measured: agent (node + koffi) or the C program's path */
  engine: string;
}

/** Load a kernel module with parameters and capture what it wrote to the kernel log (tcrypt). */
export interface ModprobeRequestBody {
  module: string;
  /** key=value module parameters */
  params: string[];
}

/** Load a module from a file on the target (a fixture built on the host: over 9p on QEMU). */
export interface InsmodRequestBody {
  path: string;
  params: string[];
}

export interface ModprobeResult {
  /** modprobe's exit status (tcrypt always refuses to stay loaded: non-zero is normal for it) */
  exitCode: number;
  stderr: string;
  /** kernel log messages written while the module loaded, in order (text only) */
  log: string[];
  seconds: number;
  /** the rate of the kernel's cycle counter (x86: TSC, from the boot log), Hz; converts tcrypt's sec=0 cycle counts */
  cycleHz?: number;
}

/** The running kernel's config as the target has it: /proc/config.gz, else /boot/config-<release>. */
export interface KernelConfigText {
  /** the file read; absent when none of `tried` exists */
  source?: string;
  text?: string;
  tried: string[];
}

/** One record of the target's kernel log, as /dev/kmsg gives it. */
export interface KernelLogRecord {
  /** the kernel's sequence number: the cursor */
  seq: number;
  /** syslog level, 0 (emerg) … 7 (debug) */
  level: number;
  /** microseconds since boot */
  usec: number;
  /** the message (kmsg's \xNN escapes undone: a tab is a tab) */
  text: string;
}

/**
 * The kernel log records from `since` on (default 0: what the kernel's buffer still holds since
 * boot); `follow: true` makes the agent push every later record as a KernelLogEvent, from a reader
 * thread of its own (the pushes go on while a request is stuck in the kernel or was killed by an oops).
 */
export interface KernelLogRequestBody {
  since?: number;
  follow?: boolean;
  /** at most this many records in the answer */
  max?: number;
}

export interface KernelLogResult {
  records: KernelLogRecord[];
  /** the cursor after the last record returned */
  next: number;
  /** records asked for that are gone (overwritten in the kernel's buffer) */
  dropped: number;
  /** /proc/sys/kernel/tainted (-1 when unreadable) */
  tainted: number;
  following: boolean;
}

export type Request =
  | { id: number; op: 'hello' }
  | { id: number; op: 'proc-crypto' }
  | { id: number; op: 'kernel-config' }
  | { id: number; op: 'bind'; probes: BindProbe[] }
  | { id: number; op: 'resolve'; probes: BindProbe[] }
  | { id: number; op: 'run'; cases: Case[] }
  | ({ id: number; op: 'matrix' } & MatrixRequestBody)
  | ({ id: number; op: 'bench' } & BenchRequestBody)
  | ({ id: number; op: 'modprobe' } & ModprobeRequestBody)
  | ({ id: number; op: 'insmod' } & InsmodRequestBody)
  /** one in-kernel executor frame (kernel-executor.ts), base64 */
  | { id: number; op: 'kexec'; frame: string }
  | ({ id: number; op: 'kernel-log' } & KernelLogRequestBody)
  | { id: number; op: 'bye' };

export type RequestOp = Request['op'];

export interface ResultOf {
  hello: HelloResult;
  'proc-crypto': { text: string };
  'kernel-config': KernelConfigText;
  bind: { results: BindProbeResult[] };
  resolve: { results: ResolveResult[] };
  run: { outcomes: CaseOutcome[] };
  matrix: MatrixResult;
  bench: BenchResult;
  modprobe: ModprobeResult;
  insmod: ModprobeResult;
  /** the module's reply frame, base64 */
  kexec: { reply: string };
  'kernel-log': KernelLogResult;
  bye: Record<string, never>;
}

export interface AgentError {
  message: string;
  code?: string;
  /** code 'hang': the operation that never returned */
  hang?: MatrixHang;
}

export type Response =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: AgentError };

/** Unsolicited: the agent announces it is listening. */
export interface ReadyEvent {
  event: 'ready';
  agentVersion: string;
  pid: number;
}

/** Unsolicited, after a `kernel-log` request with follow: new kernel log records, in order. */
export interface KernelLogEvent {
  event: 'kernel-log';
  records: KernelLogRecord[];
  /** /proc/sys/kernel/tainted when the records were sent */
  tainted: number;
  /** records lost before these (overwritten in the kernel's buffer) */
  dropped?: number;
}

export type AgentMessage = Response | ReadyEvent | KernelLogEvent;
