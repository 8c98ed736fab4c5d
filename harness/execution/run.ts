/**
 * One run, from the target up: discovery → plan → vectors (restarting the target after a hang where
 * its transport allows) → bench → run.json finished. Everything it is asked to do is in the
 * RunSettings; everything it learns goes to the results directory as it arrives.
 */
import type { Board } from '../board/board.js';
import { BadInputError } from '../core/errors.js';
import { timeoutsOf } from '../board/board.js';
import { discover, discoverySummaryOf, type DiscoveredAlgorithm } from '../discovery/discover.js';
import { planRun, type RunPlan } from '../plan/plan.js';
import { planBench, type BenchPlan } from '../bench/bench-plan.js';
import { DEFAULT_MAX_PAYLOAD } from '../protocol/constants.js';
import { AGENT_VERSION } from '../protocol/version.js';
import { targetKey, type RunMeta, type RunSettings } from '../results/run-record.js';
import type { ResultsWriter } from '../results/results-writer.js';
import { describeHang } from '../results/summary.js';
import { registerLive } from '../targets/live-targets.js';
import type { Target } from '../targets/target.js';
import { catalog, type CatalogAlgorithm } from '../../vectors/catalog.js';
import { differentialCases } from '../../vectors/differential.js';
import { boundaryCases } from '../../vectors/boundary/boundary.js';
import { loadAlgorithmVectors, sourcesFor } from '../../vectors/vector-sources.js';
import { describeVectorOrigins } from '../../vectors/vectors-dir.js';
import { executeBench } from './execute-bench.js';
import { executePlan, targetsTakenOutBy, type ExecutionResult } from './execute-plan.js';
import { stoppedBecause, type ResumeState } from './resume-state.js';
import { RunProgress } from './run-progress.js';
import { RunSession } from './run-session.js';
import { KernelWatch, type FatalReport } from './kernel-watch.js';
import { recoverFromPanic } from './panic-recovery.js';
import { coverageOf } from '../results/coverage.js';

export interface RunInput {
  settings: RunSettings;
  board: Board;
  runId: string;
  outDir: string;
  writer: ResultsWriter;
  resume?: ResumeState;
  /** the drivers-spec to store with the run (file and content) */
  spec?: { file: string; content: unknown };
  /** the C reference program for the bench, or why there is none */
  cReference?: { program?: string; description: string };
  consoleLog?: string;
  log: (line: string) => void;
}

export interface RunOutcome {
  /** absent: the target never came up far enough for a run.json */
  meta?: RunMeta;
  completed: boolean;
}

function vectorPlan(input: RunInput, algorithms: DiscoveredAlgorithm[], target: Target): RunPlan {
  const { settings, resume } = input;
  const vectorsDir = settings.vectorsDir;
  if (vectorsDir === undefined) return { algorithms: [], absent: [], batches: [], notes: [], executions: 0 };
  // a resumed run cuts its batches as the first attempt did, whatever this link prefers
  const maxPayloadBytes = resume?.meta.planned.maxRequestBytes ?? target.link?.maxRequestBytes;
  return planRun(algorithms, {
    catalog,
    algPatterns: settings.alg,
    driverPatterns: settings.driver,
    ...(settings.executor ? { executor: settings.executor } : {}),
    strategies: settings.strategies,
    differential: settings.differential,
    ...(settings.sample !== undefined ? { sample: settings.sample } : {}),
    ...(settings.cases ? { casePatterns: settings.cases } : {}),
    vectorsOf: (algorithm) => (sourcesFor(algorithm).length > 0 ? loadAlgorithmVectors(algorithm, vectorsDir, { mctCheckpoints: settings.mctCheckpoints }) : undefined),
    differentialOf: (algorithm, count) => differentialCases(algorithm, count, settings.seed),
    ...(settings.boundary ? { boundaryOf: (algorithm: CatalogAlgorithm) => boundaryCases(algorithm, settings.seed, { thorough: settings.boundary?.thorough ?? false }) } : {}),
    ...(maxPayloadBytes !== undefined ? { maxPayloadBytes } : {}),
  });
}

