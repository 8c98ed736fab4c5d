/**
 * Evaluation of a drivers-spec against a run: each requirement met or not, with the evidence found
 * in the run's summary and discovery. Pure.
 */
import { matchesAny } from '../plan/name-pattern.js';
import type { BenchOp } from '../protocol/messages.js';
import { priorityTable, type PriorityTable } from '../results/priority-verdicts.js';
import type { DiscoveredAlgorithmSummary, RunMeta } from '../results/run-record.js';
import type { RunSummary, SummaryRow } from '../results/summary.js';
import { alternatives, formatMb, formatSize, listed, requirementText } from './spec-format.js';
import type {
  DriversSpec,
  MinPriorityRequirement,
  MinThroughputRequirement,
  NoCriticalVerdictsRequirement,
  PassesVectorsRequirement,
  RequirementResult,
  ServedByRequirement,
  SpecVerdict,
} from './spec-model.js';

const matches = (name: string, patterns: string | undefined): boolean => patterns === undefined || matchesAny(name, alternatives(patterns));

interface Context {
  summary: RunSummary;
  meta: RunMeta;
  discovered: Map<string, DiscoveredAlgorithmSummary>;
}

/** Who serves an algorithm's generic name: the run's priority table, or one built from discovery alone. */
function tableFor(context: Context, algorithm: string): PriorityTable | undefined {
  const table = context.summary.priorities.find((one) => one.algorithm === algorithm);
  if (table) return table;
  const found = context.discovered.get(algorithm);
  return found ? priorityTable(found, () => ({})) : undefined;
}

/** Every algorithm's table: the run's, then discovery's for the rest (a run narrowed by --alg). */
function allTables(context: Context): PriorityTable[] {
  const known = new Set(context.summary.priorities.map((table) => table.algorithm));
  const extra = context.meta.discovery.filter((algorithm) => !known.has(algorithm.name)).map((algorithm) => priorityTable(algorithm, () => ({})));
  return [...context.summary.priorities, ...extra];
}

/** `served by cbc-aes-aesni (priority 400)`, or why nothing can be said. */
function servedEvidence(table: PriorityTable | undefined, algorithm: string): { driver?: string; priority?: number; text: string } {
  if (!table) return { text: `${algorithm} is not on this target (discovery did not list it)` };
  if (table.selected === undefined) return { text: `no driver serves ${algorithm} (none passed its self-test)` };
  const priority = table.candidates.find((candidate) => candidate.driver === table.selected)?.priority;
  const notes = [priority !== undefined ? `priority ${priority}` : undefined, table.selectedHow === 'inferred' ? 'inferred from priorities, not proved by binding' : undefined].filter(
    (part): part is string => part !== undefined,
  );
  return { driver: table.selected, ...(priority !== undefined ? { priority } : {}), text: `served by ${table.selected}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}` };
}

function evaluateServedBy(requirement: ServedByRequirement, context: Context): Pick<RequirementResult, 'met' | 'evidence'> {
  const table = tableFor(context, requirement.algorithm);
  const served = servedEvidence(table, requirement.algorithm);
  const met = served.driver !== undefined && matches(served.driver, requirement.driver);
  if (met || !table) return { met, evidence: served.text };
  const wanted = table.candidates.filter((candidate) => matches(candidate.driver, requirement.driver) && candidate.driver !== served.driver);
  const others =
    wanted.length > 0
      ? `; matching but not selected: ${listed(wanted.map((candidate) => `${candidate.driver} (priority ${candidate.priority}${candidate.selftest !== 'passed' ? `, selftest ${candidate.selftest}` : ''})`))}`
      : `; no driver matching ${alternatives(requirement.driver).join(' or ')} is registered for ${requirement.algorithm}`;
  return { met: false, evidence: `${served.text}${others}` };
}

function evaluateMinPriority(requirement: MinPriorityRequirement, context: Context): Pick<RequirementResult, 'met' | 'evidence'> {
  const served = servedEvidence(tableFor(context, requirement.algorithm), requirement.algorithm);
  if (served.driver === undefined) return { met: false, evidence: served.text };
  if (served.priority === undefined) return { met: false, evidence: `${served.text}; its priority is unknown` };
  const met = served.priority >= requirement.priority;
  return { met, evidence: met ? served.text : `${served.text}, below ${requirement.priority}` };
}

