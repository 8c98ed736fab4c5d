/**
 * `afalg-harness run`: target → discovery → plan → execution → results → reports, end to end.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadBoard } from '../board/board.js';
import { openTarget } from '../targets/open-target.js';
import { registerLive } from '../targets/live-targets.js';
import { discover } from '../discovery/discover.js';
import { BadInputError, EXIT } from '../errors.js';
import { AGENT_VERSION } from '../agent/version.js';
import type { SplitStrategy } from '../protocol/messages.js';
import { ALL_STRATEGIES, UnknownAlgorithmError, planRun, type RunPlan } from '../plan/plan.js';
import { ResultsWriter } from '../results/results-writer.js';
import { RUN_FILE, type RunMeta } from '../results/result-model.js';
import { executePlan } from './execute-plan.js';
import { RunProgress } from './run-progress.js';
import { catalog } from '../../vectors/catalog.js';
import { loadAlgorithmVectors, sourcesFor } from '../../vectors/vector-sources.js';
import { differentialCases } from '../../vectors/differential.js';
import { describeVectorOrigins, resolveVectorsDir } from '../../vectors/vectors-dir.js';
import { writeReports } from '../../reports/reporters.js';
import { renderRunTerminal } from '../../reports/run-terminal.js';

export interface RunArgs {
  board: string;
  alg?: string[];
  driver?: string[];
  out?: string;
  vectors?: string;
  strategies?: string[];
  differential: number;
  seed?: string;
  'mct-checkpoints': number;
  'console-log'?: string;
}

export function parseStrategies(names: string[] | undefined): SplitStrategy[] {
  if (!names || names.length === 0) return [...ALL_STRATEGIES];
  const list = names.flatMap((name) => name.split(',')).map((name) => name.trim()).filter(Boolean);
  for (const name of list) {
    if (!(ALL_STRATEGIES as string[]).includes(name)) throw new BadInputError(`--strategies: unknown strategy '${name}'; known: ${ALL_STRATEGIES.join(', ')}`);
  }
  return list as SplitStrategy[];
}

function runIdOf(board: string): string {
  return `${new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')}-${board}`;
}

/** Plan against the catalog alone, before booting: unknown --alg fails fast. */
function checkPatterns(patterns: string[] | undefined): void {
  try {
    planRun([], { catalog, algPatterns: patterns, strategies: ALL_STRATEGIES, vectorsOf: () => undefined, differential: 0 });
  } catch (error) {
    if (error instanceof UnknownAlgorithmError) throw new BadInputError(`--alg: ${error.message}`);
    throw error;
  }
}

function describePlan(plan: RunPlan): string {
  const batches = plan.batches.length;
  return `plan: ${plan.algorithms.length} algorithms, ${batches} requests, ${plan.executions} executions (case × target × strategy)`;
}