function initialMeta(input: RunInput, target: Target, discovery: { procCrypto: string; algorithms: DiscoveredAlgorithm[] }, plan: RunPlan): RunMeta {
  const { settings, board, resume } = input;
  const hello = target.info.hello;
  return {
    harnessVersion: AGENT_VERSION,
    runId: input.runId,
    startedAt: resume?.meta.startedAt ?? new Date().toISOString(),
    complete: false,
    incompleteReason: 'the run did not finish (the harness stopped before the end)',
    board: { name: board.name, transport: board.transport, arch: board.arch, file: board.file },
    target: {
      kernelRelease: hello.kernelRelease,
      arch: hello.arch,
      ...(target.info.accel ? { accel: target.info.accel.accel, accelReason: target.info.accel.reason } : {}),
      agentVersion: hello.agentVersion,
      node: hello.node,
      ...(target.info.agent ? { agent: target.info.agent.kind, agentReason: target.info.agent.reason } : {}),
      agentReadyMs: target.info.timings.agentReadyMs,
      ...(target.info.timings.bootMs !== undefined ? { bootMs: target.info.timings.bootMs } : {}),
    },
    procCrypto: discovery.procCrypto,
    discovery: discoverySummaryOf(discovery.algorithms),
    vectors: settings.vectorsDir !== undefined ? { dir: settings.vectorsDir, sources: describeVectorOrigins(settings.vectorsDir) } : { dir: '', sources: [] },
    settings,
    ...(input.cReference ? { cReference: input.cReference.description } : {}),
    planned: { batches: plan.batches.length, executions: plan.executions, maxRequestBytes: resume?.meta.planned.maxRequestBytes ?? target.link?.maxRequestBytes ?? DEFAULT_MAX_PAYLOAD },
    ...(resume ? { resumed: [...(resume.meta.resumed ?? []), { at: new Date().toISOString(), after: stoppedBecause(resume) }] } : {}),
    ...(resume?.meta.spec !== undefined ? { spec: resume.meta.spec } : input.spec ? { spec: input.spec } : {}),
  };
}

/** A panic's report counts for the link lost within this long after it (the console can lag the link's end). */
const PANIC_REPORT_WINDOW_MS = 10_000;
/** how long a lost link waits for the panic's report: above the time a cut copy waits for the console's whole one */
const PANIC_REPORT_WAIT_MS = 5000;

/**
 * After a kernel panic took the target down: the case found and recorded as a hang line with the
 * panic as its fault, its driver out; the run ends here (the result answered) unless the target
 * was restarted.
 */
async function afterPanic(input: RunInput, session: RunSession, plan: RunPlan, out: Set<string>, watch: KernelWatch, execution: ExecutionResult, fatal: FatalReport): Promise<ExecutionResult | undefined> {
  const panicSeenAt = Date.now();
  const requestTimeoutMs = timeoutsOf(input.board).requestSec * 1000;
  const { hang } = await recoverFromPanic(fatal, session, { hangSec: input.settings.hangSec, requestTimeoutMs, log: input.log });
  input.writer.append([hang]);
  const without = targetsTakenOutBy(hang, plan);
  for (const taken of without) out.add(targetKey(taken.algorithm, taken.target));
  if (hang.then !== 'restarted') return { ...execution, hang, incompleteReason: `${describeHang(hang)}; ${session.whyNoRestart(input.outDir)}` };
  await watch.attach(session.target.agent, session.target.kernelConsole);
  const seconds = ((Date.now() - panicSeenAt) / 1000).toFixed(1);
  input.log(`panic: ${describeHang(hang)}\nthe run goes on without ${without.map(({ target: name }) => name).join(' and ')}, ${seconds} s after the panic`);
  return undefined;
}

/**
 * The vectors stage: after a hang or a kernel panic the session restarts the target where it can
 * and execution goes on without the targets that took it down.
 */
