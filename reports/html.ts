/**
 * report.html: the run as one self-contained page to hand to a customer. No network at all: the
 * styles are inline, the one script is inline, the charts are SVG drawn on the host (ECharts
 * server-side rendering) and inlined, and a Content-Security-Policy forbids loading anything.
 * Sections: header and verdict, qualification against a drivers-spec (when the run had one), priority selection, correctness matrix, failures, notes (skips,
 * unusable files, unbindable drivers, incidents, disagreements), throughput, /proc/crypto.
 */
import { afalgReachText, type CaseFailure, type RunMeta } from '../harness/results/result-model.js';
import { describeHang, hangAftermath, outcomeText, type RunSummary, type SummaryRow } from '../harness/results/summary.js';
import type { PriorityCandidate, PriorityTable, PriorityVerdict, Severity } from '../harness/results/priority-verdicts.js';
import type { BenchSummary } from '../harness/results/bench-summary.js';
import { verdictSentence, type RunReport } from '../harness/results/run-report.js';
import type { SpecVerdict } from '../harness/spec/drivers-spec.js';
import { acceleratorOf, candidateCorrectness, executorNote, failureError, formatMb, formatOps, formatRatio, formatSize, formatSpread, formatUs, hexPair, plural, specCountText, strategiesNote } from './format.js';
import { BAR_SIZE, chartsFor, slugOf, throughputRows, type ThroughputRow } from './throughput-charts.js';

/** Failures listed per algorithm × target; the rest are counted. */
export const HTML_MAX_FAILURES_PER_ROW = 200;
/** Failures listed in the whole page. */
export const HTML_MAX_FAILURES = 1000;
/** hex digits shown before the full value moves into a <details> */
const HEX_WINDOW = 64;

