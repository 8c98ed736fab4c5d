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
import { BadInputError, EXIT, HarnessError } from '../errors.js';
import { AGENT_VERSION } from '../agent/version.js';
import { DEFAULT_HANG_SEC, type SplitStrategy } from '../protocol/messages.js';
import { ALL_STRATEGIES, DEFAULT_MAX_PAYLOAD, UnknownAlgorithmError, planRun, type RunPlan } from '../plan/plan.js';
import { ResultsWriter } from '../results/results-writer.js';
import { RUN_FILE, type HangLine, type RunMeta } from '../results/result-model.js';
import { executePlan, targetKey, targetsTakenOutBy, type ExecutionResult } from './execute-plan.js';
import { describeHang } from '../results/summary.js';
import { RunProgress } from './run-progress.js';
import { catalog } from '../../vectors/catalog.js';
import { loadAlgorithmVectors, sourcesFor } from '../../vectors/vector-sources.js';
import { differentialCases } from '../../vectors/differential.js';
import { boundaryCases } from '../../vectors/boundary/boundary.js';
import { describeVectorOrigins, resolveVectorsDir } from '../../vectors/vectors-dir.js';
import { writeReports } from '../../reports/reporters.js';
import os from 'node:os';
import { ALL_PATHS, DEFAULT_BENCH_SIZES, UnknownBenchAlgorithmError, planBench, type BenchPlan, type BenchSettings } from '../bench/bench-plan.js';
import { MAX_BENCH_SIZE } from '../agent/afalg-bench.js';
import { buildCReference } from '../bench/c-reference.js';
import { benchKey, executeBench } from './execute-bench.js';
import { readRun } from '../results/results-reader.js';
import type { BenchPath } from '../protocol/messages.js';
import type { Board } from '../board/board.js';
import type { Target } from '../targets/target.js';
import { checkModuleFiles, fixturesWanted, loadModules, moduleFilesFor } from '../targets/extra-modules.js';
import { renderRunTerminal } from '../../reports/run-terminal.js';
// drivers-spec (--spec): validated before booting, stored in run.json, an unmet requirement exits 1
import { loadDriversSpec, specContent, specVerdictOf, verdictWithSpec } from '../spec/drivers-spec.js';

export interface RunArgs {
  /** absent only with --resume (the run's own board) */
  board?: string;
  alg?: string[];
  driver?: string[];
  out?: string;
  vectors?: string;
  strategies?: string[];
  differential: number;
  seed?: string;
  /** generated boundary cases (default on; --no-boundary turns them off) */
  boundary?: boolean;
  /** nightly counts: more boundary and differential cases */
  thorough?: boolean;
  'mct-checkpoints': number;
  'console-log'?: string;
  /** measure throughput too (run --bench; the bench command sets it and turns vectors off) */
  bench?: boolean;
  /** false: no vectors (the bench command) */
  runVectors?: boolean;
  sizes?: string[];
  seconds?: number;
  repetitions?: number;
  paths?: string[];
  tcrypt?: boolean;
  'tcrypt-sec'?: number;
  'c-reference'?: boolean;
  /** drivers-spec file or bundled name: requirements the board must meet */
  spec?: string;
  /** continue the partial run in this directory: same board, options and plan; done batches skipped */
  resume?: string;
  /** kernel modules (.ko built for the guest's kernel) loaded into the target before discovery */
  'load-module'?: string[];
  /** fault-injection fixtures (qemu/fixtures) built for the guest's kernel and loaded; 'all' for every one */
  fixtures?: string[];
  /** one operation not returning within this many seconds is a hang (default: the board's, else 20) */
  'hang-sec'?: number;
  /** at most N cases per vector file (evenly spread, every expectation kept) */
  sample?: number;
}

/** A QEMU guest is restarted after a hang at most this many times in one run. */
const MAX_RESTARTS = 8;

interface ResumeState {
  dir: string;
  meta: RunMeta;
  doneBatches: Set<string>;
  doneBenches: Set<string>;
  doneTcrypt: Set<string>;
  /** hang lines of the earlier attempts: their targets stay out */
  hangs: HangLine[];
}

