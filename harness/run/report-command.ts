/** `afalg-harness report DIR`: every report again, from the results files alone. */
import path from 'node:path';
import { writeReports } from '../../reports/reporters.js';
import { renderRunTerminal } from '../../reports/run-terminal.js';
import { specVerdictOf, verdictWithSpec } from '../spec/drivers-spec.js';

export async function reportCommand(dir: string): Promise<number> {
  const { summary, meta, written } = writeReports(dir);
  process.stdout.write(renderRunTerminal(summary, meta, { color: Boolean(process.stdout.isTTY) }));
  process.stderr.write(`wrote ${written.map((file) => path.relative(process.cwd(), file) || file).join(', ')}\n`);
  // a drivers-spec stored with the run counts as in the run itself: an unmet requirement exits 1
  return verdictWithSpec(summary, specVerdictOf(meta, summary)).exitCode;
}
