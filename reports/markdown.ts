/**
 * summary.md: the run as a document to hand over. What ran where, the priority selection per
 * algorithm, the correctness matrix, the failures (capped, with how many more), what was skipped
 * and why, unusable files, incidents, and the throughput tables with their charts (SVG files
 * written next to summary.md, see `markdownChartFiles`).
 */
import { afalgReachText, type CaseFailure } from '../harness/results/result-model.js';
import { describeHang, describeKernelEventSummary, hangAftermath, outcomeText, type RunSummary, type SummaryRow } from '../harness/results/summary.js';
import type { RunReport } from '../harness/results/run-report.js';
import type { SpecVerdict } from '../harness/spec/drivers-spec.js';
import { acceleratorOf, candidateCorrectness, executorNote, failureError, formatMb, hexPair, mdTable, mdText, narrowingOf, plural, rerunCommand, STRATEGY_MEANINGS, strategiesNote } from './format.js';
import { throughputSection } from './markdown-throughput.js';

export { chartFile, markdownChartFiles } from './markdown-throughput.js';
import { specCountText } from '../harness/spec/spec-format.js';
import { coverageMarkdown } from './coverage-sections.js';

/** Failures listed per row; the rest are counted. */
export const MARKDOWN_MAX_FAILURES_PER_ROW = 10;
/** Failures listed in the whole document. */
export const MARKDOWN_MAX_FAILURES = 50;

/** Hex in a code span (hex never holds a backtick). */
const code = (text: string): string => `\`${text}\``;

function targetCell(row: SummaryRow): string {
  return row.generic ? `${mdText(row.target)} (generic name → ${mdText(row.boundDriver ?? 'unproved driver')})` : mdText(`${row.target}${executorNote(row)}`);
}

function resultCell(row: SummaryRow): string {
  if (!row.ran) return 'not run';
  if (row.hung) return `**HANG**${strategiesNote(row)}`;
  if (row.failed > 0) return `**FAIL**${strategiesNote(row)}`;
  return 'pass';
}

function failureItem(failure: CaseFailure, rerun: string): string[] {
  const lines = [
    `- ${mdText(failure.source)}, ${mdText(failure.case)}, strategy ${failure.strategy}${failure.op ? `, ${mdText(failure.op)}` : ''}: ${outcomeText(failure.status)} (${failure.expectation} vector)`,
  ];
  const bytes = hexPair(failure.expected, failure.got);
  const hex = (text: string): string => {
    // the window goes in a code span, the note after it stays text
    const match = /^(…?[0-9a-fA-F]*…?)( \(.*\))?$/.exec(text);
    return match && match[1] !== '' ? `${code(match[1] as string)}${match[2] ?? ''}` : mdText(text);
  };
  if (bytes.expected !== undefined) lines.push(`  - expected: ${hex(bytes.expected)}`);
  if (bytes.got !== undefined) lines.push(`  - got: ${hex(bytes.got)}`);
  if (bytes.differsAt !== undefined) lines.push(`  - differs from byte ${bytes.differsAt}`);
  const error = failureError(failure);
  if (error !== undefined) lines.push(`  - error: ${mdText(error)}`);
  if (failure.seed !== undefined) lines.push(`  - seed: ${mdText(failure.seed)}`);
  if (failure.comment) lines.push(`  - vector comment: ${mdText(failure.comment)}`);
  if (failure.flags && failure.flags.length > 0) lines.push(`  - flags: ${mdText(failure.flags.join(', '))}`);
  lines.push(`  - rerun: \`${rerun.replace(/`/g, "'")}\``);
  return lines;
}

const SEVERITY_LABEL = { critical: '**CRITICAL**', warning: '**WARNING**', info: 'info' } as const;

