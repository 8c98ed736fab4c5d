/**
 * A run's results for the terminal: what ran where, the algorithm × target table, every failure
 * (capped per row) with its bytes, the notes, and a final verdict line. Colour only when asked.
 */
import { afalgReachText } from '../harness/results/result-model.js';
import type { RunReport } from '../harness/results/run-report.js';
import { describeHang, describeKernelEventSummary, hangAftermath, outcomeText } from '../harness/results/summary.js';
import { renderPrioritySection, renderThroughputSection } from './terminal-bench.js';
import type { SpecVerdict } from '../harness/spec/drivers-spec.js';
import { acceleratorOf, completionOf, failureError, failureTitle, hexPair, narrowingOf, plural, printable, rerunCommand, strategiesNote, targetLabel } from './format.js';
import { specCountText } from '../harness/spec/spec-format.js';
import { coverageTerminal } from './coverage-sections.js';

export const DEFAULT_MAX_FAILURES = 10;

interface Paint {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

function painter(color: boolean): Paint {
  const wrap = (open: number, close: number) => (text: string) => (color ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), bold: wrap(1, 22), dim: wrap(2, 22) };
}

const padEnd = (text: string, width: number): string => (text.length >= width ? text : text + ' '.repeat(width - text.length));
const padStart = (text: string, width: number): string => (text.length >= width ? text : ' '.repeat(width - text.length) + text);

function verdictLine(report: RunReport, paint: Paint): string {
  const { summary, spec } = report;
  const { totals } = summary;
  const counts = `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped, ${totals.acceptable} acceptable across ${plural(totals.algorithms, 'algorithm')}, ${plural(totals.targets, 'target')}`;
  const extra: string[] = [];
  if (summary.unbindable.length > 0) extra.push(plural(summary.unbindable.length, 'unbindable driver'));
  if (summary.hangs.length > 0) extra.push(plural(summary.hangs.length, 'hang'));
  const kernelFailing = summary.kernelEvents.filter((event) => event.failing).length;
  if (kernelFailing > 0) extra.push(plural(kernelFailing, 'kernel report during a request', 'kernel reports during requests'));
  if (summary.incidents.length > 0) extra.push(plural(summary.incidents.length, 'incident'));
  if (summary.unusable.length > 0) extra.push(plural(summary.unusable.length, 'unusable vector file'));
  if (summary.verdictCounts.critical > 0) extra.push(plural(summary.verdictCounts.critical, 'critical priority verdict'));
  if (summary.verdictCounts.warning > 0) extra.push(plural(summary.verdictCounts.warning, 'priority warning'));
  if (spec && spec.unmet > 0) extra.push(plural(spec.unmet, 'unmet drivers-spec requirement'));
  const tail = extra.length > 0 ? `; ${extra.join(', ')}` : '';
  switch (report.verdict) {
    case 'pass':
      return `${paint.bold(paint.green('PASS'))}: ${counts}${tail}`;
    case 'fail':
      return `${paint.bold(paint.red('FAIL'))}: ${counts}${tail}`;
    case 'incomplete':
      return `${paint.bold(paint.yellow('INCOMPLETE'))}: ${counts}${tail} (the run did not finish)`;
  }
}

/** The drivers-spec requirements: met ones on one line with their evidence, unmet ones with what was found and why. */
function specSection(spec: SpecVerdict, paint: Paint): string[] {
  const count = specCountText(spec);
  const out = ['', `${paint.bold(`drivers-spec ${printable(spec.spec)}: `)}${spec.unmet > 0 ? paint.bold(paint.red(count)) : paint.bold(paint.green(count))}${paint.dim(` (${printable(spec.file)})`)}`];
  for (const result of spec.results) {
    if (result.met) {
      out.push(`  ${paint.green('✔')} ${printable(result.id)}: ${printable(result.evidence)}`);
      continue;
    }
    out.push(`  ${paint.red('✘')} ${printable(result.id)}: ${printable(result.requirement)}`);
    out.push(`      found: ${printable(result.evidence)}`);
    if (result.why !== undefined) out.push(paint.dim(`      why:   ${printable(result.why)}`));
  }
  return out;
}