/**
 * `--resume DIR`: the partial run's own options become this run's arguments, so the re-plan cuts
 * the same batches (same vectors, seed, request size) and the done marks in results.jsonl match.
 */
function resumeState(dirArg: string, argv: RunArgs): { argv: RunArgs; state: ResumeState } {
  const dir = path.resolve(dirArg);
  const { meta, lines } = readRun(dir);
  if (meta.complete) throw new BadInputError(`--resume ${dir}: that run is complete; nothing to resume`);
  if (argv.board !== undefined && argv.board !== meta.board.file && argv.board !== meta.board.name) {
    throw new BadInputError(`--resume ${dir}: the run was made on board ${meta.board.name} (${meta.board.file}), not ${argv.board}`);
  }
  const options = meta.options;
  const resumed: RunArgs = {
    ...argv,
    board: meta.board.file,
    out: dir,
    differential: options.differential,
    boundary: options.boundary !== undefined,
    thorough: options.boundary?.thorough ?? false,
    'mct-checkpoints': options.mctCheckpoints ?? argv['mct-checkpoints'],
    ...(options.hangSec !== undefined ? { 'hang-sec': options.hangSec } : {}),
    ...(options.sample !== undefined ? { sample: options.sample } : {}),
    strategies: options.strategies,
    ...(options.alg ? { alg: options.alg } : {}),
    ...(options.driver ? { driver: options.driver } : {}),
    ...(options.seed ? { seed: options.seed } : {}),
    ...(options.vectors === false ? { runVectors: false } : { vectors: meta.vectors.dir }),
    ...(options.bench
      ? {
          bench: true,
          sizes: options.bench.sizes.map(String),
          seconds: options.bench.seconds,
          repetitions: options.bench.repetitions,
          paths: options.bench.paths,
          tcrypt: options.bench.tcrypt,
          ...(options.bench.tcryptSec !== undefined ? { 'tcrypt-sec': options.bench.tcryptSec } : {}),
        }
      : { bench: false }),
  };
  const state: ResumeState = { dir, meta, doneBatches: new Set(), doneBenches: new Set(), doneTcrypt: new Set(), hangs: [] };
  for (const line of lines) {
    if (line.kind === 'done') state.doneBatches.add(line.batch);
    else if (line.kind === 'hang') state.hangs.push(line);
    else if (line.kind === 'bench') state.doneBenches.add(benchKey(line));
    else if (line.kind === 'tcrypt' && line.error === undefined) state.doneTcrypt.add(line.params.join(' '));
  }
  return { argv: resumed, state };
}

function numberList(option: string, values: string[] | undefined, fallback: number[]): number[] {
  if (!values || values.length === 0) return fallback;
  const list = values.flatMap((value) => String(value).split(',')).map((value) => value.trim()).filter(Boolean);
  return list.map((value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > MAX_BENCH_SIZE) throw new BadInputError(`${option}: '${value}' is not a size in bytes from 1 to ${MAX_BENCH_SIZE}`);
    return n;
  });
}

/** Bench settings from the command line, checked before anything boots. */
export function benchSettingsOf(argv: RunArgs): Omit<BenchSettings, 'cProgram'> {
  const sizes = numberList('--sizes', argv.sizes, DEFAULT_BENCH_SIZES);
  const seconds = argv.seconds ?? 0.5;
  if (!(seconds > 0 && seconds <= 60)) throw new BadInputError(`--seconds: expected a time per point in seconds (0 < S ≤ 60), got ${argv.seconds}`);
  const repetitions = argv.repetitions ?? 5;
  if (!Number.isInteger(repetitions) || repetitions < 1 || repetitions > 100) throw new BadInputError(`--repetitions: expected 1..100, got ${argv.repetitions}`);
  const paths = (argv.paths && argv.paths.length > 0 ? argv.paths.flatMap((p) => p.split(',')).map((p) => p.trim()) : [...ALL_PATHS]) as BenchPath[];
  for (const p of paths) if (!ALL_PATHS.includes(p)) throw new BadInputError(`--paths: unknown data path '${p}'; known: ${ALL_PATHS.join(', ')}`);
  const tcryptSec = argv['tcrypt-sec'] ?? 1;
  if (!Number.isInteger(tcryptSec) || tcryptSec < 0 || tcryptSec > 10) throw new BadInputError(`--tcrypt-sec: expected 0 (cycle counts) to 10 seconds, got ${argv['tcrypt-sec']}`);
  return { sizes: [...new Set(sizes)].sort((a, b) => a - b), seconds, repetitions, paths, ...(argv.tcrypt !== false ? { tcryptSec } : {}) };
}

