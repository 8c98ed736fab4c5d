/**
 * Kernel fault reports recognised in a kernel log: oopses, NULL dereferences, general protection
 * faults, BUGs, WARNINGs, panics, soft and hard lockups, RCU stalls, hung tasks, KASAN / UBSAN /
 * KFENCE reports and taint changes, each with the function and module it names, the task, the
 * taint and its complete text.
 *
 * Streaming: push lines as they arrive (a live console, /dev/kmsg records), take the events each
 * push completes; flush() at the end (or when the log has gone quiet) for an event whose end never
 * came. Lines may carry console timestamps or kmsg prefixes and be interleaved with other output:
 * among timestamped lines an unstamped one is foreign and skipped; a long run of lines that are
 * not report lines ends an event whose end was lost.
 */
import { clean, formatLogLine, normalizeLogLine, type LogLine } from './log-line.js';
import {
  isCutHere,
  isEndMarker,
  isMachinery,
  isOopsCountLine,
  isPanicTail,
  isSeparator,
  isTraceStart,
  looksLikeReportLine,
  openerOf,
  parseFaultingFunction,
  parseFrame,
  parseTaint,
  parseTaskLine,
  parseTitle,
  type EndRule,
  type KernelEventKind,
  type KernelFrame,
} from './report-lines.js';

export type { KernelEventKind, KernelFrame } from './report-lines.js';
export { normalizeLogLine, formatLogLine, type LogLine } from './log-line.js';

/** How an event's text ended: its own end (marker, trace, separator, panic tail, single line) or a cut. */
export type KernelEventEnd = 'marker' | 'trace' | 'separator' | 'panic-tail' | 'line' | 'next-event' | 'noise' | 'flush';

export interface KernelEvent {
  kind: KernelEventKind;
  /** the report's first line, prefixes removed */
  title: string;
  /** a WARN's own message (the lines between `cut here` and `WARNING:`) */
  message?: string;
  /** seconds since boot, when the log carried timestamps */
  timestamp?: number;
  /** the faulting function as named in the source (`.cold`, `.isra.0`… dropped): RIP/pc line, the title (WARNING, KASAN, KFENCE), else the first reliable call-trace frame past the reporting machinery */
  function?: string;
  /** its module, when it is in one */
  module?: string;
  /** `0x12/0x40`, into the compiled function (which may be `function.cold`) */
  offset?: string;
  /** the first frame (faulting function or call trace) in a module: the driver, when a core helper faulted on its behalf */
  moduleFrame?: KernelFrame;
  /** file:line the report names (WARNING, kernel BUG at, UBSAN) */
  source?: string;
  callTrace: KernelFrame[];
  cpu?: number;
  pid?: number;
  comm?: string;
  /** taint flags set when the report was printed (W, O, E…; `G` left out); [] for `Not tainted` */
  taint?: string[];
  /** the complete text, one line per line, timestamps in the console's format */
  text: string;
  end: KernelEventEnd;
  /** the event's own end was seen (not cut by the next event, noise or flush) */
  complete: boolean;
}

/** Report lines kept in front of an opener: `cut here` and a WARN's message lines. */
const MAX_PRELUDE_LINES = 4;
/** This many non-report lines in a row inside an event: its end was lost. */
const MAX_NOISE_RUN = 10;
/** After the call trace of an event that ends with a marker, lines to wait for the marker. */
const MAX_LINES_AFTER_TRACE = 12;
/** Lines kept per event (an RCU stall dumping every CPU can be long). */
const MAX_EVENT_LINES = 2000;

/** `alg_test.cold` → `alg_test`: the parts the compiler split off or specialised carry a suffix. */
function sourceName(fn: string): string {
  return fn.replace(/(\.(cold|isra|constprop|part|lto_priv|llvm)(\.\d+)?)+$/, '');
}

class EventBuilder {
  readonly lines: LogLine[] = [];
  readonly callTrace: KernelFrame[] = [];
  private readonly info: Partial<KernelEvent> = {};
  private noiseRun = 0;
  private inTrace = false;
  private traceTags = false;
  traceEnded = false;
  linesAfterTrace = 0;
  sawOopsCount = false;