async function vectorStage(input: RunInput, session: RunSession, plan: RunPlan, out: Set<string>, watch: KernelWatch): Promise<ExecutionResult> {
  const { settings, resume, writer } = input;
  const done = new Set<string>(resume?.doneBatches ?? []);
  const progress = new RunProgress(plan.executions, { unit: 'executions' });
  const requestSec = timeoutsOf(input.board).requestSec;
  for (;;) {
    const target = session.target;
    const execution = await executePlan(target.agent, plan, writer, {
      requestTimeoutMs: requestSec * 1000,
      hangSec: settings.hangSec,
      progress,
      ...(target.link ? { depth: target.link.pipelineDepth } : {}),
      done,
      out,
      writeNotes: !resume && session.restarts === 0,
      onHang: session.canRestart() ? 'restarted' : 'stopped',
      requests: watch,
      fatalReport: () => watch.fatalReport(PANIC_REPORT_WINDOW_MS, PANIC_REPORT_WAIT_MS),
    });
    if (execution.fatal) {
      progress.pause();
      const stopped = await afterPanic(input, session, plan, out, watch, execution, execution.fatal);
      if (stopped) return stopped;
      continue;
    }
    if (!execution.hang) return execution;
    if (execution.hang.then !== 'restarted') {
      return { ...execution, incompleteReason: `${execution.incompleteReason}; ${session.whyNoRestart(input.outDir)}` };
    }
    progress.pause();
    const without = targetsTakenOutBy(execution.hang, plan).map(({ target: name }) => name);
    input.log(`hang: ${describeHang(execution.hang)}\nrestarting ${input.board.name} (restart ${session.restarts + 1}); the run goes on without ${without.join(' and ')}`);
    await session.restart();
    await watch.attach(session.target.agent, session.target.kernelConsole);
  }
}

function benchPlanOf(input: RunInput, algorithms: DiscoveredAlgorithm[], out: ReadonlySet<string>): BenchPlan | undefined {
  const { settings } = input;
  if (!settings.bench) return undefined;
  const plan = planBench(algorithms, {
    catalog,
    algPatterns: settings.alg,
    driverPatterns: settings.driver,
    ...(settings.executor ? { executor: settings.executor } : {}),
    settings: { ...settings.bench, ...(input.cReference?.program ? { cProgram: input.cReference.program } : {}) },
  });
  // a driver that hung is not measured either (the generic name bound to it neither)
  const kept = plan.benches.filter((one) => !out.has(targetKey(one.algorithm, one.target)));
  return { ...plan, benches: kept, estimatedSeconds: kept.reduce((sum, one) => sum + one.estimatedSeconds, 0) + plan.tcryptSeconds };
}

function describePlan(plan: RunPlan, seed: string, differential: number): string {
  return `plan: ${plan.algorithms.length} algorithms, ${plan.batches.length} requests, ${plan.executions} executions (case × target × strategy), seed ${seed} for the generated cases${differential > 0 ? ` (${differential} differential per algorithm)` : ''}`;
}

function describeBenchPlan(plan: BenchPlan, tcryptSec: number | undefined): string {
  const tcrypt = plan.tcrypt.length > 0 ? `; tcrypt ${plan.tcrypt.map((mode) => mode.params.join(' ')).join(', ')} at sec=${tcryptSec}` : '';
  return `bench: ${plan.algorithms.join(', ') || 'nothing'}: ${plan.benches.length} measurements${tcrypt}; about ${RunProgress.format(plan.estimatedSeconds)}${plan.cuts.length > 0 ? ` (budget: ${plan.cuts.join('; ')})` : ''}`;
}

