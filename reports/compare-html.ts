/**
 * `afalg-harness compare --html FILE`: the comparison as one self-contained page (inline styles, no
 * script, a Content-Security-Policy that loads nothing), in report.html's look, for handing a kernel
 * move to someone: the runs, a count of the changes by kind and step (each a link), the changes of
 * each step grouped by kind (compare-outline.ts), the tested algorithms side by side with what moved
 * marked, the untested ones that changed folded away, and the names of the rest.
 */
import { changeSentence, runVerdictText, type Change, type ComparedAlgorithm, type RunComparison } from '../harness/results/run-comparison.js';
import { driverCellText, genericCellText } from './compare-cells.js';
import { changeCounts, runsLine, splitAlgorithms, stepGroups } from './compare-outline.js';
import { plural } from './format.js';
// esc lives in html.ts (report.html's escaping); it belongs in format.ts once both are merged
import { esc } from './format.js';
import { documentHead } from './html/elements.js';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const STYLE = `
:root { --fg: #1d2330; --muted: #5f6b7a; --line: #d9dee5; --bg-soft: #f5f7fa; --pass: #1a7f37; --pass-bg: #e6f4ea; --fail: #c62828; --fail-bg: #fdecea;
  --warn: #b26a00; --warn-bg: #fff4e0; --info: #1f5fbf; --info-bg: #e8f0fc; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 28px 32px 60px; color: var(--fg); background: #fff; line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif; }
h1 { font-size: 1.9rem; margin: 0.1em 0 0.4em; }
h2 { font-size: 1.4rem; margin: 2em 0 0.6em; padding-bottom: 0.25em; border-bottom: 2px solid var(--fg); }
h3 { font-size: 1.1rem; margin: 1.4em 0 0.4em; }
h4 { font-size: 0.95rem; margin: 1em 0 0.2em; }
p.runs { margin-top: 0; font-size: 1.05rem; }
table.glance { width: auto; } table.glance td.count { text-align: right; min-width: 6em; }
table.side { table-layout: fixed; } table.side th:first-child { width: 24%; overflow-wrap: anywhere; }
details > summary { cursor: pointer; font-weight: 600; margin: 1em 0; }
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0 1em; font-size: 0.9rem; }
th, td { text-align: left; padding: 5px 9px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--bg-soft); border-bottom: 2px solid var(--line); font-weight: 600; }
td.changed { background: var(--warn-bg); }
td.verdict-pass { color: var(--pass); font-weight: 600; } td.verdict-fail, td.verdict-incomplete { color: var(--fail); font-weight: 600; }
td.absent { color: var(--muted); }
td.fail { background: var(--fail-bg); color: var(--fail); font-weight: 600; }
ul.changes { list-style: none; padding: 0; }
ul.changes li { margin: 0.2em 0; }
.badge { display: inline-block; min-width: 6.5em; padding: 0.05em 0.5em; border-radius: 4px; font-size: 0.72rem; font-weight: 700; text-transform: uppercase; text-align: center; margin-right: 0.5em; }
.kind-appeared { background: var(--pass-bg); color: var(--pass); } .kind-vanished { background: var(--fail-bg); color: var(--fail); }
.kind-reach { background: var(--fail-bg); color: var(--fail); }
.kind-binding, .kind-priority { background: var(--info-bg); color: var(--info); }
.kind-verdict, .kind-selftest, .kind-throughput { background: var(--warn-bg); color: var(--warn); }
footer { margin-top: 3em; color: var(--muted); font-size: 0.85rem; }
`;

function changeItem(change: Change): string {
  return `<li>${esc(changeSentence(change))}</li>`;
}

/** A row of run cells, each marked when it differs from the run before, is absent, or failed. */
function cells(texts: string[], failed: boolean[]): string {
  return texts
    .map((text, run) => {
      const classes = [text === '—' ? 'absent' : '', failed[run] ? 'fail' : '', run > 0 && text !== texts[run - 1] ? 'changed' : ''].filter(Boolean);
      return `<td${classes.length > 0 ? ` class="${classes.join(' ')}"` : ''}>${esc(text)}</td>`;
    })
    .join('');
}

function algorithmSection(compared: ComparedAlgorithm, heads: string, tested: boolean): string {
  const generic = `<tr><th scope="row"><em>generic name</em></th>${cells(compared.generic.map((cell) => genericCellText(cell, tested)), compared.generic.map((cell) => cell?.verdict === 'fail'))}</tr>`;
  const drivers = compared.drivers.map((driver) => `<tr><th scope="row">${esc(driver.driver)}</th>${cells(driver.runs.map((cell) => driverCellText(cell, tested)), driver.runs.map((cell) => cell?.verdict === 'fail' || cell?.verdict === 'hang'))}</tr>`);
  return [`<h3 id="alg-${esc(compared.algorithm.replace(/[^A-Za-z0-9_-]/g, '_'))}">${esc(compared.algorithm)}${compared.afalgType ? ` <span class="muted">${esc(compared.afalgType)}</span>` : ''}</h3>`, `<table class="side"><thead><tr><th>driver</th>${heads}</tr></thead><tbody>`, generic, ...drivers, '</tbody></table>'].join('\n');
}

