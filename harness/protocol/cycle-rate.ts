/**
 * The rate of the counter the kernel's get_cycles() reads (tcrypt's sec=0 figures are counts of
 * it), from the kernel's boot log: x86's TSC calibration, arm64's architected timer. Pure.
 *   tsc: Detected 2994.374 MHz processor
 *   tsc: Refined TSC clocksource calibration: 2994.371 MHz      (preferred: the later, finer figure)
 *   arch_timer: cp15 timer(s) running at 62.50MHz (virt).
 */
const RATE_LINES: Array<{ pattern: RegExp; rank: number }> = [
  { pattern: /tsc: Refined TSC clocksource calibration: ([\d.]+) MHz/, rank: 2 },
  { pattern: /tsc: Detected ([\d.]+) MHz processor/, rank: 1 },
  { pattern: /arch_timer: cp15 timer\(s\) running at ([\d.]+) ?MHz/, rank: 1 },
];

/** Hz, or undefined when no record tells. */
export function cycleRateOf(records: readonly string[]): number | undefined {
  let best: { hz: number; rank: number } | undefined;
  for (const record of records) {
    for (const { pattern, rank } of RATE_LINES) {
      const match = pattern.exec(record);
      const mhz = match ? Number(match[1]) : NaN;
      if (mhz > 0 && (!best || rank >= best.rank)) best = { hz: Math.round(mhz * 1e6), rank };
    }
  }
  return best?.hz;
}
