/**
 * Kernel log records as /dev/kmsg gives them, one per read: `<prio>,<seq>,<usec>,<flags>[,…];<text>`
 * then optional ` KEY=value` dictionary lines. Kept in a bounded ring, so a host can ask for the
 * records since a cursor (their sequence numbers) and be told how many it missed.
 */
import type { KernelLogRecord } from '../protocol/messages.js';

const RECORD = /^(\d+),(\d+),(\d+),[^;]*;([^\n]*)/;

/** One record read from /dev/kmsg, or undefined for anything else. */
export function parseKmsgRecord(record: string): KernelLogRecord | undefined {
  const match = RECORD.exec(record);
  if (!match) return undefined;
  // kmsg escapes non-printable bytes (a tab is \x09), each byte of a UTF-8 character too: the
  // protocol carries the text itself (split's capture puts the escapes at the odd indices)
  const parts = (match[4] as string).split(/(\\x[0-9a-f]{2})/);
  const text = Buffer.concat(parts.map((part, index) => (index % 2 ? Buffer.from([parseInt(part.slice(2), 16)]) : Buffer.from(part, 'utf8')))).toString('utf8');
  return { seq: Number(match[2]), level: Number(match[1]) & 7, usec: Number(match[3]), text };
}

export class KmsgRing {
  private readonly records: KernelLogRecord[] = [];

  constructor(private readonly capacity = 4096) {}

  add(record: KernelLogRecord): void {
    this.records.push(record);
    if (this.records.length > this.capacity) this.records.splice(0, this.records.length - this.capacity);
  }

  /** the cursor after the newest record (0 when none) */
  get next(): number {
    const last = this.records.at(-1);
    return last ? last.seq + 1 : 0;
  }

  /**
   * The records from sequence number `since` on, at most `max`; `dropped` counts the ones before
   * the oldest kept (overwritten in the kernel's buffer or pushed out of the ring) that were asked for.
   */
  since(since: number, max = this.capacity): { records: KernelLogRecord[]; next: number; dropped: number } {
    const records = this.records.filter((record) => record.seq >= since).slice(0, max);
    const first = records[0]?.seq ?? this.next;
    const last = records.at(-1);
    return { records, next: last ? last.seq + 1 : Math.max(since, this.next), dropped: Math.max(0, first - since) };
  }
}
