/**
 * npm run bench:vectors [-- --board NAME] [-- --alg PATTERN ...] [-- --seed S] [-- --sample N] [-- --keep DIR]
 * Runs the default vector run (every algorithm, every driver, every strategy) as a user would, then
 * prints what run.json recorded: executions (case × target × strategy) per second through the
 * agent, distinct vector cases, and the wall time of the whole run including boot and discovery.
 * --seed fixes the generated cases (two runs then give the same tallies), --sample N runs at most N
 * cases per vector file (a quicker figure), --keep DIR keeps the results directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { projectRoot } from '../harness/core/paths.js';
import { readRun } from '../harness/results/results-reader.js';

function argumentsOf(name: string): string[] {
  const values: string[] = [];
  process.argv.forEach((arg, i) => {
    if (arg === `--${name}` && process.argv[i + 1]) values.push(process.argv[i + 1] as string);
  });
  return values;
}

const board = argumentsOf('board')[0] ?? 'qemu-x86_64';
const keep = argumentsOf('keep')[0];
const out = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-bench-vectors-'));
const passed = ['seed', 'sample'].flatMap((name) => argumentsOf(name).slice(0, 1).flatMap((value) => [`--${name}`, value]));
const args = [path.join(projectRoot, 'dist', 'harness', 'cli.js'), 'run', '--board', board, '--out', path.join(out, 'run'), ...argumentsOf('alg').flatMap((alg) => ['--alg', alg]), ...passed];
process.stdout.write(`bench:vectors board=${board} ${argumentsOf('alg').length ? `alg=${argumentsOf('alg').join(',')}` : 'all algorithms'}${passed.length ? ` ${passed.join(' ')}` : ''}\n`);
const started = Date.now();
const code = await new Promise<number | null>((resolve) => {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('close', resolve);
});
const wall = (Date.now() - started) / 1000;
try {
  const { meta, lines } = readRun(path.join(out, 'run'));
  const cases = new Set<string>();
  for (const line of lines) if (line.kind === 'tally') cases.add(`${line.algorithm}\0${line.source}`);
  const execution = meta.execution;
  process.stdout.write(
    [
      `exit code               ${code}`,
      `complete                ${meta.complete}`,
      `executions planned      ${meta.planned.executions} in ${meta.planned.batches} requests`,
      `executions done         ${execution?.executed ?? 0}`,
      `execution stage         ${execution?.seconds ?? 0} s`,
      `executions per second   ${execution?.perSecond ?? 0}  (case × target × strategy, through the agent)`,
      `whole run, wall time    ${wall.toFixed(1)} s  (boot, discovery, vectors, reports)`,
      `accelerator             ${meta.target.accel ?? '?'}`,
      '',
    ].join('\n'),
  );
} finally {
  if (keep === undefined) fs.rmSync(out, { recursive: true, force: true });
}
