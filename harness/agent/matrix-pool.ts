/**
 * Runs matrix requests on worker threads, each with its own AF_ALG session: the cases of a request
 * are cut into contiguous slices that the workers take one at a time as they come free, and the
 * answers merged back with their indexes. On a two-CPU guest this keeps both CPUs busy with kernel
 * crypto until the request's last slice.
 *
 * The workers also keep the agent's main thread out of the kernel: while they run, the main thread
 * watches their progress beacons, and an operation that has not returned within the request's hang
 * limit is reported as a hang (HangError) naming the transform, case, strategy and length. The
 * worker cannot be freed (it sleeps uninterruptibly in the kernel), so the pool refuses further
 * matrix requests: the target needs a restart.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { DEFAULT_HANG_SEC } from '../protocol/constants.js';
import { type MatrixHang, type MatrixOutcome, type MatrixRequestBody, type MatrixResult } from '../protocol/messages.js';
import { ProgressBeacon, StallWatch, type BeaconPosition } from './progress-beacon.js';
import { ALL_STRATEGIES, MAX_WORKERS, MIN_CASES_PER_WORKER, WORKERS_PER_CPU } from '../protocol/constants.js';

/** Slices per worker a request is cut into (more: a better balance, more hand-overs). */
const SLICES_PER_WORKER = 6;
/** Slices a worker holds: the one it runs and the next, already in its queue. */
const SLICES_IN_HAND = 2;
/** No slice is smaller than this many cases (unless the request is). */
const MIN_CASES_PER_SLICE = 4;

interface Pending {
  resolve(result: MatrixResult): void;
  reject(error: Error): void;
}

/** After a kernel fault report, how long a worker may still answer before it counts as killed by it. */
const FAULT_SETTLE_MS = 500;

/** A matrix request one of whose operations never returned. */
export class HangError extends Error {
  readonly code = 'hang';
  constructor(readonly hang: MatrixHang) {
    super(
      hang.fault !== undefined
        ? `${hang.alg}: the kernel reported "${hang.fault}" during ${hang.op ?? 'an operation'} of ${hang.bytes} bytes (case ${hang.index}, strategy ${hang.strategy})`
        : `${hang.alg} did not complete ${hang.op ?? 'an operation'} of ${hang.bytes} bytes (case ${hang.index}, strategy ${hang.strategy}) within ${hang.seconds} s: the driver hangs`,
    );
  }
}

/** Bytes of data one execution of a case hands the kernel. */
function bytesOf(body: MatrixRequestBody['cases'][number]): number {
  const size = (base64: string | undefined): number => (base64 === undefined ? 0 : Buffer.byteLength(base64, 'base64'));
  switch (body.type) {
    case 'hash':
      return size(body.msg);
    case 'skcipher':
      return size(body.input);
    case 'aead':
      return size(body.assoc) + size(body.input);
    case 'hash-mct':
      return 3 * size(body.seed);
    default:
      return 0;
  }
}

function opOf(body: MatrixRequestBody['cases'][number]): string | undefined {
  if (body.type === 'skcipher' || body.type === 'aead') return body.op;
  if (body.type === 'hash') return body.key !== undefined ? 'mac' : 'digest';
  if (body.type === 'hash-mct') return 'mct';
  return undefined;
}

/** A contiguous run of a request's cases (and of its transforms) handed to one worker at a time. */
export interface Slice {
  offset: number;
  size: number;
  /** the transforms it runs, as a run of the request's algs (absent: all of them) */
  algs?: { offset: number; count: number };
}

/**
 * Cut a request's cases into slices for `workers` workers: about SLICES_PER_WORKER each, so that a
 * worker that drew cheap cases takes more instead of waiting for the other (cases differ a
 * hundredfold in cost: a 1-byte hash, a 64 KiB one sent in 17-byte chunks, a Monte-Carlo case).
 * Consecutive cases that name a socket stay together: they share sockets (and keys) on purpose.
 */
