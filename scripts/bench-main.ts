/**
 * npm run bench:main [-- --board NAME] [-- --no-bench | --bench-only] [-- --from DIR] [-- extra run options…]
 * Runs the README's main job (`run --board qemu-x86_64 --bench`) as a user would and prints its
 * phases — target up (boot, agent, modules), discovery, vectors, bench measurements, tcrypt,
 * reports — from run.json, with executions per second and the whole wall time, so the next change
 * can be compared with this one, then where the bench's time went (per engine and path: measured,
 * wall, the rest per request; each tcrypt run). Reports are timed by rendering them again from the files.
 * `-- --bench-only` leaves the vectors out (the `bench` command) for a quicker look at the bench alone;
 * `-- --from DIR` prints the same for a finished run's directory without running anything.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { projectRoot } from '../harness/core/paths.js';
import { readRun } from '../harness/results/results-reader.js';
import { benchTime, benchTimeLines } from '../harness/results/bench-time.js';
import type { BenchLine, TcryptLine } from '../harness/results/result-model.js';

const cli = path.join(projectRoot, 'dist', 'harness', 'cli.js');
const argv = process.argv.slice(2);
const boardAt = argv.indexOf('--board');
const board = boardAt >= 0 ? (argv[boardAt + 1] ?? 'qemu-x86_64') : 'qemu-x86_64';
const bench = !argv.includes('--no-bench');
const benchOnly = argv.includes('--bench-only');
const fromAt = argv.indexOf('--from');
const from = fromAt >= 0 ? argv[fromAt + 1] : undefined;
// the indexes of our own options and their values (an absent option's -1 must not drop argument 0)
const ours = new Set([boardAt, fromAt].filter((i) => i >= 0).flatMap((i) => [i, i + 1]));
const extra = argv.filter((arg, i) => arg !== '--no-bench' && arg !== '--bench-only' && !ours.has(i));

function runCli(args: string[], stdout: 'ignore' | 'inherit'): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', stdout, 'inherit'] });
    child.on('close', resolve);
  });
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-bench-main-'));
const dir = from ?? path.join(out, 'run');
try {
  const command = benchOnly ? ['bench'] : ['run', ...(bench ? ['--bench'] : [])];
  process.stdout.write(from ? `bench:main: the run in ${from} (not run again)\n` : `bench:main: ${command.join(' ')} --board ${board} ${extra.join(' ')}\n`);
  const started = Date.now();
  const code = from ? null : await runCli([...command, '--board', board, '--out', dir, ...extra], 'ignore');
  const wall = from ? undefined : (Date.now() - started) / 1000;
  if (!fs.existsSync(path.join(dir, 'run.json'))) {
    process.stdout.write(`bench:main: the run wrote no run.json (exit ${code}); see its messages above\n`);
    process.exitCode = 1;
  } else {
    const reportsStarted = Date.now();
    await runCli(['report', dir], 'ignore');
    const reports = (Date.now() - reportsStarted) / 1000;
    const { meta, lines } = readRun(dir);
    const phases = meta.phases;
    const row = (name: string, seconds: number | undefined, note = ''): string => `${name.padEnd(24)}${seconds === undefined ? '—'.padStart(9) : `${seconds.toFixed(1).padStart(7)} s`}  ${note}`;
    process.stdout.write(
      [
        row('target up', phases?.target, `boot ${((meta.target.bootMs ?? 0) / 1000).toFixed(1)} s, agent ready ${((meta.target.agentReadyMs ?? 0) / 1000).toFixed(1)} s, ${meta.target.accel ?? '?'}`),
        row('discovery', phases?.discovery),
        row('vectors', phases?.vectors, `${meta.execution?.executed ?? 0} executions, ${meta.execution?.perSecond ?? 0}/s`),
        row('bench', phases?.bench),
        row('tcrypt', phases?.tcrypt),
        row('reports', reports, 'all reporters, rendered again from the files'),
        row('whole run (wall)', wall, `exit ${code}, ${meta.complete ? 'complete' : `partial: ${meta.incompleteReason ?? ''}`}`),
        '',
      ].join('\n'),
    );
    const benchLines = lines.filter((line): line is BenchLine => line.kind === 'bench');
    const tcryptLines = lines.filter((line): line is TcryptLine => line.kind === 'tcrypt');
    if (benchLines.length + tcryptLines.length > 0) {
      const cuts = (meta.benchCuts ?? []).map((cut) => `  budget cut: ${cut}`);
      process.stdout.write(['where the bench time went:', ...benchTimeLines(benchTime(benchLines, tcryptLines)), ...cuts, ''].join('\n'));
    }
  }
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
