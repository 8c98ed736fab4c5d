/**
 * npm run bench:main [-- --board NAME] [-- --no-bench] [-- extra run options…]
 * Runs the README's main job (`run --board qemu-x86_64 --bench`) as a user would and prints its
 * phases — target up (boot, agent, modules), discovery, vectors, bench measurements, tcrypt,
 * reports — from run.json, with executions per second and the whole wall time, so the next change
 * can be compared with this one. Reports are timed by rendering them again from the files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { projectRoot } from '../harness/core/paths.js';
import { readRun } from '../harness/results/results-reader.js';

const cli = path.join(projectRoot, 'dist', 'harness', 'cli.js');
const argv = process.argv.slice(2);
const boardAt = argv.indexOf('--board');
const board = boardAt >= 0 ? (argv[boardAt + 1] ?? 'qemu-x86_64') : 'qemu-x86_64';
const bench = !argv.includes('--no-bench');
const extra = argv.filter((arg, i) => arg !== '--no-bench' && i !== boardAt && i !== boardAt + 1);

function runCli(args: string[], stdout: 'ignore' | 'inherit'): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', stdout, 'inherit'] });
    child.on('close', resolve);
  });
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-bench-main-'));
const dir = path.join(out, 'run');
try {
  process.stdout.write(`bench:main: run --board ${board}${bench ? ' --bench' : ''} ${extra.join(' ')}\n`);
  const started = Date.now();
  const code = await runCli(['run', '--board', board, ...(bench ? ['--bench'] : []), '--out', dir, ...extra], 'ignore');
  const wall = (Date.now() - started) / 1000;
  const reportsStarted = Date.now();
  await runCli(['report', dir], 'ignore');
  const reports = (Date.now() - reportsStarted) / 1000;
  const { meta } = readRun(dir);
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
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
