/**
 * report.html's small pieces: escaping, inline SVG, severity badges, tables, row labels.
 */
import type { SummaryRow } from '../../harness/results/summary.js';
import type { PriorityVerdict, Severity } from '../../harness/results/priority-verdicts.js';
import { esc, executorNote } from '../format.js';

/** Failures listed per algorithm × target; the rest are counted. */
export const HTML_MAX_FAILURES_PER_ROW = 200;
/** Failures listed in the whole page. */
export const HTML_MAX_FAILURES = 1000;
/** hex digits shown before the full value moves into a <details> */
export const HEX_WINDOW = 64;

/** An SVG from the chart module, ready to inline in HTML (namespaces are implied there). */
export function inlineSvg(svg: string): string {
  return svg.replace(/^<svg([^>]*)>/, (_whole, attributes: string) => `<svg${attributes.replace(/\s+xmlns(:xlink)?="[^"]*"/g, '')}>`);
}

export const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

export function severityBadge(severity: Severity): string {
  return `<span class="badge sev-${severity}">${severity}</span>`;
}

export function verdictItem(verdict: PriorityVerdict, withAlgorithm: boolean): string {
  return `<li class="verdict-item sev-${verdict.severity}">${severityBadge(verdict.severity)} ${withAlgorithm ? `<strong>${esc(verdict.algorithm)}</strong>: ` : ''}${esc(verdict.message)}</li>`;
}

export function table(headers: string[], rows: string[][], options: { className?: string; numeric?: number[]; caption?: string } = {}): string {
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

export function rowLabel(row: Pick<SummaryRow, 'target' | 'generic' | 'boundDriver' | 'executor'>): string {
  return row.generic ? `${esc(row.target)} <span class="muted">(generic → ${esc(row.boundDriver ?? 'unproved driver')})</span>` : `${esc(row.target)}${row.executor ? ` <span class="muted">${esc(executorNote(row).trim())}</span>` : ''}`;
}

/** The head of a self-contained page: no network (the Content-Security-Policy given), the style inline. */
export function documentHead(title: string, csp: string, style: string): string[] {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="generator" content="afalg-harness">',
    `<title>${esc(title)}</title>`,
    `<style>${style}</style>`,
    '</head>',
  ];
}