  constructor(
    readonly kind: KernelEventKind,
    readonly ends: EndRule,
    readonly title: LogLine,
    readonly prelude: LogLine[],
  ) {
    const named = parseTitle(title.text);
    if (named.frame) this.setFunction(named.frame);
    for (const key of ['source', 'cpu', 'pid', 'comm'] as const) if (named[key] !== undefined) Object.assign(this.info, { [key]: named[key] });
    this.lines.push(...prelude, title);
    this.sawOopsCount = isOopsCountLine(title.text);
  }

  get stamped(): boolean {
    return this.title.stamped;
  }

  private setFunction(frame: KernelFrame): void {
    if (this.info.function !== undefined) return;
    this.info.function = sourceName(frame.function);
    this.info.offset = frame.offset;
    if (frame.module) this.info.module = frame.module;
  }

  /** Take one line of the report; answers whether it was a report line (not noise). */
  add(line: LogLine): boolean {
    if (this.lines.length < MAX_EVENT_LINES) this.lines.push(line);
    const reportLine = looksLikeReportLine(line.text);
    this.noiseRun = reportLine ? 0 : this.noiseRun + 1;
    if (this.traceEnded) this.linesAfterTrace++;
    this.read(line.text);
    return reportLine;
  }

  get noiseExceeded(): boolean {
    return this.noiseRun >= MAX_NOISE_RUN;
  }

  /** Drop the trailing noise lines (when noise ended the event). */
  dropTrailingNoise(): void {
    this.lines.splice(this.lines.length - this.noiseRun, this.noiseRun);
  }

  private read(text: string): void {
    if (isOopsCountLine(text)) this.sawOopsCount = true;
    const task = parseTaskLine(text);
    if (task && this.info.cpu === undefined) Object.assign(this.info, task);
    if (task && this.info.comm === undefined) this.info.comm = task.comm;
    const taint = this.info.taint === undefined ? parseTaint(text) : undefined;
    if (taint) this.info.taint = taint;
    const faulting = this.traceEnded ? undefined : parseFaultingFunction(text);
    if (faulting) {
      this.setFunction(faulting);
      if (faulting.module && !this.info.moduleFrame) this.info.moduleFrame = faulting;
    }
    if (isTraceStart(text)) this.inTrace = true;
    else if (this.inTrace) this.readTrace(text);
  }

  private readTrace(text: string): void {
    const tag = /^\s*<(\/?)(TASK|IRQ|NMI|SOFTIRQ)>\s*$/.exec(text);
    if (tag) {
      this.traceTags = true;
      if (tag[1] === '/' && tag[2] === 'TASK') this.endTrace();
      return;
    }
    const frame = parseFrame(text);
    if (frame) {
      if (!this.traceEnded) this.callTrace.push(frame);
      return;
    }
    // an arm64 trace (or one without <TASK> tags) ends at its first line that is not a frame;
    // x86 prints the user-mode registers inside <TASK>
    if (!this.traceTags && this.callTrace.length > 0) this.endTrace();
  }

  private endTrace(): void {
    this.inTrace = false;
    this.traceEnded = true;
  }

  build(end: KernelEventEnd): KernelEvent {
    if (this.info.function === undefined) {
      const culprit = this.callTrace.find((frame) => frame.reliable && !isMachinery(frame.function));
      if (culprit) this.setFunction(culprit);
    }
    const moduleFrame = this.info.moduleFrame ?? this.callTrace.find((frame) => frame.reliable && frame.module && !isMachinery(frame.function));
    const message = this.prelude.filter((line) => !isCutHere(line.text)).map((line) => line.text.trim());
    return {
      kind: this.kind,
      title: this.title.text,
      ...(message.length > 0 ? { message: message.join('\n') } : {}),
      ...(this.title.timestamp !== undefined ? { timestamp: this.title.timestamp } : {}),
      ...this.info,
      ...(moduleFrame ? { moduleFrame } : {}),
      callTrace: this.callTrace,
      text: this.lines.map(formatLogLine).join('\n'),
      end,
      complete: !['next-event', 'noise', 'flush'].includes(end),
    };
  }
}

export class KernelEventParser {
  private current: EventBuilder | undefined;
  private prelude: LogLine[] = [];
  /** the log carries timestamps (then an unstamped line is foreign) */
  private stampedLog = false;

