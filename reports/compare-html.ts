/**
 * `afalg-harness compare --html FILE`: the comparison as one self-contained page (inline styles, no
 * script, a Content-Security-Policy that loads nothing), in report.html's look: the runs, the
 * changes from each run to the next, and every algorithm side by side with what moved marked.
 */
import { changeSentence, type Change, type ComparedAlgorithm, type RunComparison } from '../harness/results/run-comparison.js';
import { driverCellText, genericCellText } from './compare-cells.js';
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
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0 1em; font-size: 0.9rem; }
th, td { text-align: left; padding: 5px 9px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--bg-soft); border-bottom: 2px solid var(--line); font-weight: 600; }
td.changed { background: var(--warn-bg); }
td.absent { color: var(--muted); }
td.fail { background: var(--fail-bg); color: var(--fail); font-weight: 600; }
ul.changes { list-style: none; padding: 0; }
ul.changes li { margin: 0.2em 0; }
.badge { display: inline-block; min-width: 6.5em; padding: 0.05em 0.5em; border-radius: 4px; font-size: 0.72rem; font-weight: 700; text-transform: uppercase; text-align: center; margin-right: 0.5em; }
.kind-appeared { background: var(--pass-bg); color: var(--pass); } .kind-vanished { background: var(--fail-bg); color: var(--fail); }
.kind-binding, .kind-priority { background: var(--info-bg); color: var(--info); }
.kind-verdict, .kind-selftest, .kind-throughput { background: var(--warn-bg); color: var(--warn); }
footer { margin-top: 3em; color: var(--muted); font-size: 0.85rem; }
`;

function changeItem(change: Change): string {
  return `<li><span class="badge kind-${change.kind}">${change.kind}</span>${esc(changeSentence(change))}</li>`;
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

function algorithmSection(compared: ComparedAlgorithm, heads: string): string {
  const generic = `<tr><th scope="row"><em>generic name</em></th>${cells(compared.generic.map(genericCellText), compared.generic.map((cell) => cell?.verdict === 'fail'))}</tr>`;
  const drivers = compared.drivers.map((driver) => `<tr><th scope="row">${esc(driver.driver)}</th>${cells(driver.runs.map(driverCellText), driver.runs.map((cell) => cell?.verdict === 'fail' || cell?.verdict === 'hang'))}</tr>`);
  return [`<h3 id="alg-${esc(compared.algorithm.replace(/[^A-Za-z0-9_-]/g, '_'))}">${esc(compared.algorithm)}${compared.afalgType ? ` <span class="muted">${esc(compared.afalgType)}</span>` : ''}</h3>`, `<table><thead><tr><th>driver</th>${heads}</tr></thead><tbody>`, generic, ...drivers, '</tbody></table>'].join('\n');
}

export function renderComparisonHtml(comparison: RunComparison): string {
  const { runs, changes, algorithms } = comparison;
  const title = `Crypto drivers across ${plural(runs.length, 'run')}: ${runs.map((run) => run.label).join(' / ')}`;
  const heads = runs.map((run, index) => `<th>[${index + 1}] ${esc(run.label)}</th>`).join('');
  const steps = runs.slice(1).map((_, step) => {
    const list = changes.filter((change) => change.to === step + 1);
    return `<h3>[${step + 1}] → [${step + 2}]: ${list.length === 0 ? 'no change' : plural(list.length, 'change')}</h3>${list.length > 0 ? `\n<ul class="changes">\n${list.map(changeItem).join('\n')}\n</ul>` : ''}`;
  });
  const runRows = runs.map((run, index) => `<tr><td>[${index + 1}]</td><td>${esc(run.board)}</td><td>${esc(run.kernelRelease)}</td><td>${esc(run.arch)}</td><td>${esc(run.runId)}</td><td>${esc(run.verdict)}</td></tr>`);
  return [
    ...documentHead(title, CSP, STYLE),
    '<body>',
    `<h1>${esc(title)}</h1>`,
    '<table id="runs"><thead><tr><th></th><th>board</th><th>kernel</th><th>arch</th><th>run</th><th>verdict</th></tr></thead><tbody>',
    ...runRows,
    '</tbody></table>',
    '<section id="changes"><h2>Changes</h2>',
    ...steps,
    '</section>',
    '<section id="side-by-side"><h2>Side by side</h2>',
    '<p class="muted">Cells: priority · vectors · MB/s at 4 KiB; the generic name: → the driver it binds; — not in that kernel. A marked cell differs from the run before it.</p>',
    ...algorithms.map((compared) => algorithmSection(compared, heads)),
    '</section>',
    '<footer>Generated by afalg-harness from the run.json and results.jsonl of each run directory.</footer>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
