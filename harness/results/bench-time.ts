/**
 * Where a bench's time went, from its results lines alone: per engine and data path the requests,
 * points and repetitions, the time measured (the repetitions themselves), the wall time of the
 * requests and so what the rest cost (warm-ups, the round trip, bind/accept, starting the C
 * program); why adaptive points stopped; then each tcrypt run. Pure.
 */
import type { BenchLine, TcryptLine } from './result-model.js';

export interface BenchTimeRow {
  /** 'agent copy', 'agent zerocopy', 'c-reference copy' */
  what: string;
  requests: number;
  points: number;
  repetitions: number;
  /** the repetitions' own time, seconds */
  measuredSeconds: number;
  /** wall time of the requests (undefined in runs that did not record it), seconds */
  wallSeconds?: number;
  /** points per stop reason (adaptive runs) */
  stopped: Record<string, number>;
}

export interface BenchTime {
  rows: BenchTimeRow[];
  tcrypt: Array<{ params: string; seconds: number; figures: number }>;
}

export function benchTime(bench: readonly BenchLine[], tcrypt: readonly TcryptLine[]): BenchTime {
  const rows = new Map<string, BenchTimeRow>();
  for (const line of bench) {
    const what = `${line.engine} ${line.path}`;
    let row = rows.get(what);
    if (!row) rows.set(what, (row = { what, requests: 0, points: 0, repetitions: 0, measuredSeconds: 0, stopped: {} }));
    row.requests++;
    row.points += line.points.length;
    for (const point of line.points) {
      row.repetitions += point.repetitions.length;
      row.measuredSeconds += point.repetitions.reduce((sum, repetition) => sum + repetition.ns, 0) / 1e9;
      if (point.stopped) row.stopped[point.stopped] = (row.stopped[point.stopped] ?? 0) + 1;
    }
    if (line.seconds !== undefined) row.wallSeconds = (row.wallSeconds ?? 0) + line.seconds;
  }
  return {
    rows: [...rows.values()].sort((a, b) => (a.what < b.what ? -1 : a.what > b.what ? 1 : 0)),
    tcrypt: tcrypt.map((line) => ({ params: line.params.join(' '), seconds: line.seconds, figures: line.figures.length })),
  };
}

/** The breakdown as text lines (npm run bench:main). */
export function benchTimeLines(time: BenchTime): string[] {
  const out: string[] = [];
  for (const row of time.rows) {
    const wall = row.wallSeconds !== undefined ? `${row.wallSeconds.toFixed(1)} s wall, ${(row.wallSeconds - row.measuredSeconds).toFixed(1)} s besides the repetitions` : 'wall time not recorded';
    const perRequest = row.wallSeconds !== undefined && row.requests > 0 ? `, ${((row.wallSeconds - row.measuredSeconds) / row.requests).toFixed(2)} s per request` : '';
    const stops = Object.entries(row.stopped).map(([reason, count]) => `${reason} ${count}`).join(', ');
    out.push(
      `  ${row.what.padEnd(18)} ${String(row.requests).padStart(3)} requests, ${String(row.points).padStart(4)} points, ${String(row.repetitions).padStart(5)} repetitions: ` +
        `${row.measuredSeconds.toFixed(1)} s measured, ${wall}${perRequest}${stops ? `; stopped: ${stops}` : ''}`,
    );
  }
  for (const run of time.tcrypt) out.push(`  tcrypt ${run.params.padEnd(24)} ${run.seconds.toFixed(1)} s in the kernel, ${run.figures} figures kept`);
  return out;
}