export function slicesOf(cases: ReadonlyArray<{ socket?: number }>, workers: number): Slice[] {
  const count = cases.length;
  if (workers <= 1) return count > 0 ? [{ offset: 0, size: count }] : [];
  const target = Math.max(MIN_CASES_PER_SLICE, Math.ceil(count / (workers * SLICES_PER_WORKER)));
  const slices: Slice[] = [];
  let offset = 0;
  while (offset < count) {
    let end = Math.min(count, offset + target);
    while (end < count && cases[end]?.socket !== undefined && cases[end - 1]?.socket !== undefined) end++;
    slices.push({ offset, size: end - offset });
    offset = end;
  }
  return slices;
}

/**
 * A request with too few cases to share (a Monte-Carlo case: 10,000 chained digests per transform)
 * is shared by transform instead: one slice per alg. Not a differential request, whose first
 * transform's output is what the others are compared with.
 */
export function slicesByAlg(body: Pick<MatrixRequestBody, 'algs' | 'cases' | 'differential'>, workers: number): Slice[] | undefined {
  if (workers <= 1 || body.differential || body.algs.length <= 1 || body.cases.length >= 2 * MIN_CASES_PER_WORKER) return undefined;
  return body.algs.map((_, index) => ({ offset: 0, size: body.cases.length, algs: { offset: index, count: 1 } }));
}

/**
 * The answers of a request's slices as one answer, case indexes counted from the request's start,
 * in the order one session answers: by case, then by transform.
 */
export function mergeSlices(parts: ReadonlyArray<{ result: MatrixResult; slice: Slice }>): MatrixResult {
  const outcomes: MatrixOutcome[] = [];
  let executed = 0;
  const order = (slice: Slice): number => slice.offset * 1e4 + (slice.algs?.offset ?? 0);
  for (const { result, slice } of [...parts].sort((a, b) => order(a.slice) - order(b.slice))) {
    executed += result.executed;
    for (const outcome of result.outcomes) outcomes.push({ ...outcome, index: outcome.index + slice.offset, ref: String(outcome.index + slice.offset) });
  }
  // slices by transform each hold every case: bring each case's outcomes together (a stable sort keeps the transform order)
  if (parts.some(({ slice }) => slice.algs !== undefined)) outcomes.sort((a, b) => a.index - b.index);
  return { executed, outcomes };
}

/** The part of a request one slice is. */
function sliceBody(body: MatrixRequestBody, slice: Slice): MatrixRequestBody {
  const part = { ...body, cases: body.cases.slice(slice.offset, slice.offset + slice.size) };
  return slice.algs ? { ...part, algs: body.algs.slice(slice.algs.offset, slice.algs.offset + slice.algs.count) } : part;
}

/** The hang a stalled (or fault-killed) worker stands for, from where its beacon stopped. */
function hangOf(body: MatrixRequestBody, slice: Slice, at: BeaconPosition, stalledMs: number, fault: string | undefined): HangError {
  const index = slice.offset + at.caseIndex;
  const wire = body.cases[index];
  const op = wire ? opOf(wire) : undefined;
  return new HangError({
    alg: body.algs[(slice.algs?.offset ?? 0) + at.algIndex] ?? body.algs[0] ?? '',
    strategy: ALL_STRATEGIES[at.strategyIndex] ?? 'oneshot',
    index,
    ...(op !== undefined ? { op } : {}),
    bytes: wire ? bytesOf(wire) : 0,
    seconds: Math.round(stalledMs / 1000),
    ...(fault !== undefined ? { fault } : {}),
  });
}

