/**
 * Runs matrix requests on several worker threads, each with its own AF_ALG session: the cases of a
 * request are split into contiguous shares, and the answers merged back with their indexes. On a
 * two-CPU guest this keeps both CPUs busy with kernel crypto instead of one.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { MatrixOutcome, MatrixRequestBody, MatrixResult } from '../protocol/messages.js';

interface Pending {
  resolve(result: MatrixResult): void;
  reject(error: Error): void;
}

/** Fewer cases than this run on one worker: the split would cost more than it saves. */
const MIN_CASES_PER_WORKER = 8;

export class MatrixPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./matrix-worker.js', import.meta.url));
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
      this.workers.push(worker);
    }
  }

  /** One worker per CPU the target has, at most `max`; none on a single-CPU target. */
  static forThisMachine(max = 4): MatrixPool | undefined {
    const cpus = Math.min(os.availableParallelism(), max);
    return cpus >= 2 ? new MatrixPool(cpus) : undefined;
  }

  private send(worker: Worker, body: MatrixRequestBody): Promise<MatrixResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, body });
    });
  }

  async run(body: MatrixRequestBody): Promise<MatrixResult> {
    const shares = Math.max(1, Math.min(this.workers.length, Math.floor(body.cases.length / MIN_CASES_PER_WORKER)));
    const size = Math.ceil(body.cases.length / shares);
    const parts = await Promise.all(
      Array.from({ length: shares }, (_, share) =>
        this.send(this.workers[share] as Worker, { ...body, cases: body.cases.slice(share * size, (share + 1) * size) }).then((result) => ({ result, offset: share * size })),
      ),
    );
    const outcomes: MatrixOutcome[] = [];
    let executed = 0;
    for (const { result, offset } of parts) {
      executed += result.executed;
      for (const outcome of result.outcomes) outcomes.push({ ...outcome, index: outcome.index + offset, ref: String(outcome.index + offset) });
    }
    return { executed, outcomes };
  }

  close(): Promise<number[]> {
    return Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
