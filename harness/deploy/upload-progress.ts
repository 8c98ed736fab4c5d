/**
 * Progress of a file upload on stderr. On a terminal one line that updates in place:
 *   upload agent.mjs  412 KiB / 1.2 MiB  34%  [#####.....]  ETA 20s
 * elsewhere (a pipe, a log, CI=true) a plain line every 10 %, so that logs stay readable.
 */

export interface UploadProgressOptions {
  /** default process.stderr */
  out?: NodeJS.WritableStream & { isTTY?: boolean };
  /** updating line (true) or a line per 10 % (false); default: out is a TTY and CI is not set */
  interactive?: boolean;
  /** milliseconds clock (tests) */
  now?: () => number;
  /** characters inside [ ], default 10 */
  barWidth?: number;
  /** least milliseconds between two redraws of the updating line, default 100 */
  redrawMs?: number;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function isCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

export class UploadProgress {
  private readonly out: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly interactive: boolean;
  private readonly now: () => number;
  private readonly barWidth: number;
  private readonly redrawMs: number;
  private file: string | undefined;
  private started = 0;
  private lastDraw = -Infinity;
  private lastDecile = -1;
  /** the current file's 100 % was shown */
  private finished = false;
  /** the updating line is on screen and not finished with a newline */
  private open = false;

  constructor(options: UploadProgressOptions = {}) {
    this.out = options.out ?? process.stderr;
    this.interactive = options.interactive ?? (Boolean(this.out.isTTY) && !isCi());
    this.now = options.now ?? Date.now;
    this.barWidth = options.barWidth ?? 10;
    this.redrawMs = options.redrawMs ?? 100;
  }

  /** The line for a state of the upload (without newline or cursor control). */
  line(file: string, sent: number, total: number, elapsedMs: number): string {
    const fraction = total > 0 ? Math.min(1, sent / total) : 1;
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    const filled = Math.round(fraction * this.barWidth);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(this.barWidth - filled)}]`;
    const rate = elapsedMs > 0 ? sent / (elapsedMs / 1000) : 0;
    const eta = sent >= total ? '0s' : rate > 0 ? formatEta((total - sent) / rate) : '--';
    return `upload ${file}  ${formatBytes(sent)} / ${formatBytes(total)}  ${percent}  ${bar}  ETA ${eta}`;
  }

  update(sent: number, total: number, file: string): void {
    const now = this.now();
    if (file !== this.file) {
      this.finishLine();
      this.file = file;
      this.started = now;
      this.lastDraw = -Infinity;
      this.lastDecile = -1;
      this.finished = false;
    }
    const complete = sent >= total;
    if (this.finished) return;
    if (complete) this.finished = true;
    if (this.interactive) {
      if (!complete && now - this.lastDraw < this.redrawMs) return;
      this.lastDraw = now;
      this.out.write(`\r${this.line(file, sent, total, now - this.started)}\x1b[K`);
      this.open = true;
      if (complete) this.finishLine();
      return;
    }
    const decile = total > 0 ? Math.floor((Math.min(sent, total) / total) * 10) : 10;
    // the first line comes at 10 %, then one per decile reached
    if (decile === 0 || decile <= this.lastDecile) return;
    this.lastDecile = decile;
    this.out.write(`${this.line(file, sent, total, now - this.started)}\n`);
  }

  /** Ends the updating line (call when the upload stops early). */
  done(): void {
    this.finishLine();
  }

  private finishLine(): void {
    if (this.open) this.out.write('\n');
    this.open = false;
  }
}

/** An onProgress callback (deployAgent's shape) drawing on stderr. */
export function uploadProgressReporter(options: UploadProgressOptions = {}): ((sent: number, total: number, file: string) => void) & { done(): void } {
  const progress = new UploadProgress(options);
  return Object.assign((sent: number, total: number, file: string) => progress.update(sent, total, file), { done: () => progress.done() });
}