  /** One raw line (console, kmsg record or bare text). */
  push(raw: string): KernelEvent[] {
    return this.take(normalizeLogLine(raw));
  }

  /** One structured record (the agent's /dev/kmsg reader): text and seconds since boot. */
  pushRecord(text: string, timestamp?: number): KernelEvent[] {
    return this.take({ text: clean(text), stamped: true, ...(timestamp !== undefined ? { timestamp } : {}) });
  }

  /** Whether an event has begun and not ended. */
  get inEvent(): boolean {
    return this.current !== undefined;
  }

  /** The event in progress, cut where the log stopped. */
  flush(): KernelEvent[] {
    this.prelude = [];
    return this.finish('flush');
  }

  private take(line: LogLine): KernelEvent[] {
    if (line.stamped) this.stampedLog = true;
    else if (this.stampedLog) return []; // interleaved output that is not the kernel's
    if (line.text.trim() === '' && !this.current) return [];
    const opener = openerOf(line.text);
    const current = this.current;
    if (current && opener && !this.continues(current, line.text)) {
      return [...this.finish('next-event'), ...this.open(line, opener)];
    }
    if (current) return this.extend(current, line);
    if (opener) return this.open(line, opener);
    if (isCutHere(line.text) || this.prelude.length > 0) this.keepPrelude(line);
    return [];
  }

  /** An opener that belongs to the report in progress: the `Oops: … [#1]` line after `BUG: kernel NULL pointer dereference`. */
  private continues(current: EventBuilder, text: string): boolean {
    return current.ends === 'marker' && !current.sawOopsCount && isOopsCountLine(text);
  }

  private keepPrelude(line: LogLine): void {
    if (isCutHere(line.text)) this.prelude = [line];
    else if (this.prelude.length < MAX_PRELUDE_LINES) this.prelude.push(line);
    else this.prelude = [];
  }

  private open(line: LogLine, opener: { kind: KernelEventKind; ends: EndRule }): KernelEvent[] {
    const prelude = this.prelude;
    this.prelude = [];
    this.current = new EventBuilder(opener.kind, opener.ends, line, prelude);
    return opener.ends === 'line' ? this.finish('line') : [];
  }

  private extend(current: EventBuilder, line: LogLine): KernelEvent[] {
    current.add(line);
    const text = line.text;
    if (isEndMarker(text)) return this.finish('marker');
    if (current.ends === 'separator' && isSeparator(text)) return this.finish('separator');
    if (current.ends === 'panic' && isPanicTail(text)) return this.finish('panic-tail');
    if (current.ends === 'trace' && current.traceEnded) return this.finish('trace');
    if (current.ends === 'marker' && current.traceEnded && current.linesAfterTrace >= MAX_LINES_AFTER_TRACE) return this.finish('trace');
    if (current.noiseExceeded) {
      current.dropTrailingNoise();
      return this.finish(current.traceEnded ? 'trace' : 'noise');
    }
    return [];
  }

  private finish(end: KernelEventEnd): KernelEvent[] {
    const current = this.current;
    this.current = undefined;
    return current ? [current.build(end)] : [];
  }
}

/** Every event in a whole log (a saved console, a kmsg dump). */
export function parseKernelLog(text: string): KernelEvent[] {
  const parser = new KernelEventParser();
  return [...text.split(/\r?\n/).flatMap((line) => parser.push(line)), ...parser.flush()];
}

/** Taint letters of /proc/sys/kernel/tainted's bit mask, in the kernel's order (bit 0 = P). */
const TAINT_LETTERS = 'PFSRMBUDAWCIOELKXTN';

export function taintFlags(mask: number): string[] {
  return [...TAINT_LETTERS].filter((_, bit) => Math.floor(mask / 2 ** bit) % 2 === 1);
}

/** One line for a report: `null-deref in fixture_oops_submit [afalg_fixture_oops]`. */
export function describeKernelEvent(event: KernelEvent): string {
  const where = event.function ? ` in ${event.function}${event.module ? ` [${event.module}]` : ''}` : '';
  const via = event.moduleFrame && event.moduleFrame.module !== event.module ? ` (called from ${event.moduleFrame.function} [${event.moduleFrame.module}])` : '';
  return `${event.kind}${where}${via}`;
}
