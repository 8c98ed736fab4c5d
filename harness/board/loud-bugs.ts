/**
 * Boot options that make driver bugs loud, as a board setting (`qemu.loudBugs`), each off unless a
 * board asks: a WARNING that panics, an oops that panics, SLUB red zones and poisoning, a shorter
 * soft-lockup threshold, the console's log level. A KASAN kernel from the user's own tree reports
 * on its own; these work on any kernel that knows the parameters.
 */
export interface LoudBugs {
  panicOnWarn?: boolean;
  oopsPanic?: boolean;
  slubDebug?: string;
  watchdogThreshSec?: number;
  logLevel?: number;
}

/** The kernel parameters of a board's loud-bug settings, in a fixed order. */
export function loudBugArgs(loud: LoudBugs | undefined): string[] {
  if (!loud) return [];
  return [
    ...(loud.panicOnWarn ? ['panic_on_warn=1'] : []),
    ...(loud.oopsPanic ? ['oops=panic'] : []),
    ...(loud.slubDebug !== undefined ? [`slub_debug=${loud.slubDebug}`] : []),
    ...(loud.watchdogThreshSec !== undefined ? [`watchdog_thresh=${loud.watchdogThreshSec}`] : []),
    ...(loud.logLevel !== undefined ? [`loglevel=${loud.logLevel}`] : []),
  ];
}
