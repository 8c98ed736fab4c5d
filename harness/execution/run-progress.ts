/**
 * Progress of long work: on a terminal one live line (done/total, rate, ETA, what it is doing now);
 * in CI (not a TTY) a plain line when the subject changes and at most every 10 s.
 */
export interface ProgressOptions {
  /** the tag at the start of the line: run, bench */
  title?: string;
  /** what is counted: shown after the rate (executions/s) */
  unit?: string;
  /** counting estimated seconds of work rather than items: shown as `12/300 s`, no rate */
  seconds?: boolean;
  out?: NodeJS.WriteStream;
}

export class RunProgress {
  private done = 0;
  private readonly started = Date.now();
  private lastLog = 0;
  private lastSubject = '';
  private readonly live: boolean;
  private readonly title: string;
  private readonly unit: string | undefined;
  private readonly seconds: boolean;
  private readonly out: NodeJS.WriteStream;

  constructor(
    private total: number,
    options: ProgressOptions = {},
  ) {
    this.out = options.out ?? process.stderr;
    this.title = options.title ?? 'run';
    this.unit = options.unit;
    this.seconds = options.seconds === true;
    this.live = Boolean(this.out.isTTY) && process.env.CI !== 'true';
  }

  static format(seconds: number): string {
    if (!Number.isFinite(seconds)) return '?';
    const s = Math.round(seconds);
    return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
  }

  /**
   * `amount` more units are done; `subject` says what was being worked on (the algorithm and
   * targets); `detail` adds where exactly (source, driver, size). A new subject always logs in CI.
   */
  update(amount: number, subject: string, detail = ''): void {
    this.done += amount;
    const elapsed = (Date.now() - this.started) / 1000;
    const rate = this.done / Math.max(elapsed, 0.001);
    const eta = (this.total - this.done) / Math.max(rate, 1e-9);
    const percent = this.total > 0 ? Math.min(100, Math.floor((100 * this.done) / this.total)) : 100;
    const rateText = this.unit ? ` ${Math.round(rate)} ${this.unit}/s` : '';
    const count = this.seconds ? `${RunProgress.format(this.done)}/${RunProgress.format(this.total)} of estimated work` : `${Math.round(this.done)}/${Math.round(this.total)}`;
    // nothing done yet: no rate to tell an ETA from (it read 1500416666m40s)
    const etaText = this.done > 0 ? RunProgress.format(eta) : '?';
    const line = `[${this.title}] ${count} (${percent}%)${rateText} ETA ${etaText} — ${subject}${detail ? `, ${detail}` : ''}`;
    if (this.live) {
      const width = this.out.columns ?? 120;
      this.out.write(`\r\x1b[K${line.slice(0, width - 1)}`);
      return;
    }
    const now = Date.now();
    if (subject !== this.lastSubject || now - this.lastLog >= 10_000) {
      this.out.write(`${line}\n`);
      this.lastLog = now;
      this.lastSubject = subject;
    }
  }

  /** Work that will not be done after all (targets dropped after a hang): out of the total and the ETA. */
  drop(amount: number): void {
    this.total = Math.max(this.done, this.total - amount);
  }

  /** Clear the live line (before other output). */
  pause(): void {
    if (this.live) this.out.write('\r\x1b[K');
  }

  finish(): { executed: number; seconds: number; rate: number } {
    const seconds = (Date.now() - this.started) / 1000;
    this.pause();
    return { executed: this.done, seconds, rate: this.done / Math.max(seconds, 0.001) };
  }
}
