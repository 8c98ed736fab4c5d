/**
 * npm run bench:boards [-- --board NAME ...] [-- --alg PATTERN ...] [-- --sample N]
 * The same vector run on each QEMU board (default qemu-x86_64, qemu-aarch64, qemu-armhf), one after
 * the other, as a user runs it; then one table, board beside board: boot to the guest's init, boot
 * to the agent's ready line, executions (case × target × strategy) per second through the agent,
 * drivers run, and the wall time of the whole run. Default work: gcm(aes) and sha256, every driver,
 * one-shot and chunks — the set every board has.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { projectRoot } from '../harness/core/paths.js';
import { readRun } from '../harness/results/results-reader.js';
import { summarize } from '../harness/results/summary.js';

function argumentsOf(name: string): string[] {
  const values: string[] = [];
  process.argv.forEach((arg, i) => {
    if (arg === `--${name}` && process.argv[i + 1]) values.push(process.argv[i + 1] as string);
  });
  return values;
}

const boards = argumentsOf('board').length > 0 ? argumentsOf('board') : ['qemu-x86_64', 'qemu-aarch64', 'qemu-armhf'];
const algs = argumentsOf('alg').length > 0 ? argumentsOf('alg') : ['gcm(aes)', 'sha256'];
const sample = argumentsOf('sample')[0];
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-bench-boards-'));
process.stdout.write(`bench:boards boards=${boards.join(',')} alg=${algs.join(',')} strategies=oneshot,chunks${sample ? ` sample=${sample}` : ''}\n`);

interface Row {
  board: string;
  code: number | null;
  init?: number;
  ready?: number;
  perSecond?: number;
  executed?: number;
  targets?: number;
  failed?: number;
  wall: number;
  accel?: string;
}
const rows: Row[] = [];
try {
  for (const board of boards) {
    const dir = path.join(out, board);
    const args = [path.join(projectRoot, 'dist', 'harness', 'cli.js'), 'run', '--board', board, '--out', dir, '--strategies', 'oneshot,chunks', ...algs.flatMap((alg) => ['--alg', alg]), ...(sample ? ['--sample', sample] : [])];
    process.stdout.write(`${board}: running…\n`);
    const started = Date.now();
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (exit) => {
        if (exit !== 0 && exit !== 1) process.stdout.write(stderr.split('\n').slice(-6).join('\n'));
        resolve(exit);
      });
    });
    const row: Row = { board, code, wall: (Date.now() - started) / 1000 };
    if (fs.existsSync(path.join(dir, 'run.json'))) {
      const { meta, lines } = readRun(dir);
      const summary = summarize(meta, lines);
      Object.assign(row, {
        ...(meta.target.bootMs !== undefined ? { init: meta.target.bootMs / 1000 } : {}),
        ...(meta.target.agentReadyMs !== undefined ? { ready: meta.target.agentReadyMs / 1000 } : {}),
        perSecond: meta.execution?.perSecond,
        executed: meta.execution?.executed,
        targets: summary.rows.filter((one) => one.ran).length,
        failed: summary.totals.failed,
        accel: meta.target.accel,
      });
    }
    rows.push(row);
  }
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
const cell = (value: number | undefined, digits = 1): string => (value === undefined ? '-' : value.toFixed(digits));
const table = [
  ['board', 'accel', 'init (s)', 'agent ready (s)', 'executions', 'executions/s', 'targets', 'failed', 'wall (s)', 'exit'],
  ...rows.map((row) => [row.board, row.accel ?? '-', cell(row.init), cell(row.ready), String(row.executed ?? '-'), String(row.perSecond ?? '-'), String(row.targets ?? '-'), String(row.failed ?? '-'), cell(row.wall), String(row.code)]),
];
const widths = table[0]?.map((_, column) => Math.max(...table.map((line) => (line[column] ?? '').length))) ?? [];
for (const line of table) process.stdout.write(`${line.map((text, column) => text.padEnd(widths[column] ?? 0)).join('  ')}\n`);
