/**
 * npm run bench:vectors [-- --board NAME] [-- --alg PATTERN ...] [-- --agent node --agent native] [-- --seed S] [-- --sample N] [-- --keep DIR]
 * Runs the default vector run (every algorithm, every driver, every strategy) as a user would, then
 * prints what run.json recorded: executions (case × target × strategy) per second through the
 * agent, distinct vector cases, and the wall time of the whole run including boot and discovery.
 * With several --agent, one run per agent (same seed), their figures side by side and the ratio.
 * --seed fixes the generated cases (two runs then give the same tallies), --sample N runs at most N
 * cases per vector file (a quicker figure), --keep DIR keeps the results (DIR/run; DIR/<agent>/run with several agents).
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

interface Figures {
  agent: string;
  code: number | null;
  complete: boolean;
  planned: string;
  executed: number;
  seconds: number;
  perSecond: number;
  wall: number;
  accel: string;
}

const board = argumentsOf('board')[0] ?? 'qemu-x86_64';
const algs = argumentsOf('alg');
const agents = argumentsOf('agent');
// one seed for every agent's run: the same generated cases, so the executions compare
const seed = argumentsOf('seed')[0] ?? (agents.length > 1 ? `bench-${Date.now()}` : undefined);
const sample = argumentsOf('sample')[0];
const keep = argumentsOf('keep')[0];

async function runOnce(agent: string | undefined): Promise<Figures> {
  const out = keep === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-bench-vectors-')) : agents.length > 1 && agent ? path.join(keep, agent) : keep;
  const args = [path.join(projectRoot, 'dist', 'harness', 'cli.js'), 'run', '--board', board, '--out', path.join(out, 'run'), ...algs.flatMap((alg) => ['--alg', alg])];
  if (agent) args.push('--agent', agent);
  if (seed) args.push('--seed', seed);
  if (sample) args.push('--sample', sample);
  const started = Date.now();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('close', resolve);
  });
  const wall = (Date.now() - started) / 1000;
  try {
    const { meta } = readRun(path.join(out, 'run'));
    const execution = meta.execution;
    return {
      agent: meta.target.agent ?? agent ?? '?',
      code,
      complete: meta.complete,
      planned: `${meta.planned.executions} in ${meta.planned.batches} requests`,
      executed: execution?.executed ?? 0,
      seconds: execution?.seconds ?? 0,
      perSecond: execution?.perSecond ?? 0,
      wall,
      accel: meta.target.accel ?? '?',
    };
  } finally {
    if (keep === undefined) fs.rmSync(out, { recursive: true, force: true });
  }
}

process.stdout.write(`bench:vectors board=${board} ${algs.length ? `alg=${algs.join(',')}` : 'all algorithms'}${agents.length ? ` agents=${agents.join(',')}` : ''}${seed ? ` seed=${seed}` : ''}${sample ? ` sample=${sample}` : ''}\n`);
const runs: Figures[] = [];
for (const agent of agents.length ? agents : [undefined]) runs.push(await runOnce(agent));
const row = (label: string, values: (figures: Figures) => string): string => `${label.padEnd(24)}${runs.map((figures) => values(figures).padEnd(28)).join('')}`;
const lines = [
  row('agent', (f) => f.agent),
  row('exit code', (f) => String(f.code)),
  row('complete', (f) => String(f.complete)),
  row('executions planned', (f) => f.planned),
  row('executions done', (f) => String(f.executed)),
  row('execution stage', (f) => `${f.seconds} s`),
  row('executions per second', (f) => String(f.perSecond)),
  row('whole run, wall time', (f) => `${f.wall.toFixed(1)} s`),
  row('accelerator', (f) => f.accel),
];
process.stdout.write(`${lines.join('\n')}\n(executions: case × target × strategy, through the agent; wall time: boot, discovery, vectors, reports)\n`);
const [first, second] = runs;
if (first && second && first.perSecond > 0) process.stdout.write(`${second.agent} / ${first.agent} executions per second: ${(second.perSecond / first.perSecond).toFixed(2)}\n`);