function executionsOf(row: SummaryRow): number {
  return row.passed + row.failed + row.acceptable;
}

function evaluatePassesVectors(requirement: PassesVectorsRequirement, context: Context): Pick<RequirementResult, 'met' | 'evidence'> {
  const { summary, meta } = context;
  const selected: Array<{ algorithm: string; driver: string; bind?: string }> = [];
  for (const algorithm of meta.discovery) {
    if (!matches(algorithm.name, requirement.algorithm)) continue;
    for (const driver of algorithm.drivers) {
      if (driver.internal || !matches(driver.driver, requirement.driver) || !matches(driver.module, requirement.module)) continue;
      selected.push({ algorithm: algorithm.name, driver: driver.driver, ...(driver.bind !== undefined ? { bind: driver.bind } : {}) });
    }
  }
  if (selected.length === 0) return { met: false, evidence: 'no driver matched' };
  // an algorithm is covered when vectors ran for it (some target has results) or a driver could not
  // be bound; an algorithm the harness has no vectors for is listed as not covered, not as failing
  const covered = new Set([...summary.rows.filter((row) => row.ran).map((row) => row.algorithm), ...summary.unbindable.map((line) => line.algorithm)]);
  const inRun = selected.filter((one) => covered.has(one.algorithm));
  const outside = selected.filter((one) => !covered.has(one.algorithm));
  const outsideNote = outside.length > 0 ? `; not covered (no vectors for their algorithm in this run): ${listed(outside.map((one) => `${one.driver} (${one.algorithm})`))}` : '';
  if (inRun.length === 0) return { met: false, evidence: `no driver matched had vector results${outsideNote}` };

  const passed: string[] = [];
  const problems: string[] = [];
  for (const one of inRun) {
    const row = summary.rows.find((candidate) => !candidate.generic && candidate.algorithm === one.algorithm && candidate.target === one.driver);
    const where = `${one.driver} (${one.algorithm})`;
    if (row) {
      const executions = executionsOf(row);
      if (!row.ran || executions === 0) problems.push(`${where}: not run`);
      else if (row.failed > 0) problems.push(`${where}: ${row.failed} failed of ${executions}`);
      else passed.push(`${one.driver} ${row.passed + row.acceptable}/${executions}`);
      continue;
    }
    const unbindable = summary.unbindable.find((line) => line.algorithm === one.algorithm && line.target === one.driver);
    if (unbindable) problems.push(`${where}: cannot be bound (${unbindable.error})`);
    else if (one.bind !== undefined && one.bind !== 'ok') problems.push(`${where}: cannot be bound (${one.bind})`);
    else problems.push(`${where}: not run`);
  }
  if (problems.length > 0) {
    const passedNote = passed.length > 0 ? `; ${passed.length} passed` : '';
    return { met: false, evidence: `${problems.length} of ${inRun.length} ${inRun.length === 1 ? 'driver' : 'drivers'} did not pass: ${listed(problems)}${passedNote}${outsideNote}` };
  }
  return { met: true, evidence: `${inRun.length === 1 ? 'the driver' : `all ${inRun.length} drivers`} passed every vector: ${listed(passed)}${outsideNote}` };
}

/** The operation measured: the requirement's, else digest for a hash (by discovery, or by what was measured), else encrypt. */
function throughputOp(requirement: MinThroughputRequirement, context: Context): BenchOp {
  if (requirement.op !== undefined) return requirement.op;
  const ofAlgorithm = context.summary.bench?.series.filter((one) => one.algorithm === requirement.algorithm && one.engine === 'agent') ?? [];
  const isHash = context.discovered.get(requirement.algorithm)?.afalgType === 'hash' || (ofAlgorithm.length > 0 && ofAlgorithm.every((one) => one.op === 'digest'));
  return isHash ? 'digest' : 'encrypt';
}

