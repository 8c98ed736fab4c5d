/** `afalg-harness report DIR`: every report again, from the results files alone. */
import path from 'node:path';
import { writeReports } from '../../reports/reporters.js';
import { renderRunTerminal } from '../../reports/run-terminal.js';

export async function reportCommand(dir: string): Promise<number> {
  const { summary, meta, written } = writeReports(dir);
  process.stdout.write(renderRunTerminal(summary, meta, { color: Boolean(process.stdout.isTTY) }));
  process.stderr.write(`wrote ${written.map((file) => path.relative(process.cwd(), file) || file).join(', ')}\n`);
  return summary.exitCode;
}
