/**
 * report.html's header (verdict, facts of the run, vector sources) and its navigation.
 */
import type { RunSummary } from '../../harness/results/summary.js';
import { verdictSentence, type RunReport } from '../../harness/results/run-report.js';
import type { SpecVerdict } from '../../harness/spec/drivers-spec.js';
import { acceleratorOf, narrowingOf, plural } from '../format.js';
import { esc } from '../format.js';
import { specCountText } from '../../harness/spec/spec-format.js';

export function header(report: RunReport): string {
  const { summary, meta, spec, verdict, exitCode } = report;
  const verdictText = { pass: 'PASS', fail: 'FAIL', incomplete: 'INCOMPLETE' }[verdict];
  const { totals } = summary;
  const completion = meta.complete
    ? '<span id="completion" class="badge big complete">COMPLETE</span>'
    : `<span id="completion" class="badge big partial">PARTIAL</span> <span class="partial-reason">${esc(meta.incompleteReason ?? 'the run did not finish (no reason recorded)')}</span>`;
  const sources = meta.vectors.sources.map((source) => {
    const detail = [source.commit ? `commit ${source.commit.slice(0, 12)}` : undefined, source.version ? `version ${source.version}` : undefined, source.fetchedAt ? `fetched ${source.fetchedAt}` : undefined]
      .filter((part): part is string => part !== undefined)
      .join(', ');
    return `<li><strong>${esc(source.family)}</strong> <span class="mono">${esc(source.origin)}</span>${detail ? ` <span class="muted">(${esc(detail)})</span>` : ''}</li>`;
  });
  const facts: Array<[string, string]> = [
    ['Board', `${esc(meta.board.name)} <span class="muted">(${esc(meta.board.transport)}, ${esc(meta.board.arch)})</span>`],
    ['Kernel', `${esc(meta.target.kernelRelease)} <span class="muted">(${esc(meta.target.arch)})</span>`],
    ['Architecture', esc(meta.target.arch)],
    ['Accelerator', esc(acceleratorOf(meta))],
    ['Harness version', esc(meta.harnessVersion)],
    ['Agent version', `${esc(meta.target.agentVersion)}${meta.target.node ? ` <span class="muted">(Node.js ${esc(meta.target.node)})</span>` : ''}`],
    ['Run id', `<span class="mono">${esc(meta.runId)}</span>`],
    ['Started', esc(meta.startedAt)],
    ['Finished', meta.finishedAt ? esc(meta.finishedAt) : '<span class="muted">not recorded</span>'],
    ['Split strategies', esc(meta.settings.strategies.join(', '))],
  ];
  const narrowed = narrowingOf(meta.settings);
  if (narrowed) facts.push(['Narrowed to', `<span class="mono">${esc(narrowed)}</span>`]);
  if (meta.settings.differential > 0) facts.push(['Differential cases', `${meta.settings.differential} per algorithm${meta.settings.seed ? `, seed <span class="mono">${esc(meta.settings.seed)}</span>` : ''}`]);
  if (meta.execution) facts.push(['Executions', `${meta.execution.executed} in ${meta.execution.seconds.toFixed(1)} s (${Math.round(meta.execution.perSecond)}/s)`]);
  facts.push([
    'Test vectors',
    meta.settings.vectorsDir === undefined
      ? '<span class="muted">none: throughput-only run</span>'
      : `${sources.length > 0 ? `<ul class="plain">${sources.join('')}</ul>` : '<span class="muted">no source recorded</span>'}<div class="muted mono small">${esc(meta.vectors.dir)}</div>`,
  ]);

  const counts = `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped, ${totals.acceptable} acceptable across ${plural(totals.algorithms, 'algorithm')} and ${plural(totals.targets, 'target')}`;
  const verdictCounts = `priority verdicts: ${summary.verdictCounts.critical} critical, ${summary.verdictCounts.warning} warning, ${summary.verdictCounts.info} info`;
  return [
    '<header id="top">',
    `<p class="kicker">afalg-harness · Linux kernel crypto driver qualification</p>`,
    `<h1>${esc(meta.board.name)} <span class="muted">· kernel ${esc(meta.target.kernelRelease)}</span></h1>`,
    `<div class="status-line">${completion}</div>`,
    `<div id="verdict" class="verdict verdict-${verdict}">`,
    `<div class="verdict-word">${verdictText}</div>`,
    '<div class="verdict-text">',
    `<p><strong>${esc(counts)}</strong>.</p>`,
    `<p>${esc(verdictCounts)}${summary.unbindable.length > 0 ? `; ${plural(summary.unbindable.length, 'unbindable driver')}` : ''}${summary.incidents.length > 0 ? `; ${plural(summary.incidents.length, 'incident')}` : ''}.</p>`,
    spec ? `<p class="spec-line">drivers-spec <strong>${esc(spec.spec)}</strong>: <a href="#spec">${esc(specCountText(spec))}</a>.</p>` : '',
    `<p class="exit">Exit code <strong>${exitCode}</strong>: ${esc(verdictSentence(report))}</p>`,
    '</div>',
    '</div>',
    `<dl class="facts">${facts.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('')}</dl>`,
    '</header>',
  ].join('\n');
}

export function nav(summary: RunSummary, spec: SpecVerdict | undefined): string {
  const links: Array<[string, string]> = [
    ...(spec ? [['spec', 'Qualification'] as [string, string]] : []),
    ['priorities', 'Priority selection'],
    ['correctness', 'Correctness'],
    ['failures', 'Failures'],
    ['notes', 'Notes'],
  ];
  if (summary.kernelEvents.length > 0) links.push(['kernel-reports', 'Kernel reports']);
  if (summary.coverage.length > 0) links.splice(links.findIndex(([id]) => id === 'correctness'), 0, ['coverage', 'Coverage']);
  if (summary.bench) links.push(['throughput', 'Throughput']);
  links.push(['proc-crypto-section', '/proc/crypto']);
  return `<nav class="toc">${links.map(([id, text]) => `<a href="#${id}">${text}</a>`).join('')}</nav>`;
}