export async function runCommand(argv: RunArgs): Promise<number> {
  const board = loadBoard(argv.board);
  const vectors = resolveVectorsDir(argv.vectors);
  const strategies = parseStrategies(argv.strategies);
  checkPatterns(argv.alg);
  if (!Number.isInteger(argv.differential) || argv.differential < 0) throw new BadInputError(`--differential: expected a case count ≥ 0, got ${argv.differential}`);
  const seed = argv.seed ?? crypto.randomBytes(4).toString('hex');
  const runId = runIdOf(board.name);
  const outDir = path.resolve(argv.out ?? path.join('results', runId));
  if (fs.existsSync(path.join(outDir, RUN_FILE))) throw new BadInputError(`--out ${outDir}: already holds a run (run.json); choose another directory`);
  process.stderr.write(`vectors: ${vectors.dir} (${vectors.origin})\n`);

  const target = await openTarget(board, { consoleLog: argv['console-log'] });
  const writer = new ResultsWriter(outDir);
  let meta: RunMeta | undefined;
  const unregister = registerLive({
    kill: () => {
      if (meta && !meta.complete) writer.writeMeta({ ...meta, incompleteReason: 'interrupted before the end (signal)', finishedAt: new Date().toISOString() });
    },
  });
  let completed = false;
  try {
    const discovery = await discover(target.agent);
    const plan = planRun(discovery.algorithms, {
      catalog,
      algPatterns: argv.alg,
      driverPatterns: argv.driver,
      strategies,
      differential: argv.differential,
      vectorsOf: (algorithm) => (sourcesFor(algorithm).length > 0 ? loadAlgorithmVectors(algorithm, vectors.dir, { mctCheckpoints: argv['mct-checkpoints'] }) : undefined),
      differentialOf: (algorithm, count) => differentialCases(algorithm, count, seed),
    });
    for (const note of plan.notes) if (note.kind === 'unusable') process.stderr.write(`unusable vector file: ${note.error}\n`);
    if (plan.absent.length > 0) process.stderr.write(`not on this target: ${plan.absent.join(', ')}\n`);
    process.stderr.write(`${describePlan(plan)}${argv.differential > 0 ? `, differential seed ${seed}` : ''}\n`);
    const hello = target.info.hello;
    meta = {
      harnessVersion: AGENT_VERSION,
      runId,
      startedAt: new Date().toISOString(),
      complete: false,
      incompleteReason: 'the run did not finish (the harness stopped before the end)',
      board: { name: board.name, transport: board.transport, arch: board.arch, file: board.file },
      target: {
        kernelRelease: hello.kernelRelease,
        arch: hello.arch,
        ...(target.info.accel ? { accel: target.info.accel.accel, accelReason: target.info.accel.reason } : {}),
        agentVersion: hello.agentVersion,
        node: hello.node,
      },
      procCrypto: discovery.procCrypto,
      discovery: discovery.algorithms
        .filter((algorithm) => algorithm.afalgType !== undefined && algorithm.drivers.some((driver) => !driver.internal))
        .map((algorithm) => ({
          name: algorithm.name,
          afalgType: algorithm.afalgType,
          ...(algorithm.bound ? { bound: algorithm.bound } : {}),
          drivers: algorithm.drivers.map((driver) => ({
            driver: driver.driver,
            priority: driver.priority,
            selftest: driver.selftest,
            module: driver.module,
            internal: driver.internal,
            ...(driver.bind ? { bind: driver.bind } : {}),
          })),
        })),
      vectors: { dir: vectors.dir, sources: describeVectorOrigins(vectors.dir) },
      options: { ...(argv.alg ? { alg: argv.alg } : {}), ...(argv.driver ? { driver: argv.driver } : {}), strategies, differential: argv.differential, ...(argv.differential > 0 ? { seed } : {}) },
      planned: { batches: plan.batches.length, executions: plan.executions },
    };
    writer.writeMeta(meta);
    const requestTimeoutMs = (board.timeouts?.requestSec ?? 120) * 1000;
    const execution = await executePlan(target.agent, plan, writer, { requestTimeoutMs, progress: new RunProgress(plan.executions) });
    meta = {
      ...meta,
      complete: execution.complete,
      finishedAt: new Date().toISOString(),
      execution: { executed: execution.executed, seconds: Number(execution.seconds.toFixed(2)), perSecond: Math.round(execution.rate) },
    };
    if (execution.complete) delete meta.incompleteReason;
    else meta.incompleteReason = execution.incompleteReason;
    writer.writeMeta(meta);
    completed = execution.complete;
    if (!execution.complete) {
      process.stderr.write(`run cut short: ${execution.incompleteReason}\nlast console lines of ${board.name}:\n`);
      for (const line of target.consoleTail(20)) process.stderr.write(`  | ${line}\n`);
    }
    process.stderr.write(`executed ${execution.executed} in ${execution.seconds.toFixed(1)} s (${Math.round(execution.rate)}/s)\n`);
  } finally {
    unregister();
    writer.close();
    if (completed) await target.stop();
    else target.kill();
  }
  if (!meta) return EXIT.target;
  const { summary, written } = writeReports(outDir);
  process.stdout.write(renderRunTerminal(summary, meta, { color: Boolean(process.stdout.isTTY) }));
  process.stderr.write(`results: ${outDir} (${['results.jsonl', 'run.json', ...written.map((file) => path.basename(file))].join(', ')})\n`);
  return completed ? summary.exitCode : EXIT.target;
}
