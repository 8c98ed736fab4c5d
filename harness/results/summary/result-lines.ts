/** The lines of results.jsonl sorted by kind, with the rule that decides which incidents a resume recovered. */
import type { BenchLine, HangLine, IncidentLine, KernelEventLine, ResultLine, SkipLine, TallyLine, TcryptLine, UnbindableLine, UnusableLine } from '../result-model.js';

export interface LinesByKind {
  tallies: TallyLine[];
  skips: SkipLine[];
  unusable: UnusableLine[];
  unbindable: UnbindableLine[];
  /** incidents that fail the run */
  incidents: IncidentLine[];
  /** link losses before the last resume: listed, not failures */
  recovered: IncidentLine[];
  hangs: HangLine[];
  kernelEvents: KernelEventLine[];
  bench: BenchLine[];
  tcrypt: TcryptLine[];
  /** algorithms of the vector run (a bench-only run has none) */
  algorithmsInRun: Set<string>;
}

/** Link incidents before the last `resumed` line: that attempt's loss was recovered from. */
function recoveredIncidents(lines: readonly ResultLine[]): IncidentLine[] {
  const lastResume = lines.reduce((at, line, index) => (line.kind === 'resumed' ? index : at), -1);
  const recovered: IncidentLine[] = [];
  lines.forEach((line, index) => {
    if (line.kind === 'incident' && line.link && index < lastResume) recovered.push(line);
  });
  return recovered;
}

export function linesByKind(lines: readonly ResultLine[]): LinesByKind {
  const recovered = recoveredIncidents(lines);
  const sorted: LinesByKind = { tallies: [], skips: [], unusable: [], unbindable: [], incidents: [], recovered, hangs: [], kernelEvents: [], bench: [], tcrypt: [], algorithmsInRun: new Set() };
  for (const line of lines) {
    switch (line.kind) {
      case 'tally':
        sorted.tallies.push(line);
        break;
      case 'skip':
        sorted.skips.push(line);
        break;
      case 'unusable':
        sorted.unusable.push(line);
        break;
      case 'unbindable':
        sorted.unbindable.push(line);
        break;
      case 'incident':
        if (!recovered.includes(line)) sorted.incidents.push(line);
        break;
      case 'hang':
        sorted.hangs.push(line);
        break;
      case 'kernel-event':
        sorted.kernelEvents.push(line);
        break;
      case 'bench':
        sorted.bench.push(line);
        break;
      case 'tcrypt':
        sorted.tcrypt.push(line);
        break;
    }
    if ((line.kind === 'tally' || line.kind === 'skip' || line.kind === 'unusable' || line.kind === 'unbindable' || line.kind === 'incident' || line.kind === 'hang') && line.algorithm !== undefined) sorted.algorithmsInRun.add(line.algorithm);
  }
  return sorted;
}