function prioritySection(summary: RunSummary): string[] {
  const out: string[] = ['## Priority selection', ''];
  out.push(
    'A program that asks for an algorithm by its generic name gets the registered driver with the highest priority whose self-test passed. ' +
      'For each algorithm: which driver that is (proved by binding the generic name, or inferred from priorities), and every candidate.',
  );
  out.push('');
  const counts = summary.verdictCounts;
  out.push(`Verdicts: ${counts.critical} critical, ${counts.warning} warning, ${counts.info} info.`);
  out.push('');
  if (summary.verdicts.length > 0) {
    for (const verdict of summary.verdicts) out.push(`- ${SEVERITY_LABEL[verdict.severity]} ${mdText(verdict.algorithm)}: ${mdText(verdict.message)}`);
    out.push('');
  }
  for (const priority of summary.priorities) {
    out.push(`### ${mdText(priority.algorithm)}`);
    out.push('');
    const served = priority.selected
      ? `Generic name → ${mdText(priority.selected)} (${priority.selectedHow === 'proved' ? 'proved' : 'inferred from priorities'})`
      : 'No driver serves the generic name (none passed its self-test)';
    const extra: string[] = [];
    if (priority.genericCorrect !== undefined) extra.push(`generic name ${priority.genericCorrect ? 'correct' : '**fails vectors**'}`);
    if (priority.genericMbPerSecond !== undefined) extra.push(`${formatMb(priority.genericMbPerSecond)} MB/s at 4 KiB through the generic name`);
    if (priority.afalgType === undefined) extra.push('not reachable through AF_ALG');
    out.push(`${served}${extra.length > 0 ? `; ${extra.join('; ')}` : ''}.`);
    out.push('');
    if (priority.candidates.length > 0) {
      out.push(
        ...mdTable(
          ['Driver', 'Priority', 'Self-test', 'Module', 'Async', 'Accelerator', 'Correctness', 'MB/s at 4 KiB'],
          priority.candidates.map((candidate) => [
            `${mdText(candidate.driver)}${candidate.selected ? ' (selected)' : ''}`,
            String(candidate.priority),
            mdText(candidate.selftest),
            mdText(candidate.module),
            candidate.async === undefined ? '-' : candidate.async ? 'async' : 'sync',
            candidate.accelerator ? 'yes' : 'no',
            candidateCorrectness(candidate),
            formatMb(candidate.mbPerSecond),
          ]),
          ['l', 'r', 'l', 'l', 'l', 'l', 'l', 'r'],
        ),
      );
      out.push('');
    }
    for (const verdict of priority.verdicts) out.push(`- ${SEVERITY_LABEL[verdict.severity]}: ${mdText(verdict.message)}`);
    if (priority.verdicts.length > 0) out.push('');
  }
  return out;
}

function specSection(spec: SpecVerdict): string[] {
  const out: string[] = ['## Qualification (drivers-spec)', ''];
  out.push(`Requirements of **${mdText(spec.spec)}** (${mdText(spec.file)})${spec.description !== undefined ? `: ${mdText(spec.description)}` : '.'}`);
  out.push('');
  out.push(`**${specCountText(spec)}.**${spec.unmet > 0 ? ` ${plural(spec.unmet, 'requirement is', 'requirements are')} not met: the run fails.` : ''}`);
  out.push('');
  out.push(
    ...mdTable(
      ['Requirement', 'Met', 'Evidence', 'Why'],
      spec.results.map((result) => [`**${mdText(result.id)}**: ${mdText(result.requirement)}`, result.met ? '✔' : '✘', mdText(result.evidence), mdText(result.why ?? '')]),
      ['l', 'l', 'l', 'l'],
    ),
  );
  out.push('');
  return out;
}

