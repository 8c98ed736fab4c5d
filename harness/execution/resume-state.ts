/**
 * `--resume DIR`: what the partial run in DIR already did. Its settings are read back as stored
 * (the re-plan cuts the same batches, so the done marks in results.jsonl match), and every done
 * request, measurement and tcrypt mode is skipped; hangs of earlier attempts keep their targets out.
 */
import path from 'node:path';
import { BadInputError } from '../core/errors.js';
import type { HangLine } from '../results/result-model.js';
import type { RunMeta } from '../results/run-record.js';
import { readRun } from '../results/results-reader.js';
import { benchKey } from './execute-bench.js';

export interface ResumeState {
  dir: string;
  meta: RunMeta;
  doneBatches: Set<string>;
  doneBenches: Set<string>;
  doneTcrypt: Set<string>;
  /** hang lines of the earlier attempts: their targets stay out */
  hangs: HangLine[];
}

/** The state of the run in `dirArg`; BadInputError when it is complete or was made on another board. */
export function readResumeState(dirArg: string, board: string | undefined): ResumeState {
  const dir = path.resolve(dirArg);
  const { meta, lines } = readRun(dir);
  if (meta.complete) throw new BadInputError(`--resume ${dir}: that run is complete; nothing to resume`);
  if (board !== undefined && board !== meta.board.file && board !== meta.board.name) {
    throw new BadInputError(`--resume ${dir}: the run was made on board ${meta.board.name} (${meta.board.file}), not ${board}`);
  }
  const state: ResumeState = { dir, meta, doneBatches: new Set(), doneBenches: new Set(), doneTcrypt: new Set(), hangs: [] };
  for (const line of lines) {
    if (line.kind === 'done') state.doneBatches.add(line.batch);
    else if (line.kind === 'hang') state.hangs.push(line);
    else if (line.kind === 'bench') state.doneBenches.add(benchKey(line));
    else if (line.kind === 'tcrypt' && line.error === undefined) state.doneTcrypt.add(line.params.join(' '));
  }
  return state;
}

/** Why the attempt before this one stopped. */
export function stoppedBecause(state: ResumeState): string {
  return state.meta.incompleteReason ?? 'no reason recorded';
}