export async function executeRun(input: RunInput): Promise<RunOutcome> {
  const { settings, writer, resume, log } = input;
  const seconds = (since: number): number => Number(((Date.now() - since) / 1000).toFixed(2));
  let phaseStarted = Date.now();
  const session = await RunSession.start(input.board, { consoleLog: input.consoleLog, fixtures: settings.fixtures, moduleFiles: settings.loadModules, kernelExecutor: settings.executor !== undefined, log, agent: settings.agent });
  let meta: RunMeta | undefined;
  const unregister = registerLive({
    kill: () => {
      if (meta && !meta.complete) writer.writeMeta({ ...meta, incompleteReason: 'interrupted before the end (signal)', finishedAt: new Date().toISOString() });
    },
  });
  let completed = false;
  try {
    const phases: NonNullable<RunMeta['phases']> = { target: seconds(phaseStarted), discovery: 0, vectors: 0 };
    phaseStarted = Date.now();
    const discovery = await discover(session.target.agent, session.target.info.hello.kernelRelease);
    phases.discovery = seconds(phaseStarted);
    // the boot and discovery log first (phase before-requests), then every report as it comes
    const watch = await KernelWatch.start(session.target.agent, session.target.kernelConsole, writer, discovery.algorithms, log);
    const plan = vectorPlan(input, discovery.algorithms, session.target);
    if (settings.cases && plan.batches.length === 0) {
      throw new BadInputError(`--case: no case of ${plan.algorithms.join(', ') || 'the algorithms asked for'} has an id matching ${settings.cases.map((pattern) => `'${pattern}'`).join(', ')} (ids look like 'tcId 117', 'COUNT 2 line 57', 'b:SEED#7 len 20480', 'seed SEED#3'; the seed must be the run's)`);
    }
    for (const note of plan.notes) if (note.kind === 'unusable') log(`unusable vector file: ${note.error}`);
    if (plan.absent.length > 0) log(`not on this target: ${plan.absent.join(', ')}`);
    if (settings.vectorsDir !== undefined) log(describePlan(plan, settings.seed, settings.differential));
    meta = { ...initialMeta(input, session.target, discovery, plan), ...(plan.batches.length > 0 ? { coverage: coverageOf(plan.batches) } : {}) };
    if (resume) writer.append([{ kind: 'resumed', at: new Date().toISOString(), after: stoppedBecause(resume) }]);
    writer.writeMeta(meta);
    // targets a hang took out: an earlier attempt's stay out
    const out = new Set<string>((resume?.hangs ?? []).flatMap((line) => targetsTakenOutBy(line, plan).map(({ algorithm, target }) => targetKey(algorithm, target))));
    phaseStarted = Date.now();
    watch.setPhase('vectors');
    const vectors = await vectorStage(input, session, plan, out, watch);
    phases.vectors = seconds(phaseStarted);
    let execution: ExecutionResult = vectors;
    const benchPlan = benchPlanOf(input, discovery.algorithms, out);
    if (benchPlan) log(describeBenchPlan(benchPlan, settings.bench?.tcryptSec));
    if (benchPlan && execution.complete) {
      watch.setPhase('bench');
      const benched = await executeBench(session.target.agent, benchPlan, writer, {
        ...(settings.bench?.tcryptSec !== undefined ? { tcryptSec: settings.bench.tcryptSec } : {}),
        ...(settings.bench?.budget !== undefined ? { budgetSeconds: settings.bench.budget } : {}),
        ...(resume ? { done: { benches: resume.doneBenches, tcrypt: resume.doneTcrypt } } : {}),
      });
      log(`bench: ${benched.requests} measurements in ${RunProgress.format(benched.seconds)}`);
      phases.bench = Number((benched.seconds - benched.tcryptSeconds).toFixed(2));
      phases.tcrypt = Number(benched.tcryptSeconds.toFixed(2));
      if (!benched.complete) execution = { ...execution, complete: false, incompleteReason: benched.incompleteReason ?? 'the benchmark was cut short' };
    }
    const kernelTaint = watch.stop();
    meta = {
      ...meta,
      complete: execution.complete,
      finishedAt: new Date().toISOString(),
      ...(kernelTaint ? { kernelTaint } : {}),
      phases,
      ...(benchPlan && benchPlan.cuts.length > 0 ? { benchCuts: benchPlan.cuts } : {}),
      execution: { executed: vectors.executed, seconds: Number(vectors.seconds.toFixed(2)), perSecond: Math.round(vectors.rate) },
    };
    if (execution.complete) delete meta.incompleteReason;
    else meta.incompleteReason = execution.incompleteReason;
    writer.writeMeta(meta);
    completed = execution.complete;
    if (!execution.complete) {
      log(`run cut short: ${execution.incompleteReason}\nlast console lines of ${input.board.name}:`);
      for (const line of session.target.consoleTail(20)) log(`  | ${line}`);
    }
    if (settings.vectorsDir !== undefined) log(`executed ${vectors.executed} in ${vectors.seconds.toFixed(1)} s (${Math.round(vectors.rate)}/s)`);
  } finally {
    unregister();
    writer.close();
    await session.close(completed);
  }
  return { meta, completed };
}
