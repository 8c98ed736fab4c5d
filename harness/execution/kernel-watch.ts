/**
 * The target's kernel, watched for the whole run: every report it prints (oops, BUG, WARNING,
 * soft lockup, RCU stall, hung task, panic, KASAN…) becomes a `kernel-event` line in the results,
 * attributed to the request in flight and to the discovered driver of the faulting module, with the
 * kernel's whole text. The agent ends a request at once on a fault (the hang line then carries the
 * report's first line); a WARNING or a lockup report is recorded and the run goes on.
 */
import type { AgentClient } from '../targets/agent-client.js';
import { AgentError } from '../targets/agent-client.js';
import { followKernelLog, type KernelLogFollow } from '../kernel-log/follow-kernel-log.js';
import { describeKernelEvent, taintFlags, type KernelEvent } from '../kernel-log/kernel-events.js';
import type { DiscoveredAlgorithm } from '../discovery/discover.js';
import type { PlannedBatch } from '../plan/plan.js';
import type { KernelEventLine } from '../results/result-model.js';
import type { ResultsWriter } from '../results/results-writer.js';

/** Kinds after which the task that made the request is gone, or the whole kernel. */
const FATAL = new Set(['oops', 'null-deref', 'gpf', 'bug', 'panic', 'kasan', 'kfence']);

export type WatchPhase = KernelEventLine['phase'];

export class KernelWatch {
  private phase: WatchPhase = 'before-requests';
  private readonly inFlight: PlannedBatch[] = [];
  private follow: KernelLogFollow | undefined;
  private taintAtStart: number | undefined;
  private lastFatal: { atMs: number; line: KernelEventLine } | undefined;
  /** a restarted target's boot log is being read back */
  private replaying = false;
  /** taint bits the targets of this run reached before they were restarted */
  private taintReached = 0;

  /** @param driversOf module name → the public drivers it registers (from discovery) */
  private constructor(
    private readonly writer: ResultsWriter,
    private readonly driversOf: ReadonlyMap<string, readonly string[]>,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Follow the kernel log through the agent. An agent without the `kernel-log` op (an older one)
   * leaves the run without kernel events: said once, and the run goes on.
   */
  static async start(agent: AgentClient, writer: ResultsWriter, algorithms: readonly DiscoveredAlgorithm[], log: (line: string) => void): Promise<KernelWatch> {
    const driversOf = new Map<string, string[]>();
    for (const algorithm of algorithms) {
      for (const driver of algorithm.drivers) {
        if (driver.internal) continue;
        driversOf.set(driver.module, [...(driversOf.get(driver.module) ?? []), driver.driver]);
      }
    }
    const watch = new KernelWatch(writer, driversOf, log);
    await watch.attach(agent);
    return watch;
  }

  /** Follow the log of a (re)started target: only records after those already seen. */
  async attach(agent: AgentClient): Promise<void> {
    const restarted = this.follow !== undefined;
    // a restarted target starts untainted: what the last one reached still counts for the run
    if (this.follow && this.follow.tainted >= 0) this.taintReached |= this.follow.tainted;
    this.follow?.stop();
    this.follow = undefined;
    // what the kernel logged before this point is its boot (and the discovery's): before any request.
    // A restarted guest's boot log repeats the first one's: not recorded again.
    const phase = this.phase;
    this.phase = 'before-requests';
    this.replaying = restarted;
    try {
      this.follow = await followKernelLog(agent, (event) => this.record(event));
      this.taintAtStart ??= this.follow.tainted;
    } catch (error) {
      if (!(error instanceof AgentError)) throw error;
      this.log(`kernel log: not watched (${error.message})`);
    } finally {
      this.phase = phase;
      this.replaying = false;
    }
  }

  setPhase(phase: WatchPhase): void {
    this.phase = phase;
  }

  requestSent(batch: PlannedBatch): void {
    this.inFlight.push(batch);
  }

  requestEnded(batch: PlannedBatch): void {
    const at = this.inFlight.indexOf(batch);
    if (at >= 0) this.inFlight.splice(at, 1);
  }

  /** The fatal report seen within the last `withinMs` (a panic that took the target down), if any. */
  recentFatal(withinMs: number): KernelEventLine | undefined {
    return this.lastFatal && Date.now() - this.lastFatal.atMs <= withinMs ? this.lastFatal.line : undefined;
  }

  /** Stop watching; the kernel's taint flags when the watch started and at the end (every restarted target's included). */
  stop(): { before: string[]; after: string[] } | undefined {
    const follow = this.follow;
    follow?.stop();
    this.follow = undefined;
    if (this.taintAtStart === undefined || this.taintAtStart < 0 || !follow || follow.tainted < 0) return undefined;
    return { before: taintFlags(this.taintAtStart), after: taintFlags(follow.tainted | this.taintReached) };
  }

  private record(event: KernelEvent): void {
    if (this.replaying) return;
    const module = event.module ?? event.moduleFrame?.module;
    const drivers = module !== undefined ? (this.driversOf.get(module) ?? []) : [];
    // the request in flight: the one of the faulting driver, else the oldest
    const batch = this.inFlight.find((one) => one.targets.some((target) => drivers.includes(target.name))) ?? this.inFlight[0];
    const driver = drivers.find((name) => batch?.targets.some((target) => target.name === name)) ?? drivers[0];
    const line: KernelEventLine = {
      kind: 'kernel-event',
      event: event.kind,
      title: event.title,
      ...(event.function !== undefined ? { function: event.function } : {}),
      ...(event.module !== undefined ? { module: event.module } : {}),
      phase: this.phase,
      ...(batch ? { algorithm: batch.algorithm, source: batch.source, targets: batch.targets.map((target) => target.name) } : {}),
      ...(driver !== undefined ? { driver } : {}),
      ...(event.taint && event.taint.length > 0 ? { taint: event.taint } : {}),
      text: event.text,
    };
    this.writer.append([line]);
    if (FATAL.has(event.kind)) this.lastFatal = { atMs: Date.now(), line };
    this.log(`kernel: ${describeKernelEvent(event)}${driver !== undefined ? ` on ${driver}` : ''}${batch ? ` during ${batch.algorithm} (${batch.source})` : ` (${this.phase})`}`);
  }
}