export class MatrixPool {
  private readonly workers: Array<{ worker: Worker; beacon: ProgressBeacon }> = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** set once an operation hung: a worker is lost in the kernel for good */
  private hung: HangError | undefined;
  /** a kernel fault report seen while a request runs: when, and its first line */
  private fault: { atMs: number; line: string } | undefined;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const beacon = ProgressBeacon.create();
      const worker = new Worker(new URL('./matrix-worker.js', import.meta.url), { workerData: { beacon: beacon.cells } });
      worker.on('message', (message: { id: number; result?: MatrixResult; error?: string }) => {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if (message.result) pending.resolve(message.result);
        else pending.reject(new Error(message.error ?? 'worker failed'));
      });
      worker.on('error', (error) => {
        for (const pending of this.pending.values()) pending.reject(error);
        this.pending.clear();
      });
      worker.unref();
      this.workers.push({ worker, beacon });
    }
  }

  /**
   * WORKERS_PER_CPU workers per CPU the target has, at most `max`; never none: the main thread
   * must stay free to notice a hang.
   */
  static forThisMachine(max = MAX_WORKERS): MatrixPool {
    return new MatrixPool(Math.max(1, Math.min(os.availableParallelism() * WORKERS_PER_CPU, max)));
  }

  private send(worker: Worker, body: MatrixRequestBody): Promise<MatrixResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, body });
    });
  }

  /**
   * The kernel reported a fault (an oops killed the task that made the request): the worker whose
   * beacon has not moved since is answered as hung at once, with the report's first line.
   */
  kernelFault(line: string): void {
    // the report's first line names it (BUG: … before Oops: …); later lines of it change nothing
    this.fault ??= { atMs: Date.now(), line };
  }

  async run(body: MatrixRequestBody): Promise<MatrixResult> {
    if (this.hung) throw new HangError({ ...this.hung.hang });
    // only a report that comes while this request runs can have killed one of its workers
    this.fault = undefined;
    const byAlg = slicesByAlg(body, this.workers.length);
    const used = byAlg ? Math.min(this.workers.length, byAlg.length) : Math.max(1, Math.min(this.workers.length, Math.floor(body.cases.length / MIN_CASES_PER_WORKER)));
    const slices = byAlg ?? slicesOf(body.cases, used);
    const hangMs = (body.hangSec ?? DEFAULT_HANG_SEC) * 1000;
    const parts: Array<{ result: MatrixResult; slice: Slice }> = [];
    let next = 0;
    // set when the request has ended (answered, hung, or a worker failed): no worker takes another slice of it
    let ended = false;
    const running = this.workers.slice(0, used).map(({ worker, beacon }) => ({ worker, beacon, done: false, slice: { offset: 0, size: 0 } as Slice, watch: new StallWatch(beacon, Date.now()), sequenceAtFault: undefined as number | undefined }));
    // each worker takes the next slice as soon as it is free: the request ends with its slowest slice,
    // not its slowest half; it holds SLICES_IN_HAND, so it never waits for this thread (parsing the next request)
    const drive = async (state: (typeof running)[number]): Promise<void> => {
      const inHand: Array<{ slice: Slice; answer: Promise<MatrixResult> }> = [];
      const take = (upTo: number): void => {
        while (inHand.length < upTo && next < slices.length && !ended) {
          const slice = slices[next++] as Slice;
          const answer = this.send(state.worker, sliceBody(body, slice));
          // a failing worker fails every slice it holds; only the one awaited reports it
          answer.catch(() => undefined);
          inHand.push({ slice, answer });
        }
      };
      take(1);
      // every worker has its first slice before any takes a second
      await Promise.resolve();
      take(SLICES_IN_HAND);
      for (let current = inHand[0]; current; current = inHand[0]) {
        // the worker runs its slices in order: a hang is in the oldest one unanswered
        state.slice = current.slice;
        parts.push({ result: await current.answer, slice: current.slice });
        inHand.shift();
        take(SLICES_IN_HAND);
      }
      state.done = true;
    };
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<never>((_, reject) => {
      timer = setInterval(() => {
        const now = Date.now();
        for (const state of running) {
          if (state.done) continue;
          const stalled = state.watch.stalledMs(now);
          // a worker whose beacon has not moved since the first look after a kernel fault report
          // (given a moment to answer) died with it
          if (this.fault && state.sequenceAtFault === undefined) state.sequenceAtFault = state.beacon.read().sequence;
          const dead = this.fault !== undefined && now - this.fault.atMs >= FAULT_SETTLE_MS && state.beacon.read().sequence === state.sequenceAtFault;
          const fault = dead ? this.fault?.line : undefined;
          if (stalled < hangMs && fault === undefined) continue;
          this.hung = hangOf(body, state.slice, state.beacon.read(), stalled, fault);
          reject(this.hung);
          return;
        }
      }, Math.min(FAULT_SETTLE_MS, Math.max(50, hangMs / 4)));
    });
    try {
      await Promise.race([Promise.all(running.map(drive)), watchdog]);
      return mergeSlices(parts);
    } finally {
      ended = true;
      clearInterval(timer);
    }
  }

  close(): Promise<number[]> {
    // a worker lost in the kernel cannot be joined; the process exits without it
    if (this.hung) return Promise.resolve([]);
    return Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }
}
