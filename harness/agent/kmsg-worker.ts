/**
 * The agent's kernel-log reader, a worker thread of its own: it polls a non-blocking /dev/kmsg,
 * keeps the records in a ring, answers the main thread's `kernel-log` queries, and — once asked to
 * follow — pushes every new record to the host itself. On a device link it writes the frames to
 * the link's descriptor directly (under the shared link lock), so the records of an oops still
 * reach the host when the oops killed the thread that made the request, the main thread included.
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { encodeFrame } from '../protocol/codec.js';
import type { KernelLogRecord, KernelLogRequestBody, KernelLogResult } from '../protocol/messages.js';
import { KmsgRing, parseKmsgRecord } from './kmsg-records.js';
import { LinkLock, writeAllSync } from './link-lock.js';
import { KERNEL_FAULT_LINE } from '../protocol/constants.js';

export interface KmsgWorkerData {
  /** the link's descriptor, when frames may be written from this thread; else they go to the main thread */
  linkFd?: number;
  lockCells: Int32Array;
  pollMs: number;
}

/** Records per pushed frame: keeps a frame well under a virtio port's 32 KiB write. */
const RECORDS_PER_FRAME = 64;

const { linkFd, lockCells, pollMs } = workerData as KmsgWorkerData;
const lock = new LinkLock(lockCells);
const ring = new KmsgRing();
let following = false;
/** the sequence number of the first record not pushed yet */
let pushFrom = 0;
const kmsg = fs.openSync('/dev/kmsg', fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
const buffer = Buffer.alloc(8192);

function readAvailable(): void {
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(kmsg, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') return;
      if (code === 'EPIPE') continue; // overwritten before we read them: the sequence numbers show the gap
      throw error;
    }
    if (n === 0) return;
    const record = parseKmsgRecord(buffer.toString('utf8', 0, n));
    if (!record) continue;
    ring.add(record);
    // the main thread ends the request in flight at once (when it is still alive to do so)
    if (following && KERNEL_FAULT_LINE.test(record.text)) parentPort?.postMessage({ fault: record.text });
  }
}

function tainted(): number {
  try {
    return Number(fs.readFileSync('/proc/sys/kernel/tainted', 'utf8').trim());
  } catch {
    return -1;
  }
}

function send(records: KernelLogRecord[], dropped: number): void {
  const frame = encodeFrame({ event: 'kernel-log', records, tainted: tainted(), ...(dropped > 0 ? { dropped } : {}) });
  if (linkFd === undefined) parentPort?.postMessage({ frame });
  else lock.holding(() => writeAllSync(linkFd, Buffer.from(frame), (fd, bytes, offset) => fs.writeSync(fd, bytes, offset)));
}

function pushNew(): void {
  if (!following) return;
  for (;;) {
    const { records, next, dropped } = ring.since(pushFrom, RECORDS_PER_FRAME);
    if (records.length === 0) return;
    pushFrom = next;
    send(records, dropped);
  }
}

function poll(): void {
  try {
    readAvailable();
    pushNew();
  } catch (error) {
    parentPort?.postMessage({ failed: `kernel log reader: ${(error as Error).message}` });
  }
}

parentPort?.on('message', (message: { id: number; body: KernelLogRequestBody }) => {
  readAvailable();
  const answer = ring.since(message.body.since ?? 0, message.body.max);
  if (message.body.follow !== undefined) following = message.body.follow;
  pushFrom = answer.next;
  const result: KernelLogResult = { ...answer, tainted: tainted(), following };
  parentPort?.postMessage({ id: message.id, result });
});

setInterval(poll, pollMs);
