/**
 * `afalg-harness run` and `bench`: settings from the command line (or, with --resume, from the
 * partial run's run.json as stored), the run itself (harness/execution/run.ts), then the reports
 * of its RunReport and the exit code.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Board } from '../board/board.js';
import { loadBoardOrImage } from '../board/board-or-image.js';
import { buildCReference } from '../bench/c-reference.js';
import { BadInputError, EXIT } from '../core/errors.js';
import { executeRun } from '../execution/run.js';
import { readResumeState, stoppedBecause, type ResumeState } from '../execution/resume-state.js';
import { RUN_FILE } from '../results/result-model.js';
import { type RunSettings } from '../results/run-record.js';
import { ResultsWriter } from '../results/results-writer.js';
import { readRunReport } from '../results/run-report.js';
import { loadDriversSpec, specContent } from '../spec/drivers-spec.js';
import { resolveVectorsDir } from '../../vectors/vectors-dir.js';
import { reportersNamed, writeReports } from '../../reports/reporters.js';
import type { RunArgs } from './options.js';
import { runSettingsOf } from './run-settings.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * The C reference loop runs where the agent runs: on a QEMU board of the host's architecture the
 * guest sees the host's files, so a program built here runs there.
 */
async function cReferenceFor(board: Board, settings: RunSettings): Promise<{ program?: string; description: string } | undefined> {
  if (!settings.bench) return undefined;
  if (!settings.bench.cReference) return { description: 'off (--no-c-reference)' };
  if (board.transport !== 'qemu' || board.arch !== os.machine()) return { description: `not available on ${board.name}: the program is built for ${os.machine()} and reaches only QEMU guests sharing the host's files` };
  const build = await buildCReference();
  if ('unavailable' in build) return { description: build.unavailable };
  return { program: build.program, description: build.program };
}

function runIdOf(board: string): string {
  return `${new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')}-${board}`;
}

/** A new run's settings, or a resumed run's own, with its board. */
function settingsAndBoard(args: RunArgs, resume: ResumeState | undefined): { settings: RunSettings; board: Board } {
  if (resume) {
    if (args.spec !== undefined) throw new BadInputError('--resume: the run keeps the drivers-spec it was started with; --spec cannot change it');
    const settings = resume.meta.settings;
    return { settings, board: loadBoardOrImage(settings.board) };
  }
  if (args.board === undefined) throw new BadInputError('--board is required (or --resume DIR)');
  const board = loadBoardOrImage(args.board);
  const vectors = args.runVectors !== false ? resolveVectorsDir(args.vectors) : undefined;
  const settings = runSettingsOf(args, board, vectors?.dir);
  if (vectors) log(`vectors: ${vectors.dir} (${vectors.origin})`);
  return { settings, board };
}

export async function runCommand(args: RunArgs): Promise<number> {
  const resume = args.resume !== undefined ? readResumeState(args.resume, args.board) : undefined;
  const { settings, board } = settingsAndBoard(args, resume);
  // bad report names, spec files and output directories stop here, before anything boots
  const reporterNames = args.reporter && args.reporter.length > 0 ? args.reporter.flatMap((name) => name.split(',')) : undefined;
  if (reporterNames) reportersNamed(reporterNames);
  const driversSpec = args.spec !== undefined ? loadDriversSpec(args.spec) : undefined;
  const runId = resume?.meta.runId ?? runIdOf(board.name);
  const outDir = resume?.dir ?? path.resolve(args.out ?? path.join('results', runId));
  if (!resume && fs.existsSync(path.join(outDir, RUN_FILE))) throw new BadInputError(`--out ${outDir}: already holds a run (run.json); choose another directory, or --resume ${outDir} if it is partial`);
  if (resume) log(`resuming ${outDir}: ${resume.doneBatches.size} requests and ${resume.doneBenches.size} measurements already done (stopped: ${stoppedBecause(resume)})`);
  const cReference = await cReferenceFor(board, settings);
  if (cReference) log(`C reference loop: ${cReference.description}`);
  if (driversSpec) log(`drivers-spec: ${driversSpec.name} (${driversSpec.file}), ${driversSpec.requirements.length} requirements`);

  const outcome = await executeRun({
    settings,
    board,
    runId,
    outDir,
    writer: new ResultsWriter(outDir),
    ...(resume ? { resume } : {}),
    ...(driversSpec ? { spec: { file: driversSpec.file, content: specContent(driversSpec) } } : {}),
    ...(cReference ? { cReference } : {}),
    ...(args['console-log'] !== undefined ? { consoleLog: args['console-log'] } : {}),
    log,
  });
  if (!outcome.meta) return EXIT.target;
  const report = readRunReport(outDir);
  const written = writeReports(report, outDir, { ...(reporterNames ? { names: reporterNames } : {}), print: (text) => process.stdout.write(text), color: Boolean(process.stdout.isTTY) });
  log(`results: ${outDir} (${['results.jsonl', 'run.json', ...written.map((file) => path.relative(outDir, file))].join(', ')})`);
  // a target that stopped answering is exit 3 whatever the results say; else the report's exit code
  return outcome.completed ? report.exitCode : EXIT.target;
}
