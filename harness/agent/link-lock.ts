/**
 * One writer at a time on the agent's link: the main thread writes answers, the kernel-log reader
 * thread writes pushed records, both straight to the same file descriptor, and a frame must reach
 * the host whole. A lock in shared memory; a holder that died (its thread killed in the kernel
 * mid-write) is outwaited: after STALE_MS the lock is taken anyway.
 */
const FREE = 0;
const HELD = 1;
const STALE_MS = 2000;

export class LinkLock {
  constructor(readonly cells: Int32Array = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT))) {}

  acquire(): void {
    const started = Date.now();
    while (Atomics.compareExchange(this.cells, 0, FREE, HELD) !== FREE) {
      if (Date.now() - started > STALE_MS) {
        Atomics.store(this.cells, 0, HELD);
        return;
      }
      Atomics.wait(this.cells, 0, HELD, 50);
    }
  }

  release(): void {
    Atomics.store(this.cells, 0, FREE);
    Atomics.notify(this.cells, 0, 1);
  }

  /** Run `write` holding the lock. */
  holding<T>(write: () => T): T {
    this.acquire();
    try {
      return write();
    } finally {
      this.release();
    }
  }
}

/** Write all of `bytes` to `fd` (a partial write continues; EAGAIN on a non-blocking descriptor waits a little). */
export function writeAllSync(fd: number, bytes: Buffer, write: (fd: number, bytes: Buffer, offset: number) => number): void {
  let offset = 0;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (offset < bytes.length) {
    try {
      offset += write(fd, bytes, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}