/** Text safe in HTML element content and in a quoted attribute value; control characters made visible. */
export function esc(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** An SVG from the chart module, ready to inline in HTML (namespaces are implied there). */
function inlineSvg(svg: string): string {
  return svg.replace(/^<svg([^>]*)>/, (_whole, attributes: string) => `<svg${attributes.replace(/\s+xmlns(:xlink)?="[^"]*"/g, '')}>`);
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

function severityBadge(severity: Severity): string {
  return `<span class="badge sev-${severity}">${severity}</span>`;
}

function verdictItem(verdict: PriorityVerdict, withAlgorithm: boolean): string {
  return `<li class="verdict-item sev-${verdict.severity}">${severityBadge(verdict.severity)} ${withAlgorithm ? `<strong>${esc(verdict.algorithm)}</strong>: ` : ''}${esc(verdict.message)}</li>`;
}

function table(headers: string[], rows: string[][], options: { className?: string; numeric?: number[]; caption?: string } = {}): string {
  const numeric = new Set(options.numeric ?? []);
  const cls = (column: number): string => (numeric.has(column) ? ' class="num"' : '');
  return [
    `<table${options.className ? ` class="${options.className}"` : ''}>`,
    options.caption ? `<caption>${options.caption}</caption>` : '',
    `<thead><tr>${headers.map((header, column) => `<th${cls(column)}>${header}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.map((row) => `<tr>${row.map((cell, column) => `<td${cls(column)}>${cell}</td>`).join('')}</tr>`).join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

function rowLabel(row: Pick<SummaryRow, 'target' | 'generic' | 'boundDriver' | 'executor'>): string {
  return row.generic ? `${esc(row.target)} <span class="muted">(generic → ${esc(row.boundDriver ?? 'unproved driver')})</span>` : `${esc(row.target)}${row.executor ? ` <span class="muted">${esc(executorNote(row).trim())}</span>` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// header

function header(report: RunReport): string {
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

function nav(summary: RunSummary, spec: SpecVerdict | undefined): string {
  const links: Array<[string, string]> = [
    ...(spec ? [['spec', 'Qualification'] as [string, string]] : []),
    ['priorities', 'Priority selection'],
    ['correctness', 'Correctness'],
    ['failures', 'Failures'],
    ['notes', 'Notes'],
  ];
  if (summary.bench) links.push(['throughput', 'Throughput']);
  links.push(['proc-crypto-section', '/proc/crypto']);
  return `<nav class="toc">${links.map(([id, text]) => `<a href="#${id}">${text}</a>`).join('')}</nav>`;
}

// ---------------------------------------------------------------------------------------------
// qualification against a drivers-spec

function specHtml(spec: SpecVerdict): string {
  const out = ['<section id="spec">', '<h2>Qualification (drivers-spec)</h2>'];
  out.push(
    `<p class="lead">What this board must deliver, as stated by <strong>${esc(spec.spec)}</strong>${spec.description !== undefined ? `: ${esc(spec.description)}` : '.'} <span class="mono small">${esc(spec.file)}</span></p>`,
  );
  out.push(`<p><span id="spec-badge" class="badge big spec-badge ${spec.unmet > 0 ? 'spec-unmet' : 'spec-met'}">${esc(specCountText(spec))}</span></p>`);
  const rows = spec.results.map(
    (result) =>
      `<tr class="${result.met ? 'req-met' : 'req-unmet'}"><td><span class="mono">${esc(result.id)}</span><br>${esc(result.requirement)}</td><td class="req-state">${
        result.met ? '<span class="ok" title="met">✔</span>' : '<span class="bad" title="not met">✘</span>'
      }</td><td>${esc(result.evidence)}</td><td>${result.why !== undefined ? esc(result.why) : '<span class="muted">—</span>'}</td></tr>`,
  );
  out.push(
    [
      '<table class="spec">',
      '<thead><tr><th>Requirement</th><th>Met</th><th>Evidence</th><th>Why</th></tr></thead>',
      `<tbody>${rows.join('\n')}</tbody>`,
      '</table>',
    ].join('\n'),
  );
  out.push('</section>');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// priority selection

function asyncCell(candidate: PriorityCandidate): string {
  const parts = [candidate.async === undefined ? '—' : candidate.async ? 'async' : 'sync'];
  if (candidate.accelerator) parts.push('<span class="tag accel">accelerator</span>');
  return parts.join(' ');
}

function correctnessCell(candidate: Pick<PriorityCandidate, 'correct' | 'failed'>): string {
  const text = esc(candidateCorrectness(candidate));
  if (candidate.correct === true) return `<span class="ok">${text}</span>`;
  if (candidate.correct === false) return `<span class="bad">${text}</span>`;
  return `<span class="muted">${text}</span>`;
}

function priorityTableHtml(priority: PriorityTable): string {
  const id = `p-${slugOf(priority.algorithm)}`;
  const selected = priority.selected
    ? `the generic name is served by <strong>${esc(priority.selected)}</strong> <span class="tag how-${priority.selectedHow ?? 'unknown'}">${priority.selectedHow === 'proved' ? 'proved' : 'inferred'}</span>`
    : '<span class="muted">no driver serves the generic name (none passed its self-test)</span>';
  const generic: string[] = [];
  if (priority.genericCorrect !== undefined) generic.push(`generic name ${priority.genericCorrect ? '<span class="ok">✔ correct</span>' : '<span class="bad">✘ fails vectors</span>'}`);
  if (priority.genericMbPerSecond !== undefined) generic.push(`${esc(formatMb(priority.genericMbPerSecond))} MB/s at 4 KiB through the generic name`);
  const rows = priority.candidates.map((candidate) => [
    `${esc(candidate.driver)}${candidate.selected ? ' <span class="tag selected">selected</span>' : ''}`,
    String(candidate.priority),
    candidate.selftest === 'passed' ? esc(candidate.selftest) : `<span class="bad">${esc(candidate.selftest)}</span>`,
    esc(candidate.module),
    asyncCell(candidate),
    correctnessCell(candidate),
    esc(formatMb(candidate.mbPerSecond)),
  ]);
  const body = [
    `<article class="priority" id="${id}">`,
    `<h3>${esc(priority.algorithm)}${priority.afalgType ? ` <span class="muted small">${esc(priority.afalgType)}</span>` : ' <span class="muted small">not reachable through AF_ALG</span>'}</h3>`,
    `<p>${selected}${generic.length > 0 ? `; ${generic.join('; ')}` : ''}.</p>`,
    priority.candidates.length > 0
      ? table(['Driver', 'Priority', 'Self-test', 'Module', 'Async / accelerator', 'Correctness', 'MB/s at 4 KiB'], rows, { className: 'candidates', numeric: [1, 6] })
      : '<p class="muted">No public driver.</p>',
  ];
  if (priority.verdicts.length > 0) body.push(`<ul class="verdicts">${priority.verdicts.map((verdict) => verdictItem(verdict, false)).join('')}</ul>`);
  body.push('</article>');
  return body.join('\n');
}

function priorities(summary: RunSummary): string {
  const out = ['<section id="priorities">', '<h2>Priority selection</h2>'];
  out.push(
    '<p class="lead">When a program asks for an algorithm by its generic name, the kernel hands it the registered driver with the highest priority whose self-test passed. These tables show, for each algorithm, which driver that is and how it compares with every other candidate.</p>',
  );
  const counts = summary.verdictCounts;
  out.push(`<p class="verdict-counts">${severityBadge('critical')} ${counts.critical} ${severityBadge('warning')} ${counts.warning} ${severityBadge('info')} ${counts.info}</p>`);
  const all = [...summary.verdicts].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  if (all.length > 0) out.push(`<ul id="all-verdicts" class="verdicts">${all.map((verdict) => verdictItem(verdict, true)).join('\n')}</ul>`);
  else out.push('<p id="all-verdicts" class="ok">No verdicts: every generic name is served by a correct driver, and nothing better is ranked lower.</p>');
  if (summary.priorities.length === 0) out.push('<p class="muted">No algorithm to show.</p>');
  for (const priority of summary.priorities) out.push(priorityTableHtml(priority));
  out.push('</section>');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// correctness

function failureAnchors(summary: RunSummary): Map<SummaryRow, string> {
  const anchors = new Map<SummaryRow, string>();
  const used = new Set<string>();
  for (const row of summary.rows) {
    if (row.failures.length === 0 && row.failed === 0) continue;
    const base = `f-${slugOf(row.algorithm)}--${slugOf(row.target)}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    anchors.set(row, id);
  }
  return anchors;
}

function matrixCell(row: SummaryRow, anchor: string | undefined): string {
  const state = !row.ran ? 'notrun' : row.failed > 0 ? 'fail' : 'pass';
  const status = !row.ran ? 'not run' : row.hung ? 'HANG' : row.failed > 0 ? `FAIL${strategiesNote(row)}` : 'pass';
  const counts = row.ran
    ? `<span class="counts">${row.passed} passed · ${row.failed} failed · ${row.skipped} skipped · ${row.acceptable} acceptable</span>`
    : `<span class="counts">no results came back · ${row.skipped} skipped</span>`;
  const inner = [
    `<span class="cell-target">${rowLabel(row)}</span>`,
    row.priority !== undefined ? `<span class="cell-priority">priority ${row.priority}</span>` : '',
    `<span class="cell-status">${esc(status)}</span>`,
    counts,
  ].join('');
  const title = esc(`${row.algorithm} on ${row.target}: ${status}`);
  if (anchor !== undefined) return `<a class="cell ${state}" href="#${anchor}" title="${title}">${inner}</a>`;
  return `<div class="cell ${state}" title="${title}">${inner}</div>`;
}

function correctness(summary: RunSummary, meta: RunMeta, anchors: Map<SummaryRow, string>): string {
  const out = ['<section id="correctness">', '<h2>Correctness</h2>'];
  out.push(
    '<p class="lead">Each target is either a driver bound by its unique name, or the generic algorithm name (the kernel picks the driver, shown after the arrow). Counts are executions: vector × split strategy. Skipped vectors are ones the kernel interface cannot express; acceptable cases are ones the vectors allow either way. A red cell links to its failures.</p>',
  );
  out.push('<p class="legend-line"><span class="swatch pass"></span> pass <span class="swatch fail"></span> fail <span class="swatch notrun"></span> not run</p>');
  const algorithms = [...new Set([...summary.rows.map((row) => row.algorithm), ...summary.unbindable.map((line) => line.algorithm)])].sort();
  if (algorithms.length === 0) {
    out.push(`<p class="muted">${meta.settings.vectorsDir === undefined ? 'Throughput-only run: no vectors ran.' : 'No algorithm produced results.'}</p>`);
  } else {
    const rows = algorithms.map((algorithm) => {
      const cells = summary.rows.filter((row) => row.algorithm === algorithm).map((row) => matrixCell(row, anchors.get(row)));
      for (const line of summary.unbindable.filter((one) => one.algorithm === algorithm)) {
        cells.push(
          `<div class="cell fail unbindable" title="${esc(`${line.target}: ${line.afalgReach ? afalgReachText(line.afalgReach) : 'cannot bind'}`)}"><span class="cell-target">${esc(line.target)}</span><span class="cell-status">${line.afalgReach ? 'AF_ALG cannot reach' : 'cannot bind'}</span><span class="counts">${esc(line.afalgReach ? `${line.afalgReach.reason}, ${line.error}` : line.error)}</span></div>`,
        );
      }
      return `<tr><th scope="row">${esc(algorithm)}</th><td><div class="cells">${cells.join('')}</div></td></tr>`;
    });
    out.push(`<table class="matrix"><thead><tr><th>Algorithm</th><th>Targets</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`);
  }
  out.push('</section>');
  return out.join('\n');
}

function hexValue(label: string, window: string | undefined, full: string | undefined): string {
  if (window === undefined || full === undefined) return '';
  const shown = `<code class="hex">${esc(window)}</code>`;
  if (full.length <= HEX_WINDOW) return `<dt>${label}</dt><dd>${shown}</dd>`;
  return `<dt>${label}</dt><dd>${shown}<details class="full-hex"><summary>full value (${Math.floor(full.length / 2)} bytes)</summary><code class="hex">${esc(full)}</code></details></dd>`;
}

function failureHtml(failure: CaseFailure, id: string): string {
  const bytes = hexPair(failure.expected, failure.got);
  const facts: string[] = [
    `<dt>Source</dt><dd class="mono">${esc(failure.source)}</dd>`,
    `<dt>Case</dt><dd><strong>${esc(failure.case)}</strong></dd>`,
    `<dt>Strategy</dt><dd>${esc(failure.strategy)}</dd>`,
  ];
  if (failure.op) facts.push(`<dt>Operation</dt><dd>${esc(failure.op)}</dd>`);
  facts.push(`<dt>Outcome</dt><dd>${outcomeText(failure.status)} (${esc(failure.expectation)} vector)</dd>`);
  facts.push(hexValue('Expected', bytes.expected, failure.expected));
  facts.push(hexValue('Got', bytes.got, failure.got));
  if (bytes.differsAt !== undefined) facts.push(`<dt>Differs</dt><dd>from byte ${bytes.differsAt}</dd>`);
  if (failure.error !== undefined) facts.push(`<dt>Error</dt><dd class="mono">${esc(failure.error)}</dd>`);
  if (failure.step !== undefined) facts.push(`<dt>Step</dt><dd>${esc(failure.step)}</dd>`);
  if (failure.seed !== undefined) facts.push(`<dt>Seed</dt><dd class="mono">${esc(failure.seed)}</dd>`);
  if (failure.comment) facts.push(`<dt>Vector comment</dt><dd>${esc(failure.comment)}</dd>`);
  if (failure.flags && failure.flags.length > 0) facts.push(`<dt>Flags</dt><dd>${esc(failure.flags.join(', '))}</dd>`);
  const title = `${failure.source} ${failure.case} [${failure.strategy}]${failure.op ? ` ${failure.op}` : ''}`;
  return `<div class="failure" id="${id}"><h4>${esc(title)}</h4><dl class="kv">${facts.join('')}</dl></div>`;
}

function failures(summary: RunSummary, anchors: Map<SummaryRow, string>): string {
  const out = ['<section id="failures">', '<h2>Failures</h2>'];
  const failing = summary.rows.filter((row) => anchors.has(row));
  if (failing.length === 0) {
    out.push('<p class="ok">No failures.</p>');
  } else {
    let budget = HTML_MAX_FAILURES;
    for (const row of failing) {
      const anchor = anchors.get(row) as string;
      out.push(`<article class="failure-group" id="${anchor}">`);
      out.push(`<h3>${esc(row.algorithm)} on ${rowLabel(row)}: ${esc(plural(row.failed, 'failure'))}${esc(strategiesNote(row))}</h3>`);
      const listed = Math.min(row.failures.length, HTML_MAX_FAILURES_PER_ROW, budget);
      budget -= listed;
      row.failures.slice(0, listed).forEach((failure, index) => out.push(failureHtml(failure, `${anchor}-${index + 1}`)));
      if (row.failures.length > listed) out.push(`<p class="muted">… and ${row.failures.length - listed} more for this target (results.jsonl holds every one with its bytes).</p>`);
      out.push('</article>');
    }
  }
  out.push('</section>');
  return out.join('\n');
}

function notes(summary: RunSummary): string {
  const out = ['<section id="notes">', '<h2>Notes</h2>'];
  let any = false;
  if (summary.disagreements.length > 0) {
    any = true;
    out.push('<h3 id="disagreements">Generic name and drivers disagree</h3>');
    out.push('<p>Cases where the generic algorithm name and a driver bound by its unique name gave different verdicts.</p>');
    out.push(
      table(
        ['Algorithm', 'Source', 'Case', 'Strategy', 'Generic name', 'Failed on', 'Passed on'],
        summary.disagreements.map((d) => [
          esc(d.algorithm),
          `<span class="mono">${esc(d.source)}</span>`,
          esc(d.case),
          esc(d.strategy),
          d.generic === 'fail' ? '<span class="bad">fail</span>' : '<span class="ok">pass</span>',
          `<span class="bad">${esc(d.failing.join(', '))}</span>`,
          esc(d.passing.join(', ')),
        ]),
      ),
    );
  }
  if (summary.skips.length > 0) {
    any = true;
    out.push('<h3 id="skips">Skipped vectors</h3>');
    out.push('<p>Vectors the kernel interface cannot express; they apply to every target of the algorithm.</p>');
    out.push(
      table(
        ['Algorithm', 'Source', 'Reason', 'Vectors', 'Examples'],
        summary.skips.map((skip) => [
          esc(skip.algorithm),
          `<span class="mono">${esc(skip.source)}</span>`,
          esc(skip.reason),
          String(skip.count),
          esc(skip.cases.join(', ') + (skip.count > skip.cases.length && skip.cases.length > 0 ? ', …' : '')),
        ]),
        { numeric: [3] },
      ),
    );
  }
  if (summary.unbindable.length > 0) {
    any = true;
    out.push('<h3 id="unbindable">Drivers that could not be bound</h3>');
    out.push("<p>Registered, but unusable by their unique name (ELIBBAD means the kernel's own self-test failed; since Linux 7.2 AF_ALG cannot reach async, hardware-only or allocating drivers).</p>");
    out.push(
      table(
        ['Algorithm', 'Driver', 'Error'],
        summary.unbindable.map((line) => [esc(line.algorithm), esc(line.target), `<span class="mono">${esc(line.error)}</span>${line.afalgReach ? ` ${esc(afalgReachText(line.afalgReach))}` : ''}`]),
      ),
    );
  }
  if (summary.unusable.length > 0) {
    any = true;
    out.push('<h3 id="unusable">Unusable vector files</h3>');
    out.push(table(['Algorithm', 'File', 'Error'], summary.unusable.map((line) => [esc(line.algorithm), `<span class="mono">${esc(line.source)}</span>`, esc(line.error)])));
  }
  if (summary.hangs.length > 0) {
    any = true;
    out.push('<h3 id="hangs">Hangs</h3>');
    out.push(`<ul class="incidents">${summary.hangs.map((line) => `<li class="bad-border"><strong>${esc(line.algorithm)}</strong>: ${esc(describeHang(line))}${line.seed !== undefined ? ` (seed ${esc(line.seed)})` : ''}; ${esc(hangAftermath(line))}.</li>`).join('')}</ul>`);
  }
  if (summary.incidents.length > 0 || summary.damagedLines > 0) {
    any = true;
    out.push('<h3 id="incidents">Incidents</h3>');
    const items = summary.incidents.map((line) => {
      const where = [line.algorithm, line.target, line.source].filter((part): part is string => part !== undefined);
      return `<li class="bad-border">${where.length > 0 ? `<strong>${esc(where.join(', '))}</strong>: ` : ''}${esc(line.message)}</li>`;
    });
    if (summary.damagedLines > 0) items.push(`<li>${esc(plural(summary.damagedLines, 'damaged line'))} at the end of results.jsonl ignored (the run was killed while writing).</li>`);
    out.push(`<ul class="incidents">${items.join('')}</ul>`);
  }
  if (!any) out.push('<p class="muted">Nothing skipped, no unusable vector file, no unbindable driver, no incident, no disagreement.</p>');
  out.push('</section>');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// throughput

function tcryptCell(row: ThroughputRow): string {
  const comparison = row.comparison;
  if (comparison?.tcrypt === undefined) return '—';
  return `${esc(formatMb(comparison.tcrypt))}${comparison.tcryptSize !== undefined ? ` <span class="muted small">(at ${esc(formatSize(comparison.tcryptSize))})</span>` : ''}`;
}

function throughputTable(bench: BenchSummary, algorithm: string, op: string): string {
  const rows = throughputRows(bench, algorithm, op);
  const columns: Array<{ header: string; cell: (row: ThroughputRow) => string; optional?: (row: ThroughputRow) => boolean; numeric: boolean }> = [
    { header: 'Target', cell: (row) => (row.generic ? `${esc(row.target)} <span class="muted">(generic → ${esc(row.comparison?.driver ?? '?')})</span>` : esc(row.target)), numeric: false },
    { header: 'Size', cell: (row) => esc(formatSize(row.size)), numeric: true },
    { header: 'MB/s', cell: (row) => `<strong>${esc(formatMb(row.copy?.mbPerSecond))}</strong>`, numeric: true },
    { header: 'ops/s', cell: (row) => esc(formatOps(row.copy?.opsPerSecond)), numeric: true },
    { header: 'µs/op', cell: (row) => esc(formatUs(row.copy?.usPerOp)), numeric: true },
    { header: 'Spread', cell: (row) => esc(formatSpread(row.copy?.spread)), numeric: true },
    { header: 'Zero-copy MB/s', cell: (row) => esc(formatMb(row.comparison?.zerocopy)), optional: (row) => row.comparison?.zerocopy !== undefined, numeric: true },
    { header: 'C reference MB/s', cell: (row) => esc(formatMb(row.comparison?.cReference)), optional: (row) => row.comparison?.cReference !== undefined, numeric: true },
    { header: 'Harness/C', cell: (row) => esc(formatRatio(row.comparison?.harnessOverC)), optional: (row) => row.comparison?.harnessOverC !== undefined, numeric: true },
    { header: 'tcrypt MB/s', cell: tcryptCell, optional: (row) => row.comparison?.tcrypt !== undefined, numeric: true },
    { header: 'AF_ALG/tcrypt', cell: (row) => esc(formatRatio(row.comparison?.afalgOverTcrypt)), optional: (row) => row.comparison?.afalgOverTcrypt !== undefined, numeric: true },
  ];
  const shown = columns.filter((column) => column.optional === undefined || rows.some(column.optional));
  const body = rows.map((row, index) => {
    const first = index === 0 || rows[index - 1]?.target !== row.target;
    const cells = shown.map((column, c) => `<td${column.numeric ? ' class="num"' : ''}>${c === 0 && !first ? '' : column.cell(row)}</td>`);
    return `<tr class="${first ? 'group-start' : ''}${row.size === BAR_SIZE ? ' ref-size' : ''}">${cells.join('')}</tr>`;
  });
  return [
    '<table class="throughput">',
    `<thead><tr>${shown.map((column) => `<th${column.numeric ? ' class="num"' : ''}>${column.header}</th>`).join('')}</tr></thead>`,
    `<tbody>${body.join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

function throughput(bench: BenchSummary, meta: RunMeta): string {
  const out = ['<section id="throughput">', '<h2>Throughput</h2>'];
  const settings = meta.settings.bench;
  out.push(
    '<p class="lead">MB/s is 10⁶ payload bytes per second, the median of the repetitions; the spread is half of (fastest − slowest) over the median. The agent loop runs on the target through AF_ALG (copy: sendmsg/read; zero-copy: splice); the C reference does the same system calls from C, so harness/C is the cost of the harness itself; tcrypt is the kernel measuring the driver in-kernel, the ceiling with no system call at all.</p>',
  );
  if (settings) {
    out.push(
      `<p class="muted">Settings: sizes ${esc(settings.sizes.map(formatSize).join(', '))}; ${settings.repetitions} repetitions of ${settings.seconds} s; paths ${esc(settings.paths.join(', '))}; tcrypt ${settings.tcryptSec !== undefined ? 'on' : 'off'}; C reference <span class="mono">${esc(meta.cReference ?? 'off')}</span>.</p>`,
    );
  }
  for (const chart of chartsFor(bench)) {
    out.push(`<article class="bench" id="t-${chart.slug}">`);
    out.push(`<h3>${esc(chart.algorithm)} ${esc(chart.op)}</h3>`);
    out.push('<div class="charts">');
    if (chart.lineSvg !== '') out.push(`<figure class="chart chart-line">${inlineSvg(chart.lineSvg)}<figcaption>${esc(chart.algorithm)} ${esc(chart.op)}: MB/s by payload size, log–log</figcaption></figure>`);
    if (chart.barSvg !== '') out.push(`<figure class="chart chart-bar">${inlineSvg(chart.barSvg)}<figcaption>${esc(chart.algorithm)} ${esc(chart.op)} at ${formatSize(BAR_SIZE)}</figcaption></figure>`);
    out.push('</div>');
    out.push(throughputTable(bench, chart.algorithm, chart.op));
    out.push('</article>');
  }

  out.push('<h3 id="goals">Goals</h3>');
  out.push(
    table(
      ['Goal', 'Threshold', 'Size', 'Median (met?)', 'Worst measured', 'Where', 'Met', 'Note'],
      bench.goals.map((goal) => [
        esc(goal.name),
        `≥ ${goal.threshold}`,
        esc(formatSize(goal.size)),
        esc(`${formatRatio(goal.median, 3)}${goal.count !== undefined ? ` (${goal.count})` : ''}`),
        esc(formatRatio(goal.worst, 3)),
        esc(goal.worstAt ?? '—'),
        goal.met === undefined ? '<span class="muted">—</span>' : goal.met ? '<span class="ok">✔</span>' : '<span class="bad">✘</span>',
        esc(goal.note ?? ''),
      ]),
      { numeric: [1, 2, 3, 4] },
    ),
  );

  out.push('<h3 id="tcrypt">tcrypt runs</h3>');
  if (bench.tcrypt.runs.length === 0) out.push('<p class="muted">tcrypt did not run.</p>');
  else {
    out.push(
      table(
        ['Parameters', 'Seconds', 'Figures', 'Error'],
        bench.tcrypt.runs.map((run) => [
          `<span class="mono">${esc(run.params.join(' '))}</span>`,
          run.seconds.toFixed(1),
          String(run.figures),
          run.error !== undefined ? `<span class="bad">${esc(run.error)}</span>` : '',
        ]),
        { numeric: [1, 2] },
      ),
    );
  }
  out.push('</section>');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------

const STYLE = `
:root { --fg: #1d2330; --muted: #5f6b7a; --line: #d9dee5; --bg-soft: #f5f7fa; --pass: #1a7f37; --pass-bg: #e6f4ea; --fail: #c62828; --fail-bg: #fdecea;
  --notrun: #6b7280; --notrun-bg: #eef0f3; --warn: #b26a00; --warn-bg: #fff4e0; --info: #1f5fbf; --info-bg: #e8f0fc; --accent: #0b4f8a; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0 auto; max-width: 1180px; padding: 28px 32px 60px; color: var(--fg); background: #fff;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif; line-height: 1.5; }
h1 { font-size: 1.9rem; margin: 0.1em 0 0.4em; line-height: 1.2; }
h2 { font-size: 1.4rem; margin: 2.2em 0 0.6em; padding-bottom: 0.25em; border-bottom: 2px solid var(--fg); }
h3 { font-size: 1.1rem; margin: 1.6em 0 0.5em; }
h4 { font-size: 0.95rem; margin: 0 0 0.4em; font-weight: 600; word-break: break-word; }
p { margin: 0.4em 0; }
.lead { color: var(--muted); max-width: 60rem; }
.muted { color: var(--muted); }
.small { font-size: 0.85em; }
.mono, code { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.88em; }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; font-size: 0.75rem; color: var(--muted); margin: 0; }
.ok { color: var(--pass); font-weight: 600; }
.bad { color: var(--fail); font-weight: 600; }
a { color: var(--accent); }
.toc { display: flex; flex-wrap: wrap; gap: 6px 18px; padding: 10px 0; border-bottom: 1px solid var(--line); margin-bottom: 8px; font-size: 0.92rem; }
.toc a { text-decoration: none; }
.badge { display: inline-block; padding: 0.1em 0.55em; border-radius: 4px; font-size: 0.75rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em; vertical-align: 0.1em; }
.badge.big { font-size: 1rem; padding: 0.2em 0.8em; }
.badge.complete { background: var(--pass-bg); color: var(--pass); border: 1px solid var(--pass); }
.badge.partial { background: var(--warn-bg); color: var(--warn); border: 1px solid var(--warn); }
.partial-reason { color: var(--warn); font-weight: 600; }
.badge.spec-badge { text-transform: none; letter-spacing: 0; }
.badge.spec-met { background: var(--pass-bg); color: var(--pass); border: 1px solid var(--pass); }
.badge.spec-unmet { background: var(--fail-bg); color: var(--fail); border: 1px solid var(--fail); }
table.spec tr.req-unmet td { background: var(--fail-bg); }
table.spec td.req-state { font-size: 1.1rem; text-align: center; }
.sev-critical.badge { background: var(--fail); color: #fff; }
.sev-warning.badge { background: #e69500; color: #1d1d1d; }
.sev-info.badge { background: var(--info); color: #fff; }
.status-line { margin: 0.3em 0 1em; }
.verdict { display: flex; gap: 22px; align-items: center; border-radius: 8px; padding: 14px 20px; margin: 0.6em 0 1.2em; border: 2px solid; }
.verdict-word { font-size: 2.2rem; font-weight: 800; letter-spacing: 0.04em; }
.verdict-pass { border-color: var(--pass); background: var(--pass-bg); } .verdict-pass .verdict-word { color: var(--pass); }
.verdict-fail { border-color: var(--fail); background: var(--fail-bg); } .verdict-fail .verdict-word { color: var(--fail); }
.verdict-incomplete { border-color: var(--warn); background: var(--warn-bg); } .verdict-incomplete .verdict-word { color: var(--warn); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; }
ul.plain { list-style: none; margin: 0; padding: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0 1em; font-size: 0.9rem; }
th, td { text-align: left; padding: 5px 9px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--bg-soft); border-bottom: 2px solid var(--line); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
.tag { display: inline-block; font-size: 0.72rem; padding: 0 0.45em; border-radius: 3px; border: 1px solid var(--line); background: var(--bg-soft); color: var(--muted); vertical-align: 0.1em; }
.tag.selected { background: var(--accent); border-color: var(--accent); color: #fff; }
.tag.how-proved { border-color: var(--pass); color: var(--pass); }
.tag.how-inferred { border-color: var(--warn); color: var(--warn); }
.tag.accel { border-color: var(--info); color: var(--info); }
ul.verdicts { list-style: none; padding: 0; margin: 0.6em 0; }
.verdict-item { padding: 6px 10px; margin: 4px 0; border-left: 4px solid; border-radius: 3px; }
.verdict-item.sev-critical { border-color: var(--fail); background: var(--fail-bg); }
.verdict-item.sev-warning { border-color: #e69500; background: var(--warn-bg); }
.verdict-item.sev-info { border-color: var(--info); background: var(--info-bg); }
.priority { border: 1px solid var(--line); border-radius: 6px; padding: 4px 16px 10px; margin: 14px 0; break-inside: avoid; }
.priority h3 { margin-top: 0.6em; }
.legend-line { font-size: 0.85rem; color: var(--muted); }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px; vertical-align: -0.1em; margin-left: 0.6em; }
.swatch.pass { background: var(--pass); } .swatch.fail { background: var(--fail); } .swatch.notrun { background: var(--notrun); }
.matrix > tbody > tr > th { width: 11rem; font-weight: 600; }
.cells { display: flex; flex-wrap: wrap; gap: 8px; }
.cell { display: flex; flex-direction: column; min-width: 13rem; max-width: 22rem; padding: 6px 10px; border-radius: 5px; border-left: 5px solid; text-decoration: none; color: var(--fg); font-size: 0.85rem; }
.cell.pass { background: var(--pass-bg); border-color: var(--pass); }
.cell.fail { background: var(--fail-bg); border-color: var(--fail); }
.cell.notrun { background: var(--notrun-bg); border-color: var(--notrun); color: var(--muted); }
a.cell:hover { outline: 2px solid var(--fail); }
.cell-target { font-weight: 600; word-break: break-word; }
.cell-priority { color: var(--muted); font-size: 0.8rem; }
.cell-status { font-weight: 700; text-transform: uppercase; font-size: 0.78rem; letter-spacing: 0.03em; }
.cell.pass .cell-status { color: var(--pass); } .cell.fail .cell-status { color: var(--fail); }
.counts { font-variant-numeric: tabular-nums; }
.failure-group { margin: 1em 0 1.6em; }
.failure-group:target, .failure:target { outline: 3px solid var(--fail); outline-offset: 4px; }
.failure { border: 1px solid var(--line); border-left: 4px solid var(--fail); border-radius: 4px; padding: 8px 14px; margin: 8px 0; break-inside: avoid; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; font-size: 0.88rem; }
dl.kv dt { color: var(--muted); } dl.kv dd { margin: 0; min-width: 0; }
code.hex { word-break: break-all; }
details.full-hex summary { cursor: pointer; color: var(--accent); font-size: 0.8rem; }
details.full-hex code { display: block; margin-top: 4px; padding: 6px; background: var(--bg-soft); }
ul.incidents li { margin: 4px 0; }
.charts { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
.chart { margin: 0; flex: 1 1 600px; max-width: 760px; }
.chart svg { display: block; width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; }
.chart figcaption { font-size: 0.8rem; color: var(--muted); margin-top: 3px; }
table.throughput tr.group-start td { border-top: 2px solid var(--line); }
table.throughput tr.ref-size td { background: #fbfbf4; }
#proc-crypto summary { cursor: pointer; font-weight: 600; }
#proc-crypto pre { max-height: 40rem; overflow: auto; background: var(--bg-soft); padding: 10px 14px; border: 1px solid var(--line); font-size: 0.8rem; }
footer { margin-top: 3em; padding-top: 0.8em; border-top: 1px solid var(--line); color: var(--muted); font-size: 0.8rem; }
@media print {
  html { font-size: 10.5pt; }
  body { max-width: none; padding: 0; }
  .toc { display: none; }
  h2 { break-after: avoid; } h3 { break-after: avoid; }
  .chart, .cell, .failure, .priority, tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .verdict, .cell, .badge, .verdict-item, thead th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  #proc-crypto pre { max-height: none; overflow: visible; white-space: pre-wrap; }
}
`;

/** Open every <details> for printing, and put them back afterwards. */
const SCRIPT = `
(function () {
  var opened = [];
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details:not([open])').forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
`;

const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function renderHtml(report: RunReport): string {
  const { summary, meta, spec } = report;
  const anchors = failureAnchors(summary);
  const title = `Crypto driver qualification: ${meta.board.name}, kernel ${meta.target.kernelRelease}`;
  const body = [
    header(report),
    nav(summary, spec),
    '<main>',
    spec ? specHtml(spec) : '',
    priorities(summary),
    correctness(summary, meta, anchors),
    failures(summary, anchors),
    notes(summary),
    summary.bench ? throughput(summary.bench, meta) : '',
    '<section id="proc-crypto-section">',
    '<h2>/proc/crypto</h2>',
    `<details id="proc-crypto"><summary>Raw /proc/crypto snapshot after discovery (${meta.procCrypto.split('\n').filter((line) => line.startsWith('name')).length} entries)</summary><pre>${esc(meta.procCrypto)}</pre></details>`,
    '</section>',
    '</main>',
    `<footer>Generated by afalg-harness ${esc(meta.harnessVersion)} from run ${esc(meta.runId)}. Every figure in this report comes from run.json and results.jsonl in the run directory.</footer>`,
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="generator" content="afalg-harness">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    `<body class="verdict-is-${report.verdict}">`,
    ...body.filter((part) => part !== ''),
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
