/**
 * Runs matrix requests on worker threads, each with its own AF_ALG session: the cases of a request
 * are split into contiguous shares, and the answers merged back with their indexes. On a two-CPU
 * guest this keeps both CPUs busy with kernel crypto instead of one.
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
import { ProgressBeacon, StallWatch } from './progress-beacon.js';
import { ALL_STRATEGIES, MAX_WORKERS, MIN_CASES_PER_WORKER } from '../protocol/constants.js';

interface Pending {
  resolve(result: MatrixResult): void;
  reject(error: Error): void;
}


/** A matrix request one of whose operations never returned. */
/** After a kernel fault report, how long a worker may still answer before it counts as killed by it. */
const FAULT_SETTLE_MS = 500;

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

export class MatrixPool {
  private readonly workers: Array<{ worker: Worker; beacon: ProgressBeacon }> = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** set once an operation hung: a worker is lost in the kernel for good */
  private hung: HangError | undefined;
  /** a kernel fault report seen while a request runs: when, and its first line */
  private fault: { atMs: number; line: string } | undefined;

  /** one per worker: settled once it has started (or failed to) */
  private readonly started: Array<Promise<void>> = [];

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const beacon = ProgressBeacon.create();
      const worker = new Worker(new URL('./matrix-worker.js', import.meta.url), { workerData: { beacon: beacon.cells } });
      this.started.push(new Promise<void>((settle) => {
        worker.on('message', (message: { started?: boolean }) => message.started && settle());
        worker.once('error', () => settle());
        worker.once('exit', () => settle());
      }));
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
   * One worker per CPU the target has, at most `max`, and one on a single-CPU target: the main
   * thread must stay free to notice a hang.
   */
  static forThisMachine(max = MAX_WORKERS): MatrixPool {
    return new MatrixPool(Math.max(1, Math.min(os.availableParallelism(), max)));
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
    const shares = Math.max(1, Math.min(this.workers.length, Math.floor(body.cases.length / MIN_CASES_PER_WORKER)));
    const size = Math.ceil(body.cases.length / shares);
    const hangMs = (body.hangSec ?? DEFAULT_HANG_SEC) * 1000;
    const running = Array.from({ length: shares }, (_, share) => {
      const { worker, beacon } = this.workers[share] as { worker: Worker; beacon: ProgressBeacon };
      const offset = share * size;
      const state = { done: false, watch: new StallWatch(beacon, Date.now()), beacon, offset, sequenceAtFault: undefined as number | undefined };
      const answer = this.send(worker, { ...body, cases: body.cases.slice(offset, offset + size) }).then((result) => {
        state.done = true;
        return { result, offset };
      });
      return { state, answer };
    });
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<never>((_, reject) => {
      timer = setInterval(() => {
        const now = Date.now();
        for (const { state } of running) {
          if (state.done) continue;
          const stalled = state.watch.stalledMs(now);
          // a worker whose beacon has not moved since the first look after a kernel fault report
          // (given a moment to answer) died with it
          if (this.fault && state.sequenceAtFault === undefined) state.sequenceAtFault = state.beacon.read().sequence;
          const dead = this.fault !== undefined && now - this.fault.atMs >= FAULT_SETTLE_MS && state.beacon.read().sequence === state.sequenceAtFault;
          const fault = dead ? this.fault?.line : undefined;
          if (stalled < hangMs && fault === undefined) continue;
          const at = state.beacon.read();
          const index = state.offset + at.caseIndex;
          const wire = body.cases[index];
          const op = wire ? opOf(wire) : undefined;
          this.hung = new HangError({
            alg: body.algs[at.algIndex] ?? body.algs[0] ?? '',
            strategy: ALL_STRATEGIES[at.strategyIndex] ?? 'oneshot',
            index,
            ...(op !== undefined ? { op } : {}),
            bytes: wire ? bytesOf(wire) : 0,
            seconds: Math.round(stalled / 1000),
            ...(fault !== undefined ? { fault } : {}),
          });
          reject(this.hung);
          return;
        }
      }, Math.min(FAULT_SETTLE_MS, Math.max(50, hangMs / 4)));
    });
    try {
      const parts = await Promise.race([Promise.all(running.map((one) => one.answer)), watchdog]);
      const outcomes: MatrixOutcome[] = [];
      let executed = 0;
      for (const { result, offset } of parts) {
        executed += result.executed;
        for (const outcome of result.outcomes) outcomes.push({ ...outcome, index: outcome.index + offset, ref: String(outcome.index + offset) });
      }
      return { executed, outcomes };
    } finally {
      clearInterval(timer);
    }
  }

  /**
   * Resolves once every worker has started, or after `limitMs`. The agent waits for it before it
   * exits: a process exit while a worker is still loading koffi aborts the whole process (koffi's
   * napi_throw fails in a terminating thread: "FATAL ERROR: Error::ThrowAsJavaScriptException").
   */
  whenStarted(limitMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((settle) => (timer = setTimeout(settle, limitMs)));
    return Promise.race([Promise.all(this.started).then(() => undefined), limit]).finally(() => clearTimeout(timer));
  }

  close(): Promise<number[]> {
    // a worker lost in the kernel cannot be joined; the process exits without it
    if (this.hung) return Promise.resolve([]);
    return Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }
}
