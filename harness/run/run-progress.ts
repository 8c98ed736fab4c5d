/**
 * Progress of a long run: on a terminal one live line (done/total, rate, ETA, where it is); in CI
 * (not a TTY) a plain line when the algorithm changes and at most every 10 s.
 */
export class RunProgress {
  private done = 0;
  private readonly started = Date.now();
  private lastLog = 0;
  private lastAlgorithm = '';
  private readonly live: boolean;

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.live = Boolean(out.isTTY) && process.env.CI !== 'true';
  }

  static format(seconds: number): string {
    if (!Number.isFinite(seconds)) return '?';
    const s = Math.round(seconds);
    return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
  }

  update(executed: number, where: { algorithm: string; source: string; targets: number }): void {
    this.done += executed;
    const elapsed = (Date.now() - this.started) / 1000;
    const rate = this.done / Math.max(elapsed, 0.001);
    const eta = (this.total - this.done) / Math.max(rate, 1);
    const percent = this.total > 0 ? Math.floor((100 * this.done) / this.total) : 100;
    const line = `[run] ${this.done}/${this.total} (${percent}%) ${Math.round(rate)}/s ETA ${RunProgress.format(eta)} — ${where.algorithm} × ${where.targets} targets, ${where.source}`;
    if (this.live) {
      const width = this.out.columns ?? 120;
      this.out.write(`\r\x1b[K${line.slice(0, width - 1)}`);
      return;
    }
    const now = Date.now();
    if (where.algorithm !== this.lastAlgorithm || now - this.lastLog >= 10_000) {
      this.out.write(`${line}\n`);
      this.lastLog = now;
      this.lastAlgorithm = where.algorithm;
    }
  }

  finish(): { executed: number; seconds: number; rate: number } {
    const seconds = (Date.now() - this.started) / 1000;
    if (this.live) this.out.write('\r\x1b[K');
    return { executed: this.done, seconds, rate: this.done / Math.max(seconds, 0.001) };
  }
}
