/**
 * report.json: the RunReport as data, for tools that consume a run without parsing results.jsonl —
 * the summary, the drivers-spec evaluation, the final verdict, the exit code and its reasons. The
 * raw /proc/crypto snapshot stays in run.json.
 */
import type { RunReport } from '../harness/results/run-report.js';

export function renderReportJson(report: RunReport): string {
  const { meta, ...rest } = report;
  const { procCrypto: _procCrypto, ...metaWithoutSnapshot } = meta;
  return `${JSON.stringify({ meta: metaWithoutSnapshot, ...rest }, null, 2)}\n`;
}
