/**
 * The target's kernel log as events, live: asks the agent for the records it holds (the boot log)
 * and to push every later one, feeds them in order to one KernelEventParser and hands each event
 * to `onEvent` as soon as it is complete. An event whose end does not come (the log stopped
 * mid-report) is handed over once the log has been quiet for `idleFlushMs`.
 */
import type { AgentClient } from '../targets/agent-client.js';
import type { KernelLogRecord } from '../protocol/messages.js';
import { KernelEventParser, type KernelEvent } from './kernel-events.js';

export interface KernelLogFollow {
  /** /proc/sys/kernel/tainted as last reported (-1 when unreadable) */
  readonly tainted: number;
  /** the sequence number after the last record seen */
  readonly next: number;
  /** Stop listening and hand over the event in progress, if any. */
  stop(): void;
}

export interface FollowOptions {
  /** the first record wanted (default 0: everything the kernel's buffer still holds) */
  since?: number;
  idleFlushMs?: number;
}

export async function followKernelLog(agent: AgentClient, onEvent: (event: KernelEvent) => void, options: FollowOptions = {}): Promise<KernelLogFollow> {
  const parser = new KernelEventParser();
  const idleFlushMs = options.idleFlushMs ?? 1000;
  let next = options.since ?? 0;
  let tainted = -1;
  let idle: NodeJS.Timeout | undefined;
  // taint flags are never cleared: whichever report arrives last, the union is the current taint
  const noteTaint = (value: number): void => {
    if (value >= 0) tainted = tainted < 0 ? value : tainted | value;
  };
  const emit = (events: KernelEvent[]): void => events.forEach((event) => onEvent(event));
  const feed = (records: KernelLogRecord[]): void => {
    for (const record of records) {
      if (record.seq < next) continue;
      next = record.seq + 1;
      emit(parser.pushRecord(record.text, record.usec / 1e6));
    }
    clearTimeout(idle);
    if (parser.inEvent) idle = setTimeout(() => emit(parser.flush()), idleFlushMs);
  };
  // pushes can overtake the answer (they come from the agent's reader thread): hold them until it is in
  let early: KernelLogRecord[][] | undefined = [];
  const unsubscribe = agent.onKernelLog((event) => {
    noteTaint(event.tainted);
    if (early) early.push(event.records);
    else feed(event.records);
  });
  try {
    const answer = await agent.request('kernel-log', { since: next, follow: true });
    noteTaint(answer.tainted);
    feed(answer.records);
    for (const records of early) feed(records);
    early = undefined;
  } catch (error) {
    unsubscribe();
    throw error;
  }
  return {
    get tainted() {
      return tainted;
    },
    get next() {
      return next;
    },
    stop() {
      unsubscribe();
      clearTimeout(idle);
      emit(parser.flush());
    },
  };
}
