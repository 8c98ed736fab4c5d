/**
 * The vocabulary of kernel fault reports: which line opens which kind of event and how that kind
 * ends, what a call-trace frame looks like, and the lines that name the faulting function (x86
 * `RIP: 0010:func+0x12/0x40 [module]`, arm64 `pc : func+0x12/0x40 [module]`), the task and the
 * taint. Pure functions of one line.
 */

export type KernelEventKind =
  | 'oops'
  | 'null-deref'
  | 'gpf'
  | 'bug'
  | 'warning'
  | 'panic'
  | 'soft-lockup'
  | 'hard-lockup'
  | 'rcu-stall'
  | 'hung-task'
  | 'kasan'
  | 'ubsan'
  | 'kfence'
  | 'taint-change';

/**
 * How an event of a kind ends: marker `---[ end trace … ]---` (oopses, WARNINGs), the end of its
 * call trace (lockups, stalls, hung tasks, BUG reports that only dump the stack), a `=====` line
 * (KASAN, UBSAN, KFENCE), the panic's own end (`---[ end Kernel panic`, `Kernel Offset:`,
 * `Rebooting in`), or the opening line alone.
 */
export type EndRule = 'marker' | 'trace' | 'separator' | 'panic' | 'line';

export interface Opener {
  kind: KernelEventKind;
  ends: EndRule;
}

