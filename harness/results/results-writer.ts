/**
 * Writes a run's files as the run goes: results.jsonl appended and fsynced per batch, run.json
 * replaced atomically, so a run killed at any moment leaves every answer it had and a run.json that
 * says whether it finished.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RESULTS_FILE, RUN_FILE, type ResultLine } from './result-model.js';
import { type RunMeta } from './run-record.js';

export class ResultsWriter {
  private readonly fd: number;
  readonly resultsPath: string;
  readonly metaPath: string;

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.resultsPath = path.join(dir, RESULTS_FILE);
    this.metaPath = path.join(dir, RUN_FILE);
    this.fd = fs.openSync(this.resultsPath, 'a');
  }

  /** Append lines and make them durable before returning. */
  append(lines: readonly ResultLine[]): void {
    if (lines.length === 0) return;
    fs.writeSync(this.fd, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
    fs.fsyncSync(this.fd);
  }

  /** Replace run.json atomically (write beside it, fsync, rename). */
  writeMeta(meta: RunMeta): void {
    const temporary = `${this.metaPath}.tmp-${process.pid}`;
    const fd = fs.openSync(temporary, 'w');
    try {
      fs.writeSync(fd, JSON.stringify(meta, null, 2) + '\n');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, this.metaPath);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
