/**
 * report.html's inline style sheet, its one inline script (print expands folded sections) and the Content-Security-Policy.
 */

export const STYLE = `
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
export const SCRIPT = `
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

export const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";
