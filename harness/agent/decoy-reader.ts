/**
 * The `concurrent` strategy's second thread, seen from the session: `start` has it read the decoy's
 * socket while the caller reads the case's, `finish` waits for its answer. Two threads are what
 * puts two AF_ALG requests of one transform in flight at once: current kernels run an AIO read of
 * an AF_ALG socket synchronously (a stable fix; mainline removed AIO on sockets).
 */
import { Worker } from 'node:worker_threads';

/** the shared cells: what the thread is to do, the socket, the length, and what came back */
export const DECOY_CELLS = { state: 0, fd: 1, length: 2, result: 3 } as const;
export const DECOY_STATE = { idle: 0, go: 1, done: 2, quit: 3 } as const;

export interface DecoyWorkerData {
  cells: SharedArrayBuffer;
  answer: SharedArrayBuffer;
}

export class DecoyReader {
  private readonly cells = new Int32Array(new SharedArrayBuffer(4 * 4));
  private readonly answer: Uint8Array;
  private readonly worker: Worker;

  /** @param capacity the longest answer it reads */
  constructor(capacity: number) {
    this.answer = new Uint8Array(new SharedArrayBuffer(capacity));
    const data: DecoyWorkerData = { cells: this.cells.buffer as SharedArrayBuffer, answer: this.answer.buffer as SharedArrayBuffer };
    this.worker = new Worker(new URL('./decoy-worker.js', import.meta.url), { workerData: data });
    // the agent's exit does not wait for it
    this.worker.unref();
  }

  /** Read `length` bytes (0: offer one, expect none) from `fd` on the other thread, now. */
  start(fd: number, length: number): void {
    Atomics.store(this.cells, DECOY_CELLS.fd, fd);
    Atomics.store(this.cells, DECOY_CELLS.length, length);
    Atomics.store(this.cells, DECOY_CELLS.state, DECOY_STATE.go);
    Atomics.notify(this.cells, DECOY_CELLS.state);
  }

  /** Wait for the read `start` began: bytes read (a copy of them) or -errno. */
  finish(): { result: number; bytes: Buffer } {
    while (Atomics.load(this.cells, DECOY_CELLS.state) === DECOY_STATE.go) Atomics.wait(this.cells, DECOY_CELLS.state, DECOY_STATE.go);
    const result = Atomics.load(this.cells, DECOY_CELLS.result);
    Atomics.store(this.cells, DECOY_CELLS.state, DECOY_STATE.idle);
    return { result, bytes: Buffer.from(this.answer.subarray(0, Math.max(0, result))) };
  }

  close(): void {
    Atomics.store(this.cells, DECOY_CELLS.state, DECOY_STATE.quit);
    Atomics.notify(this.cells, DECOY_CELLS.state);
    void this.worker.terminate();
  }
}
