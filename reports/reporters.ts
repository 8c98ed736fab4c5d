/**
 * Reporters, the plug-in point (in the manner of vitest's): each turns a run summary into text.
 * A reporter with a `file` is written into the run directory; one without (terminal) is printed by
 * whoever asked for it. Add one here and it becomes a `--reporter` name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../harness/errors.js';
import type { RunMeta } from '../harness/results/result-model.js';
import { readRun } from '../harness/results/results-reader.js';
import { summarize, type RunSummary } from '../harness/results/summary.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderRunTerminal } from './run-terminal.js';

export interface Reporter {
  name: string;
  /** file name inside the run directory; none: the output is for the terminal */
  file?: string;
  render(summary: RunSummary, meta: RunMeta): string;
}

export const reporters: ReadonlyMap<string, Reporter> = new Map<string, Reporter>(
  [
    { name: 'terminal', render: (summary: RunSummary, meta: RunMeta) => renderRunTerminal(summary, meta) },
    { name: 'junit', file: 'junit.xml', render: renderJunit },
    { name: 'markdown', file: 'summary.md', render: renderMarkdown },
  ].map((reporter) => [reporter.name, reporter]),
);

/** The reporters of these names; BadInputError for an unknown one, listing the known ones. */
export function reportersNamed(names: readonly string[]): Reporter[] {
  return names.map((name) => {
    const reporter = reporters.get(name);
    if (!reporter) throw new BadInputError(`unknown reporter '${name}'; known: ${[...reporters.keys()].join(', ')}`);
    return reporter;
  });
}

/** Names of the reporters that write a file: the default for writeReports. */
export function fileReporterNames(): string[] {
  return [...reporters.values()].filter((reporter) => reporter.file !== undefined).map((reporter) => reporter.name);
}

/**
 * Read the run in `dir`, summarize it, and write each named file reporter's output into `dir`
 * (default: every file reporter). Reporters without a file are skipped here. Returns the paths written.
 */
export function writeReports(dir: string, names?: readonly string[]): { summary: RunSummary; meta: RunMeta; written: string[] } {
  const chosen = reportersNamed(names ?? fileReporterNames());
  const { meta, lines, damagedLines } = readRun(dir);
  const summary = summarize(meta, lines, { damagedLines });
  const written: string[] = [];
  for (const reporter of chosen) {
    if (reporter.file === undefined) continue;
    const target = path.join(dir, reporter.file);
    const temporary = `${target}.tmp-${process.pid}`;
    fs.writeFileSync(temporary, reporter.render(summary, meta));
    fs.renameSync(temporary, target);
    written.push(target);
  }
  return { summary, meta, written };
}
