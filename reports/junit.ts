/**
 * JUnit XML for CI: one <testsuite> per algorithm, one <testcase> per target (classname the
 * algorithm), a <failure> listing the failed cases, <skipped> for targets that never ran, and a
 * `run` suite whose `run-complete` case fails when the run did not finish. A run with a drivers-spec
 * adds a `drivers-spec` suite: one case per requirement, an unmet one failing with its evidence.
 */
import { unbindableText, type CaseFailure } from '../harness/results/result-model.js';
import { describeKernelEventSummary, outcomeText, type SummaryRow } from '../harness/results/summary.js';
import type { RunReport } from '../harness/results/run-report.js';
import type { SpecVerdict } from '../harness/spec/drivers-spec.js';
import { acceleratorOf, failureError, failureTitle, hexPair, plural, rerunCommand, strategiesNote } from './format.js';

/** Failures written out in full in one <failure> body; the rest are counted. */
const MAX_FAILURES_IN_BODY = 100;
/** Failures named in the one-line message attribute. */
const MAX_FAILURES_IN_MESSAGE = 5;

/**
 * Characters XML 1.0 cannot carry at all, not even as character references: C0 controls other
 * than tab, LF and CR, unpaired surrogates, U+FFFE and U+FFFF. They become visible `\uXXXX` text.
 */
