/**
 * summary.md: the run as a document to hand over. What ran where, the correctness matrix, the
 * failures (capped, with how many more), what was skipped and why, unusable files, incidents.
 */
import type { CaseFailure, RunMeta } from '../harness/results/result-model.js';
import type { RunSummary, SummaryRow } from '../harness/results/summary.js';
import { acceleratorOf, failureError, hexPair, plural, strategiesNote } from './run-terminal.js';

/** Failures listed per row; the rest are counted. */
export const MARKDOWN_MAX_FAILURES_PER_ROW = 10;
/** Failures listed in the whole document. */
export const MARKDOWN_MAX_FAILURES = 50;

/**
 * Text safe in a table cell or a list item: no line breaks, no `|`, nothing read as HTML or
 * emphasis. Underscores stay (driver names are full of them, and inside a word they are literal).
 */
export function mdText(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/([\\`*[\]|])/g, '\\$1')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Hex in a code span (hex never holds a backtick). */
const code = (text: string): string => `\`${text}\``;

function targetCell(row: SummaryRow): string {
  return row.generic ? `${mdText(row.target)} (generic name → ${mdText(row.boundDriver ?? 'unproved driver')})` : mdText(row.target);
}

function resultCell(row: SummaryRow): string {
  if (!row.ran) return 'not run';
  if (row.failed > 0) return `**FAIL**${strategiesNote(row)}`;
  return 'pass';
}

function failureItem(failure: CaseFailure): string[] {
  const lines = [
    `- ${mdText(failure.source)}, ${mdText(failure.case)}, strategy ${failure.strategy}${failure.op ? `, ${mdText(failure.op)}` : ''}: ${failure.status === 'error' ? 'unexpected error' : 'wrong answer'} (${failure.expectation} vector)`,
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
  return lines;
}

function table(header: string[], rows: string[][], align: Array<'l' | 'r'>): string[] {
  return [`| ${header.join(' | ')} |`, `| ${align.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
}

export function renderMarkdown(summary: RunSummary, meta: RunMeta): string {
  const out: string[] = [];
  const verdict = { pass: 'PASS', fail: 'FAIL', incomplete: 'INCOMPLETE' }[summary.verdict];
  out.push(`# Crypto driver correctness: ${mdText(meta.board.name)}, kernel ${mdText(meta.target.kernelRelease)}`);
  out.push('');
  out.push(`**Verdict: ${verdict}.** ${summary.totals.passed} passed, ${summary.totals.failed} failed, ${summary.totals.skipped} skipped, ${summary.totals.acceptable} acceptable, across ${plural(summary.totals.algorithms, 'algorithm')} and ${plural(summary.totals.targets, 'target')}.`);
  out.push('');
  const status = meta.complete ? 'complete' : `**partial**: ${mdText(meta.incompleteReason ?? 'the run did not finish (no reason recorded)')}`;
  out.push(
    ...table(
      ['Property', 'Value'],
      [
        ['Board', `${mdText(meta.board.name)} (${mdText(meta.board.transport)}, ${mdText(meta.board.arch)})`],
        ['Kernel', `${mdText(meta.target.kernelRelease)} (${mdText(meta.target.arch)})`],
        ['Accelerator', mdText(acceleratorOf(meta))],
        ['Harness version', mdText(meta.harnessVersion)],
        ['Agent version', `${mdText(meta.target.agentVersion)}${meta.target.node ? ` (Node.js ${mdText(meta.target.node)})` : ''}`],
        ['Run', `${mdText(meta.runId)}, started ${mdText(meta.startedAt)}${meta.finishedAt ? `, finished ${mdText(meta.finishedAt)}` : ''}`],
        ['Split strategies', meta.options.strategies.join(', ')],
        ...(meta.options.differential > 0 ? [['Differential cases', `${meta.options.differential} per algorithm${meta.options.seed ? `, seed ${mdText(meta.options.seed)}` : ''}`]] : []),
        ['Status', status],
      ],
      ['l', 'l'],
    ),
  );
  out.push('');

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
      ...table(
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
    let budget = MARKDOWN_MAX_FAILURES;
    let unlisted = 0;
    for (const row of failing) {
      out.push(`### ${mdText(row.algorithm)} on ${targetCell(row)}: ${plural(row.failed, 'failure')}`);
      out.push('');
      const listed = Math.min(row.failures.length, MARKDOWN_MAX_FAILURES_PER_ROW, budget);
      budget -= listed;
      for (const failure of row.failures.slice(0, listed)) out.push(...failureItem(failure));
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
      ...table(
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
      ...table(
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
    out.push(...table(['Algorithm', 'Driver', 'Error'], summary.unbindable.map((line) => [mdText(line.algorithm), mdText(line.target), mdText(line.error)]), ['l', 'l', 'l']));
    out.push('');
  }

  if (summary.unusable.length > 0) {
    out.push('## Unusable vector files');
    out.push('');
    out.push(...table(['Algorithm', 'File', 'Error'], summary.unusable.map((line) => [mdText(line.algorithm), mdText(line.source), mdText(line.error)]), ['l', 'l', 'l']));
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

  return out.join('\n').replace(/\n*$/, '\n');
}