/** The count of each kind of change per step, each count a link to its list. */
function glance(comparison: RunComparison): string[] {
  const counts = changeCounts(comparison);
  if (counts.length === 0) return ['<p>No change between the runs.</p>'];
  const steps = comparison.runs.slice(1).map((_, index) => `<th>[${index + 1}] → [${index + 2}]</th>`).join('');
  const rows = counts.map((entry) => {
    const tds = entry.counts.map((count, index) => `<td class="count">${count === 0 ? '<span class="muted">—</span>' : `<a href="#step-${index + 1}-${entry.kind}">${count}</a>`}</td>`).join('');
    return `<tr><th scope="row"><span class="badge kind-${entry.kind}">${entry.kind}</span>${esc(entry.title)}</th>${tds}</tr>`;
  });
  return ['<table class="glance"><thead><tr><th>changes</th>', steps, '</tr></thead><tbody>', ...rows, '</tbody></table>'];
}

function stepSection(comparison: RunComparison, to: number): string {
  const groups = stepGroups(comparison, to);
  const count = groups.reduce((sum, group) => sum + group.changes.length, 0);
  const heading = `<h3 id="step-${to}">[${to}] ${esc(comparison.runs[to - 1]?.label ?? '')} → [${to + 1}] ${esc(comparison.runs[to]?.label ?? '')}: ${count === 0 ? 'no change' : plural(count, 'change')}</h3>`;
  const lists = groups.map((group) => `<h4 id="step-${to}-${group.kind}"><span class="badge kind-${group.kind}">${group.kind}</span>${esc(group.title)} (${group.changes.length})</h4>\n<ul class="changes">\n${group.changes.map(changeItem).join('\n')}\n</ul>`);
  return [heading, ...lists].join('\n');
}

function sideBySide(comparison: RunComparison, heads: string): string[] {
  const split = splitAlgorithms(comparison);
  const out = ['<section id="side-by-side"><h2>Side by side: the algorithms the runs tested</h2>', '<p class="muted">Cells: priority · vectors · MB/s at 4 KiB; the generic name: → the driver it binds; — not in that kernel. A marked cell differs from the run before it.</p>'];
  out.push(...split.tested.map((compared) => algorithmSection(compared, heads, true)));
  if (split.changedUntested.length > 0) {
    out.push(`<details><summary>${plural(split.changedUntested.length, 'algorithm')} the runs discovered but did not test, that changed (priorities and bindings)</summary>`);
    out.push(...split.changedUntested.map((compared) => algorithmSection(compared, heads, false)), '</details>');
  }
  if (split.sameUntested.length > 0) out.push(`<p class="muted">The same in every run (discovered, not tested): ${esc(split.sameUntested.map((compared) => compared.algorithm).join(', '))}.</p>`);
  return [...out, '</section>'];
}

export function renderComparisonHtml(comparison: RunComparison): string {
  const { runs } = comparison;
  const title = `Crypto drivers across ${plural(runs.length, 'run')}`;
  const heads = runs.map((run, index) => `<th>[${index + 1}] ${esc(run.label)}</th>`).join('');
  const runRows = runs.map((run, index) => `<tr><td>[${index + 1}]</td><td>${esc(run.board)}</td><td>${esc(run.kernelRelease)}</td><td>${esc(run.arch)}</td><td>${esc(run.runId)}</td><td class="verdict-${run.verdict}">${esc(runVerdictText(run))}</td></tr>`);
  return [
    ...documentHead(`${title}: ${runsLine(comparison)}`, CSP, STYLE),
    '<body>',
    `<h1>${esc(title)}</h1>`,
    `<p class="runs">${esc(runsLine(comparison))}</p>`,
    '<table id="runs"><thead><tr><th></th><th>board</th><th>kernel</th><th>arch</th><th>run</th><th>verdict</th></tr></thead><tbody>',
    ...runRows,
    '</tbody></table>',
    '<section id="glance"><h2>At a glance</h2>',
    ...glance(comparison),
    '</section>',
    '<section id="changes"><h2>Changes</h2>',
    ...runs.slice(1).map((_, index) => stepSection(comparison, index + 1)),
    '</section>',
    ...sideBySide(comparison, heads),
    '<footer>Generated by afalg-harness from the run.json and results.jsonl of each run directory.</footer>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
