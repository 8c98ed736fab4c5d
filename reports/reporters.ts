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
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { markdownChartFiles, renderMarkdown } from './markdown.js';
import { renderRunTerminal } from './run-terminal.js';

export interface Reporter {
  name: string;
  /** file name inside the run directory; none: the output is for the terminal */
  file?: string;
  render(summary: RunSummary, meta: RunMeta): string;
  /**
   * Files that go with the main one (charts a Markdown file links to), as paths relative to the
   * run directory (`charts/cbc-aes-encrypt.svg`). Written by writeReports only with `file`.
   */
  extraFiles?(summary: RunSummary, meta: RunMeta): Array<{ file: string; content: string }>;
}

export const reporters: ReadonlyMap<string, Reporter> = new Map<string, Reporter>(
  [
    { name: 'terminal', render: (summary: RunSummary, meta: RunMeta) => renderRunTerminal(summary, meta) },
    { name: 'junit', file: 'junit.xml', render: renderJunit },
    { name: 'markdown', file: 'summary.md', render: renderMarkdown, extraFiles: (summary: RunSummary) => markdownChartFiles(summary) },
    { name: 'html', file: 'report.html', render: renderHtml },
  ].map((reporter): [string, Reporter] => [reporter.name, reporter]),
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

/** Write `content` to `target` atomically (a temporary file renamed over it), making its folder. */
function writeAtomically(target: string, content: string): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temporary = `${target}.tmp-${process.pid}`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, target);
}

/** `relative` inside `dir`, or BadInputError for an absolute path or one that climbs out. */
function insideDir(dir: string, relative: string): string {
  const resolved = path.resolve(dir, relative);
  const within = path.relative(path.resolve(dir), resolved);
  if (path.isAbsolute(relative) || within === '' || within.startsWith('..') || path.isAbsolute(within)) {
    throw new BadInputError(`report file '${relative}' is not a path inside the run directory`);
  }
  return path.join(dir, within);
}

/**
 * Read the run in `dir`, summarize it, and write each named file reporter's output into `dir`
 * (default: every file reporter), each followed by its extra files (charts). Reporters without a
 * file are skipped here. Returns the paths written.
 */
export function writeReports(dir: string, names?: readonly string[]): { summary: RunSummary; meta: RunMeta; written: string[] } {
  const chosen = reportersNamed(names ?? fileReporterNames());
  const { meta, lines, damagedLines } = readRun(dir);
  const summary = summarize(meta, lines, { damagedLines });
  const written: string[] = [];
  for (const reporter of chosen) {
    if (reporter.file === undefined) continue;
    const target = path.join(dir, reporter.file);
    writeAtomically(target, reporter.render(summary, meta));
    written.push(target);
    for (const extra of reporter.extraFiles?.(summary, meta) ?? []) {
      const file = insideDir(dir, extra.file);
      writeAtomically(file, extra.content);
      written.push(file);
    }
  }
  return { summary, meta, written };
}