/**
 * The C reference loop runs where the agent runs: on a QEMU board of the host's architecture the
 * guest sees the host's files, so a program built here runs there.
 */
async function cReferenceFor(board: Board, wanted: boolean): Promise<{ program?: string; description: string }> {
  if (!wanted) return { description: 'off (--no-c-reference)' };
  if (board.transport !== 'qemu' || board.arch !== os.machine()) return { description: `not available on ${board.name}: the program is built for ${os.machine()} and reaches only QEMU guests sharing the host's files` };
  const build = await buildCReference();
  if ('unavailable' in build) return { description: build.unavailable };
  return { program: build.program, description: build.program };
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
function checkPatterns(patterns: string[] | undefined, settings: Omit<BenchSettings, 'cProgram'> | undefined): void {
  try {
    if (settings) planBench([], { catalog, algPatterns: patterns, settings });
  } catch (error) {
    if (error instanceof UnknownBenchAlgorithmError) throw new BadInputError(`--alg: ${error.message}`);
    throw error;
  }
  if (settings && patterns === undefined) return;
  try {
    planRun([], { catalog, algPatterns: patterns, strategies: ALL_STRATEGIES, vectorsOf: () => undefined, differential: 0 });
  } catch (error) {
    if (error instanceof UnknownAlgorithmError) throw new BadInputError(`--alg: ${error.message}`);
    throw error;
  }
}

function emptyPlan(): RunPlan {
  return { algorithms: [], absent: [], batches: [], notes: [], executions: 0 };
}

function describeBenchPlan(plan: BenchPlan, tcryptSec: number | undefined): string {
  const tcrypt = plan.tcrypt.length > 0 ? `; tcrypt ${plan.tcrypt.map((mode) => mode.params.join(' ')).join(', ')} at sec=${tcryptSec}` : '';
  return `bench: ${plan.algorithms.join(', ') || 'nothing'}: ${plan.benches.length} measurements${tcrypt}; about ${RunProgress.format(plan.estimatedSeconds)}`;
}

function describePlan(plan: RunPlan): string {
  const batches = plan.batches.length;
  return `plan: ${plan.algorithms.length} algorithms, ${batches} requests, ${plan.executions} executions (case × target × strategy)`;
}

export async function runCommand(args: RunArgs): Promise<number> {
  const resuming = args.resume !== undefined ? resumeState(args.resume, args) : undefined;
  const argv = resuming?.argv ?? args;
  if (argv.board === undefined) throw new BadInputError('--board is required (or --resume DIR)');
  const board = loadBoard(argv.board);
  const moduleFiles = checkModuleFiles(board, argv['load-module']);
  const fixtures = fixturesWanted(board, argv.fixtures);
  // drivers-spec: a bad file stops here, before anything boots (BadInputError, exit 2)
  const driversSpec = argv.spec !== undefined ? loadDriversSpec(argv.spec) : undefined;
  if (resuming && driversSpec) throw new BadInputError('--resume: the run keeps the drivers-spec it was started with; --spec cannot change it');
  const wantVectors = argv.runVectors !== false;
  const vectors = wantVectors ? resolveVectorsDir(argv.vectors) : undefined;
  const strategies = parseStrategies(argv.strategies);
  const benchSettings = argv.bench ? benchSettingsOf(argv) : undefined;
  if (wantVectors) checkPatterns(argv.alg, undefined);
  if (benchSettings) checkPatterns(argv.alg, benchSettings);
  if (!Number.isInteger(argv.differential) || argv.differential < 0) throw new BadInputError(`--differential: expected a case count ≥ 0, got ${argv.differential}`);
  if (argv.sample !== undefined && !(Number.isInteger(argv.sample) && argv.sample >= 1)) throw new BadInputError(`--sample: expected a number of cases per vector file ≥ 1, got ${argv.sample}`);
  const requestSec = board.timeouts?.requestSec ?? 120;
  const hangSec = argv['hang-sec'] ?? board.timeouts?.hangSec ?? Math.min(DEFAULT_HANG_SEC, requestSec / 2);
  if (!(hangSec > 0 && hangSec < requestSec)) {
    throw new BadInputError(`--hang-sec: expected seconds above 0 and below the board's request timeout (${requestSec} s), got ${argv['hang-sec'] ?? board.timeouts?.hangSec}`);
  }
  const seed = argv.seed ?? crypto.randomBytes(4).toString('hex');
  const runId = resuming?.state.meta.runId ?? runIdOf(board.name);
  const outDir = path.resolve(argv.out ?? path.join('results', runId));
  if (!resuming && fs.existsSync(path.join(outDir, RUN_FILE))) throw new BadInputError(`--out ${outDir}: already holds a run (run.json); choose another directory, or --resume ${outDir} if it is partial`);
  if (resuming) {
    const { state } = resuming;
    process.stderr.write(`resuming ${outDir}: ${state.doneBatches.size} requests and ${state.doneBenches.size} measurements already done (stopped: ${state.meta.incompleteReason ?? 'no reason recorded'})\n`);
  }
  if (vectors) process.stderr.write(`vectors: ${vectors.dir} (${vectors.origin})\n`);
  const cReference = benchSettings ? await cReferenceFor(board, argv['c-reference'] !== false) : undefined;
  if (cReference) process.stderr.write(`C reference loop: ${cReference.description}\n`);
  if (driversSpec) process.stderr.write(`drivers-spec: ${driversSpec.name} (${driversSpec.file}), ${driversSpec.requirements.length} requirements\n`);

  let target = await openTarget(board, { consoleLog: argv['console-log'] });
  const writer = new ResultsWriter(outDir);
  let meta: RunMeta | undefined;
  const unregister = registerLive({
    kill: () => {
      if (meta && !meta.complete) writer.writeMeta({ ...meta, incompleteReason: 'interrupted before the end (signal)', finishedAt: new Date().toISOString() });
    },
  });
  let completed = false;
  try {
    const extraModules = await moduleFilesFor(target, fixtures, moduleFiles);
    await loadModules(target, board, extraModules);
    const discovery = await discover(target.agent);
    const plan: RunPlan = !vectors ? emptyPlan() : planRun(discovery.algorithms, {
      catalog,
      algPatterns: argv.alg,
      driverPatterns: argv.driver,
      strategies,
      differential: argv.differential,
      ...(argv.sample !== undefined ? { sample: argv.sample } : {}),
      vectorsOf: (algorithm) => (sourcesFor(algorithm).length > 0 ? loadAlgorithmVectors(algorithm, vectors.dir, { mctCheckpoints: argv['mct-checkpoints'] }) : undefined),
      differentialOf: (algorithm, count) => differentialCases(algorithm, count, seed),
      ...(argv.boundary !== false ? { boundaryOf: (algorithm) => boundaryCases(algorithm, seed, { thorough: argv.thorough ?? false }) } : {}),
      // a resumed run cuts its batches as the first attempt did, whatever this link prefers
      ...(resuming?.state.meta.planned.maxRequestBytes !== undefined
        ? { maxPayloadBytes: resuming.state.meta.planned.maxRequestBytes }
        : target.link
          ? { maxPayloadBytes: target.link.maxRequestBytes }
          : {}),
    });
    for (const note of plan.notes) if (note.kind === 'unusable') process.stderr.write(`unusable vector file: ${note.error}\n`);
    if (plan.absent.length > 0) process.stderr.write(`not on this target: ${plan.absent.join(', ')}\n`);
    if (vectors) process.stderr.write(`${describePlan(plan)}${argv.differential > 0 || argv.boundary !== false ? `, seed ${seed}` : ''}\n`);
    let benchPlan: BenchPlan | undefined = benchSettings
      ? planBench(discovery.algorithms, { catalog, algPatterns: argv.alg, driverPatterns: argv.driver, settings: { ...benchSettings, ...(cReference?.program ? { cProgram: cReference.program } : {}) } })
      : undefined;
    if (benchPlan) process.stderr.write(`${describeBenchPlan(benchPlan, benchSettings?.tcryptSec)}\n`);
    const hello = target.info.hello;
    meta = {
      harnessVersion: AGENT_VERSION,
      runId,
      startedAt: resuming?.state.meta.startedAt ?? new Date().toISOString(),
      complete: false,
      incompleteReason: 'the run did not finish (the harness stopped before the end)',
      board: { name: board.name, transport: board.transport, arch: board.arch, file: board.file },
      target: {
        kernelRelease: hello.kernelRelease,
        arch: hello.arch,
        ...(target.info.accel ? { accel: target.info.accel.accel, accelReason: target.info.accel.reason } : {}),
        agentVersion: hello.agentVersion,
        node: hello.node,
        agentReadyMs: target.info.timings.agentReadyMs,
        ...(target.info.timings.bootMs !== undefined ? { bootMs: target.info.timings.bootMs } : {}),
      },
      procCrypto: discovery.procCrypto,
      // every algorithm with a public driver: AF_ALG-reachable or not, a priority hazard is a finding
      discovery: discovery.algorithms
        .filter((algorithm) => algorithm.drivers.some((driver) => !driver.internal))
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
            ...(driver.async !== undefined ? { async: driver.async } : {}),
            ...(driver.bind ? { bind: driver.bind } : {}),
          })),
        })),
      vectors: vectors ? { dir: vectors.dir, sources: describeVectorOrigins(vectors.dir) } : { dir: '', sources: [] },
      options: {
        ...(argv.alg ? { alg: argv.alg } : {}),
        ...(argv.driver ? { driver: argv.driver } : {}),
        strategies,
        differential: argv.differential,
        ...(vectors && (argv.differential > 0 || argv.boundary !== false) ? { seed } : {}),
        ...(vectors && argv.boundary !== false ? { boundary: { thorough: argv.thorough ?? false } } : {}),
        mctCheckpoints: argv['mct-checkpoints'],
        hangSec,
        ...(argv.sample !== undefined ? { sample: argv.sample } : {}),
        ...(benchSettings
          ? {
              bench: {
                sizes: benchSettings.sizes,
                seconds: benchSettings.seconds,
                repetitions: benchSettings.repetitions,
                paths: benchSettings.paths,
                tcrypt: benchSettings.tcryptSec !== undefined,
                ...(benchSettings.tcryptSec !== undefined ? { tcryptSec: benchSettings.tcryptSec } : {}),
                cReference: cReference?.description ?? 'off',
              },
            }
          : {}),
        ...(vectors ? {} : { vectors: false }),
      },
      planned: { batches: plan.batches.length, executions: plan.executions, maxRequestBytes: resuming?.state.meta.planned.maxRequestBytes ?? target.link?.maxRequestBytes ?? DEFAULT_MAX_PAYLOAD },
      ...(resuming
        ? { resumed: [...(resuming.state.meta.resumed ?? []), { at: new Date().toISOString(), after: resuming.state.meta.incompleteReason ?? 'no reason recorded' }] }
        : {}),
    };
    if (resuming) {
      meta.spec = resuming.state.meta.spec;
      if (meta.spec === undefined) delete meta.spec;
      writer.append([{ kind: 'resumed', at: new Date().toISOString(), after: resuming.state.meta.incompleteReason ?? 'no reason recorded' }]);
    }
    // drivers-spec: stored with the run so that `report DIR` evaluates it again
    if (driversSpec) meta.spec = { file: driversSpec.file, content: specContent(driversSpec) };
    writer.writeMeta(meta);
    // targets a hang took out: an earlier attempt's stay out
    const out = new Set<string>((resuming?.state.hangs ?? []).flatMap((line) => targetsTakenOutBy(line, plan)));
    const done = new Set<string>(resuming?.state.doneBatches ?? []);
    const progress = new RunProgress(plan.executions, { unit: 'executions' });
    // a QEMU guest with a driver stuck in the kernel is restarted and the run goes on without it;
    // a real board is not power-cycled here: the run stops, and --resume goes on after a reboot
    const restartable = board.transport === 'qemu';
    let restarts = 0;
    let execution: ExecutionResult;
    for (;;) {
      execution = await executePlan(target.agent, plan, writer, {
        requestTimeoutMs: requestSec * 1000,
        hangSec,
        progress,
        ...(target.link ? { depth: target.link.pipelineDepth } : {}),
        done,
        out,
        writeNotes: !resuming && restarts === 0,
        onHang: restartable && restarts < MAX_RESTARTS ? 'restarted' : 'stopped',
      });
      if (!execution.hang || execution.hang.then !== 'restarted') break;
      restarts++;
      progress.pause();
      const without = targetsTakenOutBy(execution.hang, plan).map((key) => key.split('\0')[1]);
      process.stderr.write(`hang: ${describeHang(execution.hang)}\nrestarting ${board.name} (restart ${restarts}); the run goes on without ${without.join(' and ')}\n`);
      target.kill();
      target = await openTarget(board, { consoleLog: argv['console-log'], appendConsoleLog: true });
      await loadModules(target, board, extraModules);
    }
    if (execution.hang) execution.incompleteReason = `${execution.incompleteReason}; ${restartable ? `${MAX_RESTARTS} restarts used up` : `restart ${board.name} and continue with --resume ${outDir}`}`;
    const vectorStage = execution;
    if (benchPlan && out.size > 0) {
      // a driver that hung is not measured either (the generic name bound to it neither)
      const kept = benchPlan.benches.filter((one) => !out.has(targetKey(one.algorithm, one.target)));
      benchPlan = { ...benchPlan, benches: kept, estimatedSeconds: kept.reduce((sum, one) => sum + one.estimatedSeconds, 0) };
    }
    if (benchPlan && execution.complete) {
      const benched = await executeBench(target.agent, benchPlan, writer, {
        ...(benchSettings?.tcryptSec !== undefined ? { tcryptSec: benchSettings.tcryptSec } : {}),
        ...(resuming ? { done: { benches: resuming.state.doneBenches, tcrypt: resuming.state.doneTcrypt } } : {}),
      });
      process.stderr.write(`bench: ${benched.requests} measurements in ${RunProgress.format(benched.seconds)}\n`);
      if (!benched.complete) execution = { ...execution, complete: false, incompleteReason: benched.incompleteReason ?? 'the benchmark was cut short' };
    }
    meta = {
      ...meta,
      complete: execution.complete,
      finishedAt: new Date().toISOString(),
      execution: { executed: vectorStage.executed, seconds: Number(vectorStage.seconds.toFixed(2)), perSecond: Math.round(vectorStage.rate) },
    };
    if (execution.complete) delete meta.incompleteReason;
    else meta.incompleteReason = execution.incompleteReason;
    writer.writeMeta(meta);
    completed = execution.complete;
    if (!execution.complete) {
      process.stderr.write(`run cut short: ${execution.incompleteReason}\nlast console lines of ${board.name}:\n`);
      for (const line of target.consoleTail(20)) process.stderr.write(`  | ${line}\n`);
    }
    if (vectors) process.stderr.write(`executed ${vectorStage.executed} in ${vectorStage.seconds.toFixed(1)} s (${Math.round(vectorStage.rate)}/s)\n`);
  } finally {
    unregister();
    writer.close();
    if (completed) await target.stop();
    else target.kill();
  }
  if (!meta) return EXIT.target;
  const { summary, written } = writeReports(outDir);
  process.stdout.write(renderRunTerminal(summary, meta, { color: Boolean(process.stdout.isTTY) }));
  process.stderr.write(`results: ${outDir} (${['results.jsonl', 'run.json', ...written.map((file) => path.relative(outDir, file))].join(', ')})\n`);
  // drivers-spec: any unmet requirement makes the exit code 1 (besides the summary's own rule)
  return completed ? verdictWithSpec(summary, specVerdictOf(meta, summary)).exitCode : EXIT.target;
}