const ILLEGAL_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Escape text for XML 1.0 element content (`attribute`: for a double-quoted attribute value). */
export function xmlEscape(text: string, attribute = false): string {
  const legal = text.replace(ILLEGAL_XML, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  let escaped = legal.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
  if (attribute) escaped = escaped.replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
  return escaped;
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${xmlEscape(String(value), true)}"`)
    .join('');
}

function failureDetail(failure: CaseFailure, rerun: string): string {
  const lines = [`${failureTitle(failure)}: ${outcomeText(failure.status)} (${failure.expectation} vector)`];
  const bytes = hexPair(failure.expected, failure.got);
  if (bytes.expected !== undefined) lines.push(`  expected ${bytes.expected}`);
  if (bytes.got !== undefined) lines.push(`  got      ${bytes.got}`);
  if (bytes.differsAt !== undefined) lines.push(`  differs  from byte ${bytes.differsAt}`);
  const error = failureError(failure);
  if (error !== undefined) lines.push(`  error    ${error}`);
  if (failure.seed !== undefined) lines.push(`  seed     ${failure.seed}`);
  if (failure.comment) lines.push(`  comment  ${failure.comment}`);
  if (failure.flags && failure.flags.length > 0) lines.push(`  flags    ${failure.flags.join(', ')}`);
  lines.push(`  rerun    ${rerun}`);
  return lines.join('\n');
}

function rowCounts(row: SummaryRow): string {
  const bound = row.generic ? `generic name, bound ${row.boundDriver ?? 'an unproved driver'}; ` : row.priority !== undefined ? `priority ${row.priority}; ` : '';
  return `${bound}passed ${row.passed}, failed ${row.failed}, skipped ${row.skipped}, acceptable ${row.acceptable}`;
}

interface Case {
  name: string;
  classname: string;
  /** <failure> */
  failure?: { message: string; type: string; body?: string };
  /** <error>: the kernel itself reported a fault (its text is the body) */
  error?: { message: string; type: string; body: string };
  /** <skipped> */
  skipped?: string;
  out?: string;
}

function rowCase(row: SummaryRow, meta: RunReport['meta']): Case {
  const base = { name: row.target, classname: row.algorithm, out: rowCounts(row) };
  if (!row.ran) return { ...base, skipped: 'not run: no results came back for this target' };
  if (row.failures.length === 0 && row.failed === 0) return base;
  const named = row.failures.slice(0, MAX_FAILURES_IN_MESSAGE).map((failure) => `${failure.source} ${failure.case} [${failure.strategy}]`);
  const more = row.failures.length > MAX_FAILURES_IN_MESSAGE ? `; and ${row.failures.length - MAX_FAILURES_IN_MESSAGE} more` : '';
  const body = row.failures.slice(0, MAX_FAILURES_IN_BODY).map((failure) => failureDetail(failure, rerunCommand(meta, row, failure)));
  if (row.failures.length > MAX_FAILURES_IN_BODY) body.push(`… and ${row.failures.length - MAX_FAILURES_IN_BODY} more in results.jsonl`);
  const statuses = [...new Set(row.failures.map((failure) => failure.status))].join(', ') || 'fail';
  return {
    ...base,
    failure: {
      message: `${row.failed} failed${strategiesNote(row)}${named.length > 0 ? `: ${named.join('; ')}${more}` : ''}`,
      type: statuses,
      body: body.join('\n'),
    },
  };
}

function renderCase(testCase: Case, indent: string): string {
  const open = `${indent}<testcase${attributes({ name: testCase.name, classname: testCase.classname })}`;
  const children: string[] = [];
  if (testCase.failure) {
    const { message, type, body } = testCase.failure;
    children.push(
      body !== undefined && body !== ''
        ? `${indent}  <failure${attributes({ message, type })}>${xmlEscape(body)}</failure>`
        : `${indent}  <failure${attributes({ message, type })}/>`,
    );
  }
  if (testCase.error) {
    const { message, type, body } = testCase.error;
    children.push(`${indent}  <error${attributes({ message, type })}>${xmlEscape(body)}</error>`);
  }
  if (testCase.skipped !== undefined) children.push(`${indent}  <skipped${attributes({ message: testCase.skipped })}/>`);
  if (testCase.out !== undefined) children.push(`${indent}  <system-out>${xmlEscape(testCase.out)}</system-out>`);
  return children.length === 0 ? `${open}/>` : `${open}>\n${children.join('\n')}\n${indent}</testcase>`;
}

/** One case per requirement: classname drivers-spec.NAME; unmet → <failure> with the evidence. */
function specCases(spec: SpecVerdict): Case[] {
  return spec.results.map((result): Case => {
    const detail = [`requirement: ${result.requirement}`, `evidence: ${result.evidence}`, ...(result.why !== undefined ? [`why: ${result.why}`] : [])].join('\n');
    const base = { name: result.id, classname: `drivers-spec.${spec.spec}` };
    return result.met ? { ...base, out: detail } : { ...base, failure: { message: result.evidence, type: 'requirement-unmet', body: detail } };
  });
}

export function renderJunit(report: RunReport): string {
  const { summary, meta, spec } = report;
  const suites = new Map<string, Case[]>();
  const suite = (name: string): Case[] => {
    let cases = suites.get(name);
    if (!cases) suites.set(name, (cases = []));
    return cases;
  };
  for (const row of summary.rows) suite(row.algorithm).push(rowCase(row, meta));
  for (const line of summary.unbindable) {
    suite(line.algorithm).push({ name: line.target, classname: line.algorithm, failure: { message: unbindableText(line), type: line.afalgReach ? 'afalg-unreachable' : 'unbindable' } });
  }
  for (const line of summary.unusable) {
    suite(line.algorithm).push({ name: `vectors ${line.source}`, classname: line.algorithm, skipped: `unusable vector file: ${line.error}` });
  }
  // priority selection: one case per algorithm; a critical verdict fails it, the others are its output
  for (const table of summary.priorities) {
    const critical = table.verdicts.filter((verdict) => verdict.severity === 'critical');
    const others = table.verdicts.filter((verdict) => verdict.severity !== 'critical');
    const testCase: Case = { name: `priority selection (${table.selected ?? 'no driver'} selected)`, classname: table.algorithm };
    if (critical.length > 0) testCase.failure = { message: critical.map((verdict) => verdict.message).join('; '), type: 'priority-critical' };
    if (others.length > 0) testCase.out = others.map((verdict) => `${verdict.severity}: ${verdict.message}`).join('\n');
    suite(table.algorithm).push(testCase);
  }
  const runCases: Case[] = [
    meta.complete
      ? { name: 'run-complete', classname: 'run' }
      : { name: 'run-complete', classname: 'run', failure: { message: meta.incompleteReason ?? 'the run did not finish (no reason recorded)', type: 'incomplete' } },
  ];
  if (summary.damagedLines > 0) {
    const first = runCases[0] as Case;
    first.out = `${plural(summary.damagedLines, 'damaged line')} at the end of results.jsonl ignored (the run was killed while writing)`;
  }
  summary.incidents.forEach((line, index) => {
    const where = [line.target, line.source].filter((part) => part !== undefined).join(' ');
    const testCase: Case = {
      name: `incident ${index + 1}${where ? `: ${where}` : ''}`,
      classname: line.algorithm ?? 'run',
      failure: { message: line.message, type: 'incident' },
    };
    (line.algorithm !== undefined ? suite(line.algorithm) : runCases).push(testCase);
  });

  // the kernel's reports: an <error> with the kernel's text (a listed-only one, at boot or a lockup, as system-out)
  summary.kernelEvents.forEach((event, index) => {
    const testCase: Case = {
      name: `kernel ${event.event} ${index + 1}${event.driver !== undefined ? `: ${event.driver}` : ''}`,
      classname: event.algorithm ?? 'run',
      ...(event.failing ? { error: { message: describeKernelEventSummary(event), type: `kernel-${event.event}`, body: event.text } } : { out: `${describeKernelEventSummary(event)}\n${event.text}` }),
    };
    (event.algorithm !== undefined ? suite(event.algorithm) : runCases).push(testCase);
  });

  const properties = [
    ['board', meta.board.name],
    ['transport', meta.board.transport],
    ['arch', meta.target.arch],
    ['kernel', meta.target.kernelRelease],
    ['accelerator', acceleratorOf(meta)],
    ['harness', meta.harnessVersion],
    ['agent', meta.target.agentVersion],
    ['run', meta.runId],
    ['complete', String(meta.complete)],
  ] as const;
  const propertiesXml = ['    <properties>', ...properties.map(([name, value]) => `      <property${attributes({ name, value })}/>`), '    </properties>'].join('\n');

  const count = (cases: Case[]): { tests: number; failures: number; errors: number; skipped: number } => ({
    tests: cases.length,
    failures: cases.filter((c) => c.failure).length,
    errors: cases.filter((c) => c.error).length,
    skipped: cases.filter((c) => c.skipped !== undefined && !c.failure).length,
  });
  const names = [...suites.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const ordered: Array<[string, Case[]]> = [
    ...names.map((name): [string, Case[]] => [name, suites.get(name) as Case[]]),
    ...(spec ? [['drivers-spec', specCases(spec)] as [string, Case[]]] : []),
    ['run', runCases],
  ];

  const seconds = meta.finishedAt ? (Date.parse(meta.finishedAt) - Date.parse(meta.startedAt)) / 1000 : undefined;
  const time = seconds !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds.toFixed(3) : undefined;
  const all = ordered.flatMap(([, cases]) => cases);
  const totals = count(all);

  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites${attributes({ name: `afalg-harness ${meta.board.name}`, ...totals, time, timestamp: meta.startedAt })}>`);
  for (const [name, cases] of ordered) {
    out.push(`  <testsuite${attributes({ name, ...count(cases), timestamp: meta.startedAt, hostname: meta.board.name })}>`);
    out.push(propertiesXml);
    for (const testCase of cases) out.push(renderCase(testCase, '    '));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
