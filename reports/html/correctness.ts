/**
 * report.html's correctness matrix, the failures it links to, and the notes (skips, unusable files, unbindable drivers, hangs, incidents).
 */
import { afalgReachText, type CaseFailure } from '../../harness/results/result-model.js';
import { type RunMeta } from '../../harness/results/run-record.js';
import { describeHang, describeKernelEventSummary, hangAftermath, outcomeText, type RunSummary, type SummaryRow } from '../../harness/results/summary.js';
import { hexPair, plural, rerunCommand, STRATEGY_MEANINGS, strategiesNote } from '../format.js';
import { slugOf } from '../throughput-charts.js';
import { HEX_WINDOW, HTML_MAX_FAILURES, HTML_MAX_FAILURES_PER_ROW, rowLabel, table } from './elements.js';
import { esc } from '../format.js';

export function failureAnchors(summary: RunSummary): Map<SummaryRow, string> {
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

export function matrixCell(row: SummaryRow, anchor: string | undefined): string {
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

export function correctness(summary: RunSummary, meta: RunMeta, anchors: Map<SummaryRow, string>): string {
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

export function hexValue(label: string, window: string | undefined, full: string | undefined): string {
  if (window === undefined || full === undefined) return '';
  const shown = `<code class="hex">${esc(window)}</code>`;
  if (full.length <= HEX_WINDOW) return `<dt>${label}</dt><dd>${shown}</dd>`;
  return `<dt>${label}</dt><dd>${shown}<details class="full-hex"><summary>full value (${Math.floor(full.length / 2)} bytes)</summary><code class="hex">${esc(full)}</code></details></dd>`;
}

export function failureHtml(failure: CaseFailure, id: string, rerun: string): string {
  const bytes = hexPair(failure.expected, failure.got);
  const facts: string[] = [
    `<dt>Source</dt><dd class="mono">${esc(failure.source)}</dd>`,
    `<dt>Case</dt><dd><strong>${esc(failure.case)}</strong></dd>`,
    `<dt>Strategy</dt><dd>${esc(failure.strategy)} <span class="muted">(${esc(STRATEGY_MEANINGS[failure.strategy])})</span></dd>`,
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
  facts.push(`<dt>Rerun</dt><dd><code class="mono">${esc(rerun)}</code></dd>`);
  const title = `${failure.source} ${failure.case} [${failure.strategy}]${failure.op ? ` ${failure.op}` : ''}`;
  return `<div class="failure" id="${id}"><h4>${esc(title)}</h4><dl class="kv">${facts.join('')}</dl></div>`;
}

export function failures(summary: RunSummary, anchors: Map<SummaryRow, string>, meta: Pick<RunMeta, 'settings'>): string {
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
      row.failures.slice(0, listed).forEach((failure, index) => out.push(failureHtml(failure, `${anchor}-${index + 1}`, rerunCommand(meta, row, failure))));
      if (row.failures.length > listed) out.push(`<p class="muted">… and ${row.failures.length - listed} more for this target (results.jsonl holds every one with its bytes).</p>`);
      out.push('</article>');
    }
  }
  out.push('</section>');
  return out.join('\n');
}

export function notes(summary: RunSummary): string {
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
  if (summary.kernelEvents.length > 0) {
    any = true;
    out.push('<h3 id="kernel-reports">Kernel reports</h3>');
    out.push('<p class="muted">What the target\'s kernel printed during the run, with the request it came during; a crash or a WARNING during a request fails the run. The kernel\'s text is folded under each.</p>');
    const items = summary.kernelEvents.map((event) => {
      const taint = event.taint && event.taint.length > 0 ? ` <span class="muted">(taint ${esc(event.taint.join(''))})</span>` : '';
      return `<li class="${event.failing ? 'bad-border' : ''}"><strong>${esc(describeKernelEventSummary(event))}</strong>${taint}<details class="kernel-text"><summary>kernel text (${event.text.split('\n').length} lines)</summary><pre>${esc(event.text)}</pre></details></li>`;
    });
    out.push(`<ul class="incidents">${items.join('')}</ul>`);
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