export function renderRunTerminal(report: RunReport, options: { color?: boolean; maxFailures?: number } = {}): string {
  const { summary, meta } = report;
  const paint = painter(options.color === true);
  const maxFailures = Math.max(0, options.maxFailures ?? DEFAULT_MAX_FAILURES);
  const out: string[] = [];

  // header
  const completion = meta.complete ? paint.green('COMPLETE') : paint.yellow(printable(completionOf(meta)));
  out.push(`${paint.bold(`afalg-harness ${printable(meta.harnessVersion)}`)} run ${printable(meta.runId)}: ${completion}`);
  out.push(`board ${printable(meta.board.name)} (${printable(meta.board.transport)}, ${printable(meta.board.arch)}; ${printable(meta.board.file)})`);
  out.push(
    `kernel ${printable(meta.target.kernelRelease)} (${printable(meta.target.arch)}), accelerator ${printable(acceleratorOf(meta))}, agent ${printable(meta.target.agentVersion)}${meta.target.node ? ` on node ${printable(meta.target.node)}` : ''}`,
  );
  const timing = `started ${printable(meta.startedAt)}${meta.finishedAt ? `, finished ${printable(meta.finishedAt)}` : ''}`;
  const diff = meta.settings.differential > 0 ? `, differential ${meta.settings.differential}${meta.settings.seed ? ` (seed ${printable(meta.settings.seed)})` : ''}` : '';
  const bench = meta.settings.bench ? `bench ${meta.settings.bench.seconds} s × ${meta.settings.bench.repetitions} repetitions per point, paths ${meta.settings.bench.paths.join(', ')}` : '';
  const narrowed = narrowingOf(meta.settings);
  const what = meta.settings.vectorsDir === undefined ? bench : `strategies ${meta.settings.strategies.join(', ')}${diff}${narrowed ? `; narrowed to ${narrowed}` : ''}${bench ? `; ${bench}` : ''}`;
  out.push(`${timing}; ${what}`);
  out.push('');

  // table
  if (summary.rows.length === 0 && meta.settings.vectorsDir === undefined) {
    out.push(paint.dim('bench only: no vectors in this run'));
  } else if (summary.rows.length === 0) {
    out.push(paint.dim('no algorithm × target results'));
  } else {
    const header = ['algorithm', 'target', 'prio', 'passed', 'failed', 'skipped', 'acceptable'];
    const cells = summary.rows.map((row, index) => {
      const first = index === 0 || summary.rows[index - 1]?.algorithm !== row.algorithm;
      const counts = row.ran ? [row.passed, row.failed] : ['-', '-'];
      return [first ? printable(row.algorithm) : '', printable(targetLabel(row)), row.priority === undefined ? '' : String(row.priority), String(counts[0]), String(counts[1]), String(row.skipped), row.ran ? String(row.acceptable) : '-'];
    });
    const widths = header.map((title, column) => Math.max(title.length, ...cells.map((cell) => (cell[column] as string).length)));
    const format = (cell: string[]): string =>
      cell.map((text, column) => (column < 2 ? padEnd(text, widths[column] as number) : padStart(text, widths[column] as number))).join('  ');
    out.push(paint.bold(format(header)));
    summary.rows.forEach((row, index) => {
      const line = format(cells[index] as string[]);
      if (!row.ran) out.push(`${paint.dim(line)}  ${paint.yellow('not run')}`);
      else if (row.hung) out.push(`${line}  ${paint.red(`HANG${strategiesNote(row)}`)}`);
      else if (row.failed > 0) out.push(`${line}  ${paint.red(`FAIL${strategiesNote(row)}`)}`);
      else out.push(`${line}  ${paint.green('ok')}`);
    });
  }

  // failures
  const failing = summary.rows.filter((row) => row.failures.length > 0);
  if (failing.length > 0) {
    out.push('');
    out.push(paint.bold(paint.red('failures')));
    for (const row of failing) {
      out.push(`  ${printable(row.algorithm)} on ${printable(targetLabel(row))}: ${row.failed} failed${strategiesNote(row)}`);
      for (const failure of row.failures.slice(0, maxFailures)) {
        out.push(`    ${printable(failureTitle(failure))}: ${outcomeText(failure.status)} (${failure.expectation} vector)`);
        const detail = (label: string, value: string): void => void out.push(`        ${padEnd(label, 8)} ${value}`);
        const bytes = hexPair(failure.expected, failure.got);
        if (bytes.expected !== undefined) detail('expected', bytes.expected);
        if (bytes.got !== undefined) detail('got', bytes.got);
        if (bytes.differsAt !== undefined) detail('differs', `from byte ${bytes.differsAt}`);
        const error = failureError(failure);
        if (error !== undefined) detail('error', printable(error));
        if (failure.seed !== undefined) detail('seed', printable(failure.seed));
        if (failure.comment) detail('comment', printable(failure.comment));
        if (failure.flags && failure.flags.length > 0) detail('flags', printable(failure.flags.join(', ')));
        detail('rerun', printable(rerunCommand(meta, row, failure)));
      }
      if (row.failures.length > maxFailures) out.push(paint.dim(`    … and ${row.failures.length - maxFailures} more (results.jsonl has them all)`));
    }
  }

  if (summary.disagreements.length > 0) {
    out.push('');
    out.push(paint.bold('generic name and drivers disagree'));
    const shown = Math.max(maxFailures, 1) * 2;
    for (const d of summary.disagreements.slice(0, shown)) {
      out.push(`  ${printable(d.algorithm)} ${printable(d.source)} ${printable(d.case)} [${d.strategy}]: failed on ${printable(d.failing.join(', '))}; passed on ${printable(d.passing.join(', '))}`);
    }
    if (summary.disagreements.length > shown) out.push(paint.dim(`  … and ${summary.disagreements.length - shown} more`));
  }

  if (summary.skips.length > 0) {
    out.push('');
    out.push(paint.bold('skipped vectors (apply to every target)'));
    for (const skip of summary.skips) {
      const examples = skip.cases.length > 0 ? ` (${printable(skip.cases.join(', '))}${skip.count > skip.cases.length ? ', …' : ''})` : '';
      const what = skip.count > 0 ? `${skip.count} × ${printable(skip.reason)}${examples}` : printable(skip.reason);
      out.push(`  ${printable(skip.algorithm)}${skip.source === '-' ? '' : ` ${printable(skip.source)}`}: ${what}`);
    }
  }

  if (summary.unusable.length > 0) {
    out.push('');
    out.push(paint.bold(paint.yellow('unusable vector files')));
    for (const line of summary.unusable) out.push(`  ${printable(line.algorithm)} ${printable(line.source)}: ${printable(line.error)}`);
  }

  if (summary.unbindable.length > 0) {
    out.push('');
    out.push(paint.bold(paint.red('unbindable drivers')));
    for (const line of summary.unbindable) out.push(`  ${printable(line.algorithm)} ${printable(line.target)}: ${printable(line.afalgReach ? `${line.error}, ${afalgReachText(line.afalgReach)}` : line.error)}`);
  }

  if (summary.hangs.length > 0) {
    out.push('');
    out.push(paint.bold(paint.red('hangs')));
    for (const line of summary.hangs) out.push(`  ${printable(line.algorithm)}: ${printable(describeHang(line))}${line.seed !== undefined ? ` (seed ${printable(line.seed)})` : ''}; ${hangAftermath(line)}`);
  }

  if (summary.kernelEvents.length > 0) {
    out.push('');
    out.push(paint.bold(paint.red('kernel reports')));
    for (const event of summary.kernelEvents) {
      const text = `  ${printable(describeKernelEventSummary(event))}${event.taint && event.taint.length > 0 ? ` (taint ${event.taint.join('')})` : ''}`;
      out.push(event.failing ? text : paint.dim(text));
    }
    out.push(paint.dim('  (the kernel text of each is in results.jsonl, summary.md and report.html)'));
  }

  if (summary.incidents.length > 0) {
    out.push('');
    out.push(paint.bold(paint.red('incidents')));
    for (const line of summary.incidents) {
      const where = [line.algorithm, line.target, line.source].filter((part) => part !== undefined).map((part) => printable(part as string));
      out.push(`  ${where.length > 0 ? `${where.join(' ')}: ` : ''}${printable(line.message)}`);
    }
  }

  out.push(...renderPrioritySection(summary, paint, printable));
  out.push(...coverageTerminal(summary, paint.dim));
  out.push(...renderThroughputSection(summary, paint, printable, meta.benchCuts));

  if (summary.damagedLines > 0) {
    out.push('');
    out.push(paint.yellow(`${plural(summary.damagedLines, 'damaged line')} at the end of results.jsonl ignored (the run was killed while writing)`));
  }

  if (report.spec) out.push(...specSection(report.spec, paint));

  out.push('');
  out.push(verdictLine(report, paint));
  return out.join('\n') + '\n';
}
