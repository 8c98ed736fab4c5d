/**
 * The target's kernel, watched for the whole run: every report it prints (oops, BUG, WARNING,
 * soft lockup, RCU stall, hung task, panic, KASAN…) becomes a `kernel-event` line in the results,
 * attributed to the request in flight and to the discovered driver of the faulting module, with the
 * kernel's whole text. Two sources: the agent's /dev/kmsg reader and, where the harness sees it,
 * the kernel's console (a QEMU guest's, a board's serial console) — the only one to carry a panic,
 * which takes the agent down with the kernel; a report both bring is recorded once. The agent ends
 * a request at once on a fault (the hang line then carries the report's first line); a WARNING or
 * a lockup report is recorded and the run goes on.
 */
import type { AgentClient } from '../targets/agent-client.js';
import { AgentError } from '../targets/agent-client.js';
import { followKernelLog, type KernelLogFollow } from '../kernel-log/follow-kernel-log.js';
import { EventsSeen, followConsole, sameReport, type ConsoleFollow, type ConsoleLineSource } from '../kernel-log/follow-console.js';
import { describeKernelEvent, taintFlags, type KernelEvent } from '../kernel-log/kernel-events.js';
import type { DiscoveredAlgorithm } from '../discovery/discover.js';
import type { PlannedBatch, PlannedTarget } from '../plan/plan.js';
import type { KernelEventLine } from '../results/result-model.js';
import type { ResultsWriter } from '../results/results-writer.js';

/** Kinds after which the task that made the request is gone, or the whole kernel. */
const FATAL = new Set(['oops', 'null-deref', 'gpf', 'bug', 'panic', 'kasan', 'kfence']);
/** A panic this soon after a fatal report (`Fatal exception` after an oops, with oops=panic) is that report's end. */
const PANIC_AFTER_FATAL_MS = 10_000;

/**
 * A report on the console whose end does not come is handed over after this much quiet: above the
 * one second panic() waits for the other CPUs to stop before printing its last lines (a CPU busy in
 * the same driver with interrupts off, as the matrix's workers can be, makes it wait that long).
 */
const CONSOLE_IDLE_FLUSH_MS = 2500;

/**
 * A report the agent's reader brought cut short (a panic prints its first line before it stops the
 * other CPUs: the reader may get that line and nothing more) waits this long for the console's
 * whole copy, which then is the one recorded: above the console's idle flush.
 */
const CUT_REPORT_HOLD_MS = CONSOLE_IDLE_FLUSH_MS + 1000;

type ReportSource = 'agent' | 'console';

export type WatchPhase = KernelEventLine['phase'];

/** A report after which the target is gone (a panic), with the request in flight and the driver it names. */
export interface FatalReport {
  line: KernelEventLine;
  batch: PlannedBatch;
  /** the driver the report names (absent: it names none the discovery knows) */
  driver?: string;
}

/** Whether `target` is `driver` or a generic name bound to it. */
function selects(target: PlannedTarget, driver: string): boolean {
  return target.name === driver || target.boundDriver === driver;
}

export class KernelWatch {
  private phase: WatchPhase = 'before-requests';
  private readonly inFlight: PlannedBatch[] = [];
  /** requests in flight that have their answer (kept a little for the reports that come late) */
  private readonly answered = new Set<PlannedBatch>();
  private follow: KernelLogFollow | undefined;
  /** the agent of the target watched (a panic leaves it without an answer to give) */
  private agent: AgentClient | undefined;
  private consoleFollow: ConsoleFollow | undefined;
  private readonly seen = new EventsSeen();
  private taintAtStart: number | undefined;
  private lastFatal: { atMs: number; line: KernelEventLine; batch?: PlannedBatch; driver?: string } | undefined;
  /** a restarted target's boot log is being read back */
  private replaying = false;
  /** taint bits the targets of this run reached before they were restarted */
  private taintReached = 0;
  /** reports the agent's reader brought cut short, waiting for the console's copy */
  private readonly held: Array<{ event: KernelEvent; timer: NodeJS.Timeout }> = [];

