/**
 * npm run bench:boot [-- --board NAME --runs N]
 * Boots the board N times and prints, per run and as medians: time to the guest's init, to the
 * agent's ready line, discovery time and the whole run.
 */
import { loadBoard } from '../harness/board/board.js';
import { openTarget } from '../harness/targets/open-target.js';
import { discover } from '../harness/discovery/discover.js';

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const board = loadBoard(argument('board', 'qemu-x86_64'));
const runs = Number(argument('runs', '3'));
const rows: Array<{ init: number; ready: number; discovery: number; total: number; drivers: number }> = [];
const seconds = (ms: number): string => (ms / 1000).toFixed(2).padStart(8);

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
process.stdout.write(`bench:boot board=${board.name} runs=${runs}\n`);
process.stdout.write(`run  init(s) ready(s) discover(s) total(s) drivers accel\n`);
for (let i = 1; i <= runs; i++) {
  const started = Date.now();
  const target = await openTarget(board, { progress: quiet });
  const result = await discover(target.agent);
  await target.stop();
  const row = {
    init: target.info.timings.bootMs ?? NaN,
    ready: target.info.timings.agentReadyMs,
    discovery: result.timings.discoveryMs,
    total: Date.now() - started,
    drivers: result.algorithms.reduce((n, a) => n + a.drivers.length, 0),
  };
  rows.push(row);
  process.stdout.write(`${String(i).padStart(3)} ${seconds(row.init)} ${seconds(row.ready)} ${seconds(row.discovery)}   ${seconds(row.total)} ${String(row.drivers).padStart(7)} ${target.info.accel?.accel ?? '-'}\n`);
}
process.stdout.write(
  `median ${seconds(median(rows.map((r) => r.init)))} ${seconds(median(rows.map((r) => r.ready)))} ${seconds(median(rows.map((r) => r.discovery)))}   ${seconds(median(rows.map((r) => r.total)))}\n`,
);
