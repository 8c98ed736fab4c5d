/**
 * The last lines a target printed outside the protocol (a QEMU console, kernel messages and echoes
 * on a serial console, an agent's stderr), for diagnostics; optionally the whole console in a log file.
 */
import fs from 'node:fs';
import { TargetError } from '../core/errors.js';

/** Terminal control sequences (a firmware's cursor moves, a login shell's line editor, a terminal reset). */
const CONTROL_SEQUENCES = /\x1b\[[0-9;?]*[A-Za-z]|\x1bc/g;

export interface ConsoleLinesOptions {
  /** how many lines to keep (default 200) */
  keep?: number;
  /** write every byte received through pushChunk here as it arrives */
  logFile?: string;
  /** add to the log file instead of starting it afresh */
  appendLog?: boolean;
}

export class ConsoleLines {
  private readonly lines: string[] = [];
  private partial = '';
  private readonly keep: number;
  private readonly log: fs.WriteStream | undefined;
  private readonly listeners: Array<(line: string) => void> = [];

  constructor(options: ConsoleLinesOptions = {}) {
    this.keep = options.keep ?? 200;
    this.log = options.logFile ? fs.createWriteStream(options.logFile, { flags: options.appendLog ? 'a' : 'w' }) : undefined;
  }

  /** Raw console bytes: logged as they are, split into lines (an unfinished line waits for the rest). */
  pushChunk(chunk: Buffer): void {
    if (this.log?.writable) this.log.write(chunk);
    const parts = (this.partial + chunk.toString('utf8').replace(CONTROL_SEQUENCES, '')).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.add(line);
  }

  /** One whole line (logged as a line of its own). */
  push(line: string): void {
    if (this.log?.writable) this.log.write(`${line}\n`);
    this.add(line);
  }

  private add(line: string): void {
    const clean = line.replace(CONTROL_SEQUENCES, '');
    this.lines.push(clean);
    if (this.lines.length > this.keep) this.lines.shift();
    for (const listener of this.listeners) listener(clean);
  }

  /** Every non-blank line `stream` prints, after `prefix` (an agent's stderr: `[agent stderr] `). */
  follow(stream: NodeJS.ReadableStream, prefix: string): void {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.push(`${prefix}${line}`);
    });
    stream.on('end', () => {
      if (partial.trim()) this.push(`${prefix}${partial}`);
      partial = '';
    });
  }

  /** Call `listener` with every line from now on; the answer stops it. */
  onLine(listener: (line: string) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  /** The last `count` lines that are not blank, an unfinished last line included. */
  tail(count: number): string[] {
    const all = this.partial ? [...this.lines, this.partial] : this.lines;
    return all.filter((line) => line.trim() !== '').slice(-count);
  }

  close(): void {
    if (this.log?.writable) this.log.end();
  }
}

/** A start-up failure of `what`, with its last console lines below the message. */
export function targetErrorWithConsole(message: string, what: string, console: ConsoleLines): TargetError {
  return new TargetError(message, [`last console lines of ${what}:`, ...console.tail(20).map((line) => `  | ${line}`)]);
}
