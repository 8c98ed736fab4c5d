/**
 * The main thread's handle on the kernel-log reader thread (kmsg-worker.ts): started on the first
 * `kernel-log` request, asked for records since a cursor, told to follow. Frames the reader cannot
 * write itself (a stdio link, whose stream only this thread may write) come back here to be sent.
 */
import { Worker } from 'node:worker_threads';
import type { KernelLogRequestBody, KernelLogResult } from '../protocol/messages.js';
import type { KmsgWorkerData } from './kmsg-worker.js';
import type { LinkLock } from './link-lock.js';

/** How often the reader looks for new records. */
const POLL_MS = 100;

interface Pending {
  resolve(result: KernelLogResult): void;
  reject(error: Error): void;
}

export class KernelLogWatch {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: string | undefined;

  /**
   * @param link.fd the link's descriptor when the reader may write to it (a device link); absent for stdio
   * @param link.write sends a frame from this thread (stdio links)
   */
  constructor(link: { fd?: number; lock: LinkLock; write(frame: string): void }, onFault: (line: string) => void = () => undefined) {
    const data: KmsgWorkerData = { lockCells: link.lock.cells, pollMs: POLL_MS, ...(link.fd !== undefined ? { linkFd: link.fd } : {}) };
    this.worker = new Worker(new URL('./kmsg-worker.js', import.meta.url), { workerData: data });
    this.worker.on('message', (message: { id?: number; result?: KernelLogResult; frame?: string; failed?: string; fault?: string }) => {
      if (message.frame !== undefined) link.write(message.frame);
      if (message.fault !== undefined) onFault(message.fault);
      if (message.failed !== undefined) this.fail(message.failed);
      if (message.id === undefined || !message.result) return;
      this.pending.get(message.id)?.resolve(message.result);
      this.pending.delete(message.id);
    });
    this.worker.on('error', (error) => this.fail(`kernel log reader: ${error.message}`));
    this.worker.unref();
  }

  query(body: KernelLogRequestBody): Promise<KernelLogResult> {
    if (this.failure) return Promise.reject(new Error(this.failure));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, body });
    });
  }

  private fail(reason: string): void {
    this.failure = reason;
    for (const pending of this.pending.values()) pending.reject(new Error(reason));
    this.pending.clear();
  }
}
