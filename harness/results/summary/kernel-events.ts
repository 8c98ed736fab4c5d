/**
 * The kernel's reports in a run, for the reports: each with the request it came during and, when
 * it ended an operation (its first line is a hang line's `fault`), that operation's identity — the
 * same as a failure's. Reports before any request (boot, discovery) are listed as such.
 */
import type { HangLine, KernelEventLine } from '../result-model.js';
import type { SplitStrategy } from '../../protocol/messages.js';

/** Kinds that crash the task or the kernel, or report memory or undefined-behaviour bugs: they fail a run. */
const FAILING_KINDS = new Set(['oops', 'null-deref', 'gpf', 'bug', 'panic', 'warning', 'kasan', 'ubsan', 'kfence']);

export interface KernelEventSummary extends KernelEventLine {
  /** the operation it ended, when the agent named it */
  operation?: { target: string; case: string; strategy: SplitStrategy; op?: string; bytes: number };
  /** fails the run: a crash, a WARNING or a memory-safety report during a request (lockups and stalls are listed only: under emulation they can be timing) */
  failing: boolean;
}

export function summarizeKernelEvents(events: readonly KernelEventLine[], hangs: readonly HangLine[]): KernelEventSummary[] {
  const claimed = new Set<HangLine>();
  return events.map((event) => {
    const hang = hangs.find((one) => !claimed.has(one) && one.fault === event.title && (event.algorithm === undefined || one.algorithm === event.algorithm));
    if (hang) claimed.add(hang);
    return {
      ...event,
      ...(hang ? { operation: { target: hang.target, case: `${hang.source} ${hang.case}`, strategy: hang.strategy, ...(hang.op !== undefined ? { op: hang.op } : {}), bytes: hang.bytes } } : {}),
      failing: event.phase !== 'before-requests' && FAILING_KINDS.has(event.event),
    };
  });
}

/** `null-deref in fixture_oops_submit [afalg_fixture_oops] on ecb-aes-fixture-oops (ecb(aes)), nist/ECBMMT128.rsp COUNT 2 [oneshot], encrypt of 48 bytes` */
export function describeKernelEventSummary(event: KernelEventSummary): string {
  const where = event.function !== undefined ? ` in ${event.function}${event.module !== undefined ? ` [${event.module}]` : ''}` : '';
  const on = event.driver ?? event.operation?.target;
  const what = on !== undefined ? ` on ${on}${event.algorithm !== undefined ? ` (${event.algorithm})` : ''}` : event.algorithm !== undefined ? ` during ${event.algorithm}` : '';
  const operation = event.operation ? `, ${event.operation.case} [${event.operation.strategy}], ${event.operation.op ?? 'an operation'} of ${event.operation.bytes} bytes` : event.source !== undefined ? `, during ${event.source}` : '';
  const when = event.phase === 'before-requests' ? ' (at boot or discovery, before any request)' : '';
  return `${event.event}${where}${what}${operation}${when}`;
}