function evaluateMinThroughput(requirement: MinThroughputRequirement, context: Context): Pick<RequirementResult, 'met' | 'evidence'> {
  const bench = context.summary.bench;
  if (!bench || bench.series.length === 0) return { met: false, evidence: 'not measured (run with --bench)' };
  const path = requirement.path ?? 'copy';
  const target = requirement.target ?? 'generic';
  const ofAlgorithm = bench.series.filter((one) => one.algorithm === requirement.algorithm && one.engine === 'agent');
  const op = throughputOp(requirement, context);
  const through = target === 'generic' ? 'through the generic name' : `on ${alternatives(target).join(' or ')}`;
  const series = ofAlgorithm.filter((one) => one.op === op && one.path === path && (target === 'generic' ? one.generic : !one.generic && matches(one.target, target)));
  if (series.length === 0) return { met: false, evidence: `not measured: no ${path}-path ${op} figures for ${requirement.algorithm} ${through} (run with --bench, covering ${requirement.algorithm})` };
  const parts: string[] = [];
  let met = true;
  for (const one of series) {
    const label = one.generic ? `${one.target} → ${one.driver ?? 'unproved driver'}` : one.target;
    const point = one.points.find((candidate) => candidate.size === requirement.size);
    if (!point || !Number.isFinite(point.mbPerSecond)) {
      met = false;
      parts.push(`${label}: not measured at ${formatSize(requirement.size)} (sizes measured: ${one.points.map((candidate) => formatSize(candidate.size)).join(', ')})`);
      continue;
    }
    const enough = point.mbPerSecond >= requirement.mbPerSecond;
    if (!enough) met = false;
    parts.push(`${label}: ${formatMb(point.mbPerSecond)} MB/s ${op} at ${formatSize(requirement.size)}${enough ? '' : `, below ${requirement.mbPerSecond}`}`);
  }
  return { met, evidence: parts.join('; ') };
}

function evaluateNoCriticalVerdicts(requirement: NoCriticalVerdictsRequirement, context: Context): Pick<RequirementResult, 'met' | 'evidence'> {
  const tables = allTables(context).filter((table) => matches(table.algorithm, requirement.algorithm));
  if (tables.length === 0) return { met: false, evidence: `no algorithm matching ${alternatives(requirement.algorithm ?? '*').join(' or ')} on this target` };
  const verdicts = tables.flatMap((table) => table.verdicts);
  const critical = verdicts.filter((verdict) => verdict.severity === 'critical');
  const scope = tables.length === 1 ? (tables[0] as PriorityTable).algorithm : `${tables.length} algorithms`;
  if (critical.length > 0) {
    const shown = critical.slice(0, 3).map((verdict) => `${verdict.algorithm}: ${verdict.message}`);
    const more = critical.length > shown.length ? `; and ${critical.length - shown.length} more` : '';
    return { met: false, evidence: `${critical.length} critical ${critical.length === 1 ? 'verdict' : 'verdicts'}: ${shown.join('; ')}${more}` };
  }
  const warnings = verdicts.filter((verdict) => verdict.severity === 'warning').length;
  const infos = verdicts.filter((verdict) => verdict.severity === 'info').length;
  const others = [warnings > 0 ? `${warnings} warning` : undefined, infos > 0 ? `${infos} info` : undefined].filter((part) => part !== undefined);
  return { met: true, evidence: `no critical verdict for ${scope}${others.length > 0 ? ` (${others.join(', ')})` : ''}` };
}

/** Every requirement met or not, with what was found. Pure. */
export function evaluateSpec(spec: DriversSpec, summary: RunSummary, meta: RunMeta): SpecVerdict {
  const context: Context = { summary, meta, discovered: new Map(meta.discovery.map((algorithm) => [algorithm.name, algorithm])) };
  const results = spec.requirements.map((requirement): RequirementResult => {
    let outcome: Pick<RequirementResult, 'met' | 'evidence'>;
    switch (requirement.kind) {
      case 'served-by':
        outcome = evaluateServedBy(requirement, context);
        break;
      case 'passes-vectors':
        outcome = evaluatePassesVectors(requirement, context);
        break;
      case 'min-priority':
        outcome = evaluateMinPriority(requirement, context);
        break;
      case 'min-throughput':
        outcome = evaluateMinThroughput(requirement, context);
        break;
      case 'no-critical-verdicts':
        outcome = evaluateNoCriticalVerdicts(requirement, context);
        break;
    }
    const text = requirement.kind === 'min-throughput' ? requirementText(requirement, throughputOp(requirement, context)) : requirementText(requirement);
    return { id: requirement.id, kind: requirement.kind, requirement: text, ...outcome, ...(requirement.why !== undefined ? { why: requirement.why } : {}) };
  });
  const met = results.filter((result) => result.met).length;
  return { spec: spec.name, ...(spec.description !== undefined ? { description: spec.description } : {}), file: spec.file, results, met, unmet: results.length - met };
}