export function renderMarkdown(report: RunReport): string {
  const { summary, meta, spec } = report;
  const narrowed = narrowingOf(meta.settings);
  const out: string[] = [];
  const verdict = { pass: 'PASS', fail: 'FAIL', incomplete: 'INCOMPLETE' }[report.verdict];
  out.push(`# Crypto driver correctness: ${mdText(meta.board.name)}, kernel ${mdText(meta.target.kernelRelease)}`);
  out.push('');
  out.push(`**Verdict: ${verdict}.** ${summary.totals.passed} passed, ${summary.totals.failed} failed, ${summary.totals.skipped} skipped, ${summary.totals.acceptable} acceptable, across ${plural(summary.totals.algorithms, 'algorithm')} and ${plural(summary.totals.targets, 'target')}.${summary.hangs.length > 0 ? ` ${plural(summary.hangs.length, 'hang')} (see Hangs).` : ''}${spec ? ` drivers-spec ${mdText(spec.spec)}: ${specCountText(spec)}.` : ''}`);
  out.push('');
  const status = meta.complete ? 'complete' : `**partial**: ${mdText(meta.incompleteReason ?? 'the run did not finish (no reason recorded)')}`;
  out.push(
    ...mdTable(
      ['Property', 'Value'],
      [
        ['Board', `${mdText(meta.board.name)} (${mdText(meta.board.transport)}, ${mdText(meta.board.arch)})`],
        ['Kernel', `${mdText(meta.target.kernelRelease)} (${mdText(meta.target.arch)})`],
        ['Accelerator', mdText(acceleratorOf(meta))],
        ['Harness version', mdText(meta.harnessVersion)],
        ['Agent version', `${mdText(meta.target.agentVersion)}${meta.target.node ? ` (Node.js ${mdText(meta.target.node)})` : ''}`],
        ['Run', `${mdText(meta.runId)}, started ${mdText(meta.startedAt)}${meta.finishedAt ? `, finished ${mdText(meta.finishedAt)}` : ''}`],
        ['Split strategies', meta.settings.strategies.join(', ')],
        ...(narrowed ? [['Narrowed to', mdText(narrowed)]] : []),
        ...(meta.settings.differential > 0 ? [['Differential cases', `${meta.settings.differential} per algorithm${meta.settings.seed ? `, seed ${mdText(meta.settings.seed)}` : ''}`]] : []),
        ['Status', status],
      ],
      ['l', 'l'],
    ),
  );
  out.push('');

  if (spec) out.push(...specSection(spec));

  if (summary.priorities.length > 0 || summary.verdicts.length > 0) out.push(...prioritySection(summary));
  out.push(...coverageMarkdown(summary));

  out.push('## Correctness matrix');
  out.push('');
  out.push(
    'Each target is either a driver bound by its unique name, or the generic algorithm name (the kernel then picks the highest-priority driver, shown after the arrow). ' +
      'Counts are executions (vector × split strategy). Skipped vectors are ones the kernel interface cannot express; they count against every target of the algorithm. ' +
      'Acceptable cases are ones the test vectors allow either way.',
  );
  out.push('');
  if (summary.rows.length === 0) out.push('No algorithm produced results.');
  else {
    out.push(
      ...mdTable(
        ['Algorithm', 'Target', 'Priority', 'Passed', 'Failed', 'Skipped', 'Acceptable', 'Result'],
        summary.rows.map((row) => [
          mdText(row.algorithm),
          targetCell(row),
          row.priority === undefined ? '' : String(row.priority),
          row.ran ? String(row.passed) : '-',
          row.ran ? String(row.failed) : '-',
          String(row.skipped),
          row.ran ? String(row.acceptable) : '-',
          resultCell(row),
        ]),
        ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l'],
      ),
    );
  }
  out.push('');

  const failing = summary.rows.filter((row) => row.failures.length > 0);
  if (failing.length > 0) {
    out.push('## Failures');
    out.push('');
    const strategies = [...new Set(failing.flatMap((row) => row.strategiesFailed))];
    if (strategies.length > 0) out.push(`Strategies: ${strategies.map((strategy) => `**${strategy}**: ${STRATEGY_MEANINGS[strategy]}`).join('; ')}.`, '');
    let budget = MARKDOWN_MAX_FAILURES;
    let unlisted = 0;
    for (const row of failing) {
      out.push(`### ${mdText(row.algorithm)} on ${targetCell(row)}: ${plural(row.failed, 'failure')}`);
      out.push('');
      const listed = Math.min(row.failures.length, MARKDOWN_MAX_FAILURES_PER_ROW, budget);
      budget -= listed;
      for (const failure of row.failures.slice(0, listed)) out.push(...failureItem(failure, rerunCommand(report.meta, row, failure)));
      if (row.failures.length > listed) {
        unlisted += row.failures.length - listed;
        out.push(`- … and ${row.failures.length - listed} more ${row.failures.length - listed === 1 ? 'failure' : 'failures'} for this target (all are in results.jsonl).`);
      }
      out.push('');
    }
    if (unlisted > 0) out.push(`${plural(unlisted, 'failure')} not listed here; results.jsonl in the run directory holds every one with its bytes.`, '');
  }

  if (summary.disagreements.length > 0) {
    out.push('## Generic name and drivers disagree');
    out.push('');
    out.push('Cases where the generic algorithm name and a driver bound by its unique name gave different verdicts.');
    out.push('');
    const shown = summary.disagreements.slice(0, MARKDOWN_MAX_FAILURES);
    out.push(
      ...mdTable(
        ['Algorithm', 'Source', 'Case', 'Strategy', 'Failed on', 'Passed on'],
        shown.map((d) => [mdText(d.algorithm), mdText(d.source), mdText(d.case), d.strategy, mdText(d.failing.join(', ')), mdText(d.passing.join(', '))]),
        ['l', 'l', 'l', 'l', 'l', 'l'],
      ),
    );
    if (summary.disagreements.length > shown.length) out.push('', `… and ${summary.disagreements.length - shown.length} more.`);
    out.push('');
  }

  if (summary.skips.length > 0) {
    out.push('## Skipped vectors');
    out.push('');
    out.push(
      ...mdTable(
        ['Algorithm', 'Source', 'Reason', 'Vectors', 'Examples'],
        summary.skips.map((skip) => [
          mdText(skip.algorithm),
          mdText(skip.source),
          mdText(skip.reason),
          String(skip.count),
          mdText(skip.cases.join(', ') + (skip.count > skip.cases.length && skip.cases.length > 0 ? ', …' : '')),
        ]),
        ['l', 'l', 'l', 'r', 'l'],
      ),
    );
    out.push('');
  }

  if (summary.unbindable.length > 0) {
    out.push('## Drivers that could not be bound');
    out.push('');
    out.push('These drivers are registered but cannot be used by their unique name (ELIBBAD means the kernel\'s own self-test failed).');
    out.push('');
    const errorOf = (line: (typeof summary.unbindable)[number]): string => (line.afalgReach ? `${line.error}: ${afalgReachText(line.afalgReach)}` : line.error);
    out.push(...mdTable(['Algorithm', 'Driver', 'Error'], summary.unbindable.map((line) => [mdText(line.algorithm), mdText(line.target), mdText(errorOf(line))]), ['l', 'l', 'l']));
    out.push('');
  }

  if (summary.unusable.length > 0) {
    out.push('## Unusable vector files');
    out.push('');
    out.push(...mdTable(['Algorithm', 'File', 'Error'], summary.unusable.map((line) => [mdText(line.algorithm), mdText(line.source), mdText(line.error)]), ['l', 'l', 'l']));
    out.push('');
  }

  if (summary.hangs.length > 0) {
    out.push('## Hangs');
    out.push('');
    for (const line of summary.hangs) out.push(`- ${mdText(line.algorithm)}: ${mdText(describeHang(line))}${line.seed !== undefined ? ` (seed ${mdText(line.seed)})` : ''}; ${hangAftermath(line)}.`);
    out.push('');
  }

  if (summary.kernelEvents.length > 0) {
    out.push('## Kernel reports');
    out.push('');
    out.push('What the target\'s kernel printed during the run (oops, BUG, WARNING, lockups, stalls…), with the request it came during; a crash or a WARNING during a request fails the run, reports at boot and lockups are listed.');
    out.push('');
    for (const event of summary.kernelEvents) {
      out.push(`- ${event.failing ? '**' : ''}${mdText(describeKernelEventSummary(event))}${event.failing ? '**' : ''}${event.taint && event.taint.length > 0 ? ` (taint ${event.taint.join('')})` : ''}`);
      out.push('', '  ```text', ...event.text.split('\n').map((line) => `  ${line.replace(/`/g, "'")}`), '  ```', '');
    }
    out.push('');
  }

  if (summary.incidents.length > 0 || summary.damagedLines > 0) {
    out.push('## Incidents');
    out.push('');
    for (const line of summary.incidents) {
      const where = [line.algorithm, line.target, line.source].filter((part): part is string => part !== undefined).map(mdText);
      out.push(`- ${where.length > 0 ? `${where.join(', ')}: ` : ''}${mdText(line.message)}`);
    }
    if (summary.damagedLines > 0) out.push(`- ${plural(summary.damagedLines, 'damaged line')} at the end of results.jsonl ignored (the run was killed while writing).`);
    out.push('');
  }

  if (summary.bench) out.push(...throughputSection(summary.bench, meta));

  return out.join('\n').replace(/\n*$/, '\n');
}
