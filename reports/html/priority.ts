/**
 * report.html's qualification (drivers-spec) and priority-selection sections.
 */
import type { RunSummary } from '../../harness/results/summary.js';
import type { PriorityCandidate, PriorityTable } from '../../harness/results/priority-verdicts.js';
import type { SpecVerdict } from '../../harness/spec/drivers-spec.js';
import { candidateCorrectness, formatMb } from '../format.js';
import { slugOf } from '../throughput-charts.js';
import { SEVERITY_ORDER, severityBadge, table, verdictItem } from './elements.js';
import { esc } from '../format.js';
import { specCountText } from '../../harness/spec/spec-format.js';

export function specHtml(spec: SpecVerdict): string {
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

export function asyncCell(candidate: PriorityCandidate): string {
  const parts = [candidate.async === undefined ? '—' : candidate.async ? 'async' : 'sync'];
  if (candidate.accelerator) parts.push('<span class="tag accel">accelerator</span>');
  return parts.join(' ');
}

export function correctnessCell(candidate: Pick<PriorityCandidate, 'correct' | 'failed'>): string {
  const text = esc(candidateCorrectness(candidate));
  if (candidate.correct === true) return `<span class="ok">${text}</span>`;
  if (candidate.correct === false) return `<span class="bad">${text}</span>`;
  return `<span class="muted">${text}</span>`;
}

export function priorityTableHtml(priority: PriorityTable): string {
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

export function priorities(summary: RunSummary): string {
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
