/** `afalg-harness compare RUN_DIR…`: runs side by side in the terminal, and as Markdown and HTML files on request. */
import fs from 'node:fs';
import { BadInputError, EXIT } from '../core/errors.js';
import { readRunReport } from '../results/run-report.js';
import { compareRuns } from '../results/run-comparison.js';
import { renderComparisonTerminal } from '../../reports/compare-terminal.js';
import { renderComparisonMarkdown } from '../../reports/compare-markdown.js';
import { renderComparisonHtml } from '../../reports/compare-html.js';

export interface CompareArgs {
  dirs: string[];
  markdown?: string;
  html?: string;
}

export function compareCommand(argv: CompareArgs): number {
  if (argv.dirs.length < 2) throw new BadInputError(`compare needs at least two run directories (got ${argv.dirs.length})`);
  const comparison = compareRuns(argv.dirs.map((dir) => readRunReport(dir)));
  process.stdout.write(renderComparisonTerminal(comparison));
  for (const [file, render] of [[argv.markdown, renderComparisonMarkdown], [argv.html, renderComparisonHtml]] as const) {
    if (file === undefined) continue;
    fs.writeFileSync(file, render(comparison));
    process.stderr.write(`wrote ${file}\n`);
  }
  return EXIT.ok;
}
