/**
 * Reporters, the plug-in point (in the manner of vitest's): each renders a RunReport — computed
 * once by the results layer — into text. A reporter with a `file` is written into the run
 * directory; one without (terminal) is printed. `--reporter NAME` picks them by the names here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../harness/core/errors.js';
import type { RunReport } from '../harness/results/run-report.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { markdownChartFiles, renderMarkdown } from './markdown.js';
import { renderRunTerminal } from './run-terminal.js';
import { renderReportJson } from './json.js';

export interface RenderOptions {
  /** ANSI colour (the terminal reporter, on a TTY) */
  color?: boolean;
}

export interface Reporter {
  name: string;
  /** what it renders, for --help */
  describe: string;
  /** file name inside the run directory; none: the output is for the terminal */
  file?: string;
  render(report: RunReport, options: RenderOptions): string;
  /**
   * Files that go with the main one (charts a Markdown file links to), as paths relative to the
   * run directory (`charts/cbc-aes-encrypt.svg`). Written only with `file`.
   */
  extraFiles?(report: RunReport): Array<{ file: string; content: string }>;
}

export const reporters: ReadonlyMap<string, Reporter> = new Map<string, Reporter>(
  (
    [
      { name: 'terminal', describe: 'the summary on standard output', render: (report, options) => renderRunTerminal(report, options) },
      { name: 'junit', describe: 'junit.xml for CI', file: 'junit.xml', render: renderJunit },
      { name: 'markdown', describe: 'summary.md with charts/*.svg', file: 'summary.md', render: renderMarkdown, extraFiles: markdownChartFiles },
      { name: 'html', describe: 'report.html, self-contained', file: 'report.html', render: renderHtml },
      { name: 'json', describe: 'report.json: the RunReport (summary, spec evaluation, verdict, exit code)', file: 'report.json', render: renderReportJson },
    ] satisfies Reporter[]
  ).map((reporter): [string, Reporter] => [reporter.name, reporter]),
);

/** Every reporter: what a run and `report DIR` produce unless --reporter narrows it. */
export const DEFAULT_REPORTERS: readonly string[] = [...reporters.keys()];

/** The reporters of these names; BadInputError for an unknown one, listing the known ones. */
export function reportersNamed(names: readonly string[]): Reporter[] {
  return names.map((name) => {
    const reporter = reporters.get(name);
    if (!reporter) throw new BadInputError(`--reporter: unknown reporter '${name}'; known: ${[...reporters.keys()].join(', ')}`);
    return reporter;
  });
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
 * Render `report` with each named reporter (default: every one): file reporters write into `dir`
 * (with their extra files), the terminal one goes to `print`. Returns the paths written.
 */
export function writeReports(report: RunReport, dir: string, options: { names?: readonly string[]; print?: (text: string) => void; color?: boolean } = {}): string[] {
  const written: string[] = [];
  for (const reporter of reportersNamed(options.names ?? DEFAULT_REPORTERS)) {
    const text = reporter.render(report, { color: options.color === true });
    if (reporter.file === undefined) {
      options.print?.(text);
      continue;
    }
    const target = path.join(dir, reporter.file);
    writeAtomically(target, text);
    written.push(target);
    for (const extra of reporter.extraFiles?.(report) ?? []) {
      const file = insideDir(dir, extra.file);
      writeAtomically(file, extra.content);
      written.push(file);
    }
  }
  return written;
}