  /** @param driversOf module name → the public drivers it registers (from discovery) */
  private constructor(
    private readonly writer: ResultsWriter,
    private readonly driversOf: ReadonlyMap<string, readonly string[]>,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Follow the kernel log through the agent and the kernel's console (absent: SSH, local). An
   * agent without the `kernel-log` op (an older one) leaves only the console: said, and the run
   * goes on.
   */
  static async start(agent: AgentClient, console: ConsoleLineSource | undefined, writer: ResultsWriter, algorithms: readonly DiscoveredAlgorithm[], log: (line: string) => void): Promise<KernelWatch> {
    const driversOf = new Map<string, string[]>();
    for (const algorithm of algorithms) {
      for (const driver of algorithm.drivers) {
        if (driver.internal) continue;
        driversOf.set(driver.module, [...(driversOf.get(driver.module) ?? []), driver.driver]);
      }
    }
    const watch = new KernelWatch(writer, driversOf, log);
    await watch.attach(agent, console);
    return watch;
  }

  /**
   * Follow the log of a (re)started target: only records after those already seen. Its console
   * is followed from now on (the boot's lines have passed: the agent's reader gives them).
   */
  async attach(agent: AgentClient, console?: ConsoleLineSource): Promise<void> {
    const restarted = this.follow !== undefined;
    // a restarted target starts untainted: what the last one reached still counts for the run
    if (this.follow && this.follow.tainted >= 0) this.taintReached |= this.follow.tainted;
    this.stopFollowing();
    // a fatal report of the target before belongs to that target's end, not to this one's
    this.lastFatal = undefined;
    this.agent = agent;
    this.consoleFollow = console ? followConsole(console, (event) => this.record(event, 'console'), { idleFlushMs: CONSOLE_IDLE_FLUSH_MS }) : undefined;
    // what the kernel logged before this point is its boot (and the discovery's): before any request.
    // A restarted guest's boot log repeats the first one's: not recorded again.
    const phase = this.phase;
    this.phase = 'before-requests';
    this.replaying = restarted;
    try {
      this.follow = await followKernelLog(agent, (event) => this.record(event, 'agent'));
      this.taintAtStart ??= this.follow.tainted;
    } catch (error) {
      if (!(error instanceof AgentError)) throw error;
      this.log(`kernel log: not watched through the agent (${error.message})${console ? '; its console is' : ''}`);
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

  requestAnswered(batch: PlannedBatch): void {
    this.answered.add(batch);
  }

  requestEnded(batch: PlannedBatch): void {
    const at = this.inFlight.indexOf(batch);
    if (at >= 0) this.inFlight.splice(at, 1);
    this.answered.delete(batch);
  }

  /**
   * The request a report belongs to: of those that select one of `drivers`, the oldest still
   * unanswered (the agent runs them in order; one lost to a fault is never answered), else the
   * latest answered; of the others likewise when none selects them.
   */
  private requestOf(drivers: readonly string[]): PlannedBatch | undefined {
    const byDriver = this.inFlight.filter((one) => one.targets.some((target) => drivers.some((name) => selects(target, name))));
    for (const candidates of [byDriver, this.inFlight]) {
      const waiting = candidates.find((one) => !this.answered.has(one));
      if (waiting) return waiting;
      if (candidates.length > 0) return candidates.at(-1);
    }
    return undefined;
  }

  /**
   * The panic that took the target down while a request was in flight, if one did: seen within the
   * last `withinMs`, or arriving within `waitMs` (the console's last lines can come after the link's
   * end).
   */
  async fatalReport(withinMs: number, waitMs: number): Promise<FatalReport | undefined> {
    const until = Date.now() + waitMs;
    for (;;) {
      const fatal = this.lastFatal;
      if (fatal && fatal.line.event === 'panic' && fatal.batch && Date.now() - fatal.atMs <= withinMs) {
        return { line: fatal.line, batch: fatal.batch, ...(fatal.driver !== undefined ? { driver: fatal.driver } : {}) };
      }
      if (Date.now() >= until) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Stop watching; the kernel's taint flags when the watch started and at the end (every restarted target's included). */
  stop(): { before: string[]; after: string[] } | undefined {
    const follow = this.follow;
    this.stopFollowing();
    if (this.taintAtStart === undefined || this.taintAtStart < 0 || !follow || follow.tainted < 0) return undefined;
    return { before: taintFlags(this.taintAtStart), after: taintFlags(follow.tainted | this.taintReached) };
  }

  /** Stop both sources; what they had in progress, and the cut reports held, are recorded. */
  private stopFollowing(): void {
    this.follow?.stop();
    this.follow = undefined;
    this.consoleFollow?.stop();
    this.consoleFollow = undefined;
    for (const { event, timer } of this.held.splice(0)) {
      clearTimeout(timer);
      this.write(event);
    }
  }

  /**
   * A report from one source, recorded once whichever brings it first — except that a copy the
   * agent's reader brought cut short waits for the console's (complete, with the call trace that
   * names the function and module), when there is a console.
   */
  private record(event: KernelEvent, source: ReportSource): void {
    if (this.replaying) return;
    if (source === 'console') {
      const at = this.held.findIndex((one) => sameReport(one.event, event));
      if (at >= 0) {
        const [{ event: cut, timer }] = this.held.splice(at, 1) as [{ event: KernelEvent; timer: NodeJS.Timeout }];
        clearTimeout(timer);
        this.write(event.text.split('\n').length >= cut.text.split('\n').length ? event : cut);
        return;
      }
    }
    if (!this.seen.firstTime(event)) return;
    if (source === 'agent' && !event.complete && this.consoleFollow) {
      const timer = setTimeout(() => {
        const at = this.held.findIndex((one) => one.event === event);
        if (at >= 0) this.write(this.held.splice(at, 1)[0]!.event);
      }, CUT_REPORT_HOLD_MS);
      this.held.push({ event, timer });
      // the kernel is gone all the same: the requests in flight fail now
      if (event.kind === 'panic') this.agent?.abandon(`the kernel panicked ("${event.title}")`);
      return;
    }
    this.write(event);
  }

  private write(event: KernelEvent): void {
    const { batch, driver } = this.attribute(event);
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
    if (FATAL.has(event.kind)) this.lastFatal = { atMs: Date.now(), line, ...(batch ? { batch } : {}), ...(driver !== undefined ? { driver } : {}) };
    this.log(`kernel: ${describeKernelEvent(event)}${driver !== undefined ? ` on ${driver}` : ''}${batch ? ` during ${batch.algorithm} (${batch.source})` : ` (${this.phase})`}`);
    // the kernel is gone: the requests in flight fail now, not at their timeout (a board's serial port stays open)
    if (event.kind === 'panic') this.agent?.abandon(`the kernel panicked ("${event.title}")`);
  }

  /**
   * The request in flight a report belongs to, and the driver it names: of the faulting module, or,
   * for a panic that names none right after a fatal report, that report's.
   */
  private attribute(event: KernelEvent): { batch?: PlannedBatch; driver?: string } {
    const module = event.module ?? event.moduleFrame?.module;
    const drivers = module !== undefined ? (this.driversOf.get(module) ?? []) : [];
    const before = this.lastFatal;
    if (event.kind === 'panic' && drivers.length === 0 && before?.driver !== undefined && Date.now() - before.atMs <= PANIC_AFTER_FATAL_MS) {
      return { ...(before.batch ? { batch: before.batch } : {}), driver: before.driver };
    }
    // one of the faulting driver's requests (by its name or a generic name bound to it)
    const batch = this.requestOf(drivers);
    const driver = drivers.find((name) => batch?.targets.some((target) => selects(target, name))) ?? drivers[0];
    return { ...(batch ? { batch } : {}), ...(driver !== undefined ? { driver } : {}) };
  }
}
