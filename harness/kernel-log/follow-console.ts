/**
 * The kernel's reports as its console prints them (a QEMU guest's console, a board's serial
 * console), parsed live: the one source left when the kernel panics — the agent's /dev/kmsg reader
 * dies with the rest of the system, the console's last lines still reach the host. An event whose
 * end never comes (the console stopped mid-report) is handed over once it has been quiet for
 * `idleFlushMs`.
 *
 * The same report usually arrives through both the console and the agent's reader: EventsSeen
 * tells the second copy apart (same kind and first line, same kernel timestamp, or close in time
 * when one copy carries none).
 */
import { KernelEventParser, type KernelEvent } from './kernel-events.js';

/** A console whose lines can be listened to (harness/targets' KernelConsole). */
export interface ConsoleLineSource {
  onLine(listener: (line: string) => void): () => void;
}

export interface ConsoleFollow {
  /** Stop listening and hand over the event in progress, if any. */
  stop(): void;
}

export function followConsole(console: ConsoleLineSource, onEvent: (event: KernelEvent) => void, options: { idleFlushMs?: number } = {}): ConsoleFollow {
  const parser = new KernelEventParser();
  const idleFlushMs = options.idleFlushMs ?? 1000;
  let idle: NodeJS.Timeout | undefined;
  const emit = (events: KernelEvent[]): void => events.forEach((event) => onEvent(event));
  const unsubscribe = console.onLine((line) => {
    emit(parser.push(line));
    clearTimeout(idle);
    if (parser.inEvent) idle = setTimeout(() => emit(parser.flush()), idleFlushMs);
  });
  return {
    stop() {
      unsubscribe();
      clearTimeout(idle);
      emit(parser.flush());
    },
  };
}

/** Two copies without a kernel timestamp to compare are the same report when they arrive this close. */
const UNSTAMPED_SAME_WITHIN_MS = 10_000;

type ReportIdentity = Pick<KernelEvent, 'kind' | 'title' | 'timestamp'>;

/**
 * Whether two copies are one report: same kind and first line, and the same kernel timestamp
 * (copies without one to compare: `closeInTime`, whether they arrived close together).
 */
export function sameReport(one: ReportIdentity, other: ReportIdentity, closeInTime = true): boolean {
  if (one.kind !== other.kind || one.title !== other.title) return false;
  return one.timestamp !== undefined && other.timestamp !== undefined ? Math.abs(one.timestamp - other.timestamp) < 5e-7 : closeInTime;
}

/** The reports already recorded, to record each once whichever source brings it first. */
export class EventsSeen {
  private readonly seen = new Map<string, Array<{ identity: ReportIdentity; atMs: number }>>();

  /** Whether `event` is new (and remember it); a copy of one already seen answers false. */
  firstTime(event: ReportIdentity, nowMs = Date.now()): boolean {
    const key = `${event.kind}\n${event.title}`;
    const copies = this.seen.get(key) ?? [];
    const same = copies.some((copy) => sameReport(copy.identity, event, Math.abs(copy.atMs - nowMs) <= UNSTAMPED_SAME_WITHIN_MS));
    if (same) return false;
    copies.push({ identity: { kind: event.kind, title: event.title, ...(event.timestamp !== undefined ? { timestamp: event.timestamp } : {}) }, atMs: nowMs });
    this.seen.set(key, copies);
    return true;
  }
}