/** First match wins: the specific `BUG:` reports before the generic one. */
const OPENERS: Array<{ pattern: RegExp } & Opener> = [
  { pattern: /^BUG: kernel NULL pointer dereference/, kind: 'null-deref', ends: 'marker' },
  { pattern: /^Unable to handle kernel NULL pointer dereference/, kind: 'null-deref', ends: 'marker' },
  { pattern: /^BUG: KASAN: /, kind: 'kasan', ends: 'separator' },
  { pattern: /^BUG: KFENCE: /, kind: 'kfence', ends: 'separator' },
  { pattern: /^(watchdog: )?BUG: soft lockup/, kind: 'soft-lockup', ends: 'trace' },
  { pattern: /^BUG: unable to handle (page fault|kernel paging request)/, kind: 'oops', ends: 'marker' },
  { pattern: /^Unable to handle kernel (paging request|execute|read|write|access)/, kind: 'oops', ends: 'marker' },
  { pattern: /^general protection fault/, kind: 'gpf', ends: 'marker' },
  { pattern: /^kernel BUG at /, kind: 'bug', ends: 'marker' },
  { pattern: /^(Internal error: )?Oops - BUG/, kind: 'bug', ends: 'marker' },
  { pattern: /^BUG: /, kind: 'bug', ends: 'trace' },
  { pattern: /^WARNING: /, kind: 'warning', ends: 'marker' },
  { pattern: /^Kernel panic - not syncing/, kind: 'panic', ends: 'panic' },
  { pattern: /^(NMI watchdog: )?Watchdog detected hard LOCKUP/, kind: 'hard-lockup', ends: 'trace' },
  { pattern: /^(rcu: )?INFO: rcu_\w+ (self-)?detected stalls?/, kind: 'rcu-stall', ends: 'trace' },
  { pattern: /^INFO: task .+ blocked for more than \d+ seconds/, kind: 'hung-task', ends: 'trace' },
  { pattern: /^UBSAN: /, kind: 'ubsan', ends: 'separator' },
  { pattern: /^(Internal error: )?Oops\b/, kind: 'oops', ends: 'marker' },
  { pattern: /^(invalid opcode|divide error|stack segment|double fault|int3): [0-9a-f]+ \[#\d+\]/, kind: 'oops', ends: 'marker' },
  { pattern: /(taints kernel\.|tainting kernel)$/, kind: 'taint-change', ends: 'line' },
];

export function openerOf(text: string): Opener | undefined {
  const found = OPENERS.find((opener) => opener.pattern.test(text));
  return found ? { kind: found.kind, ends: found.ends } : undefined;
}

/** The oops line an oops-like report prints after its first line: `Oops: 0002 [#1] PREEMPT SMP`. */
export function isOopsCountLine(text: string): boolean {
  return /^[\w ,:-]{2,60}: [0-9a-f]+ \[#\d+\]/.test(text) || /^(Internal error: )?Oops\b.*\[#\d+\]/.test(text);
}

/** `------------[ cut here ]------------`, or the `=====` line framing KASAN/UBSAN/KFENCE reports. */
export function isCutHere(text: string): boolean {
  return /^-+\[ cut here \]-+$/.test(text) || isSeparator(text);
}

export function isSeparator(text: string): boolean {
  return /^={20,}$/.test(text.trim());
}

export function isEndMarker(text: string): boolean {
  return /^---\[ end (trace|Kernel panic)/.test(text);
}

/** What ends a panic report when the kernel reboots or stops without its end marker. */
export function isPanicTail(text: string): boolean {
  return /^(Kernel Offset: |Rebooting in \d+ seconds)/.test(text);
}

export interface KernelFrame {
  function: string;
  /** `0x12/0x40`: offset into the function / its size */
  offset: string;
  module?: string;
  /** false for the `? func` frames the unwinder is unsure of */
  reliable: boolean;
}

// `func+0x12/0x40 [module]`, also `func.cold+…`, `func.isra.0+…`; module names may carry (E)-style flags elsewhere, not here
const SYMBOL = String.raw`([\w.$]+)\+(0x[0-9a-f]+\/0x[0-9a-f]+)(?: \[([\w-]+)\])?`;
const FRAME = new RegExp(String.raw`^\s+(?:\[<[0-9a-f]+>\]\s*)?(\? )?${SYMBOL}\s*$`);
const RIP = new RegExp(String.raw`^(?:RIP: [0-9a-f]{4}:|pc : |PC is at |NIP \[[0-9a-f]+\] )${SYMBOL}`);
const WARNING_AT = new RegExp(String.raw`^WARNING: (?:CPU: (\d+) PID: (\d+) )?at (\S+) ${SYMBOL}`);
const IN_FUNCTION = new RegExp(String.raw` in ${SYMBOL}`);

function frameOf(match: RegExpExecArray, first: number, reliable: boolean): KernelFrame {
  const [fn, offset, module] = [match[first], match[first + 1], match[first + 2]] as [string, string, string | undefined];
  return { function: fn, offset, ...(module ? { module } : {}), reliable };
}

/** A call-trace frame line. */
export function parseFrame(text: string): KernelFrame | undefined {
  const match = FRAME.exec(text);
  return match ? frameOf(match, 2, match[1] === undefined) : undefined;
}

/** The faulting kernel function of an x86 `RIP:` / arm64 `pc :` line (a user-space RIP names none). */
export function parseFaultingFunction(text: string): KernelFrame | undefined {
  const match = RIP.exec(text);
  return match ? frameOf(match, 1, true) : undefined;
}

/** What a report's first line names: a WARNING's function, source and task; KASAN/KFENCE's function; the task of a lockup. */
export function parseTitle(text: string): { frame?: KernelFrame; source?: string; cpu?: number; pid?: number; comm?: string } {
  const warning = WARNING_AT.exec(text);
  if (warning) {
    return { frame: frameOf(warning, 4, true), source: warning[3], ...(warning[1] ? { cpu: Number(warning[1]), pid: Number(warning[2]) } : {}) };
  }
  const source = /^kernel BUG at (\S+?)!?$/.exec(text)?.[1] ?? /^UBSAN: [\w-]+ in (\S+)/.exec(text)?.[1];
  const inFunction = /^BUG: (KASAN|KFENCE): /.test(text) ? IN_FUNCTION.exec(text) : null;
  const task = /\[(.+):(\d+)\]$/.exec(text) ?? /^INFO: task (.+):(\d+) blocked/.exec(text);
  return {
    ...(inFunction ? { frame: frameOf(inFunction, 1, true) } : {}),
    ...(source ? { source } : {}),
    ...(task ? { comm: task[1], pid: Number(task[2]) } : {}),
  };
}

/** `CPU: 1 PID: 355 Comm: node Tainted: G        W  OE      6.1.0-56-amd64 #1`. */
export function parseTaskLine(text: string): { cpu: number; pid: number; comm: string } | undefined {
  const match = /^CPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: (\S+)/.exec(text);
  return match ? { cpu: Number(match[1]), pid: Number(match[2]), comm: match[3] as string } : undefined;
}

/**
 * The taint flags a report prints (`Tainted: G        W  OE`, newer `Tainted: [W]=WARN, [O]=OOT_MODULE`):
 * the letters set, without the `G` that only says no proprietary module is loaded; [] for `Not tainted`.
 */
export function parseTaint(text: string): string[] | undefined {
  if (/(^|\s)Not tainted\b/.test(text)) return [];
  const named = /(?:^|\s)Tainted: ((?:\[[A-Z]\]=\w+(?:, )?)+)/.exec(text);
  if (named) return [...(named[1] as string).matchAll(/\[([A-Z])\]/g)].map((m) => m[1] as string);
  // one column per flag (a letter or a space), then the release, which starts with a digit
  const letters = /(?:^|\s)Tainted: ([A-Z][A-Z ]*?)\s*(?:\s\d|$)/.exec(text);
  return letters ? [...(letters[1] as string).replace(/\s+/g, '')].filter((flag) => flag !== 'G') : undefined;
}

export function isTraceStart(text: string): boolean {
  return /^Call [Tt]race:/.test(text);
}

/** The stack-walking and reporting machinery a call trace passes through on its way to the culprit. */
const MACHINERY = new RegExp(
  '^(' +
    [
      'dump_stack(_lvl)?', 'show_stack', 'show_regs', 'show_trace_log_lvl', '__warn', 'warn_slowpath\\w*', 'report_bug', 'handle_bug',
      '(asm_)?exc_\\w+', '(asm_|__)?sysvec_\\w+', '__?ubsan_\\w+', 'ubsan_\\w+', '__?kasan_\\w+', 'kasan_\\w+', 'kfence_\\w+', 'print_report',
      'v?panic', 'nmi_\\w+', 'watchdog_\\w+', '__hrtimer_run_queues', 'hrtimer_interrupt', '(__)?schedule(_\\w+)?', 'io_schedule\\w*',
      'preempt_schedule\\w*', '__switch_to\\w*', 'context_switch', '(__)?wait_for_common\\w*', 'wait_for_completion\\w*', 'do_wait_for_common',
      'schedule_timeout\\w*', 'rcu_\\w+', 'update_process_times', 'tick_\\w+', '__?irq_exit\\w*', 'common_interrupt', 'ret_from_fork\\w*',
      'kthread', 'entry_SYSCALL_64\\w*', 'do_syscall_64', 'el[01]\\w*', 'invoke_syscall', 'do_el0_svc', '__might_\\w+',
    ].join('|') +
    ')$',
);

export function isMachinery(fn: string): boolean {
  return MACHINERY.test(fn.replace(/\.(cold|isra|constprop|part)(\.\d+)?/g, ''));
}

/** Lines a fault report is made of (registers, headers, indented continuations); anything else inside one is interleaved noise. */
export function looksLikeReportLine(text: string): boolean {
  return /^\s/.test(text) || /^[#\w][\w #()/.,=-]{0,40}:/.test(text) || /\[#\d+\]/.test(text) || /^(---\[|\[<[0-9a-f]+>\])/.test(text) || text.length === 0;
}
