/** `afalg-harness report DIR`: every report again, from the results files alone. */
import path from 'node:path';
import { readRunReport } from '../results/run-report.js';
import { writeReports } from '../../reports/reporters.js';

export async function reportCommand(dir: string, reporterNames?: readonly string[]): Promise<number> {
  const report = readRunReport(dir);
  const written = writeReports(report, dir, { ...(reporterNames && reporterNames.length > 0 ? { names: reporterNames } : {}), print: (text) => process.stdout.write(text), color: Boolean(process.stdout.isTTY) });
  if (written.length > 0) process.stderr.write(`wrote ${written.map((file) => path.relative(process.cwd(), file) || file).join(', ')}\n`);
  // a drivers-spec stored with the run counts as in the run itself: an unmet requirement exits 1
  return report.exitCode;
}
