/**
 * drivers-spec: a vendor's list of what a board must deliver (drivers-spec/README.md), and its
 * evaluation against a run. `run --spec FILE` validates the file before booting and stores its
 * content in run.json (`meta.spec`); every report evaluates it again from the results files alone,
 * so `report DIR` shows the same verdict. Evaluation is pure.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ErrorObject } from 'ajv';
import { BadInputError } from '../core/errors.js';
import { describeSchemaError, readJsonFile, validatorFor } from '../core/json-validation.js';
import { projectRoot } from '../core/paths.js';
import { matchesAny } from '../plan/name-pattern.js';
import type { BenchOp, BenchPath } from '../protocol/messages.js';
import { priorityTable, type PriorityTable } from '../results/priority-verdicts.js';
import type { DiscoveredAlgorithmSummary, RunMeta } from '../results/result-model.js';
import type { RunSummary, SummaryRow, Verdict } from '../results/summary.js';

export const driversSpecDir = path.join(projectRoot, 'drivers-spec');
export const driversSpecSchemaPath = path.join(driversSpecDir, 'drivers-spec.schema.json');

export type RequirementKind = 'served-by' | 'passes-vectors' | 'min-priority' | 'min-throughput' | 'no-critical-verdicts';

interface RequirementBase {
  id: string;
  /** why the vendor requires it: shown beside the result */
  why?: string;
}

/** The generic name is served by a driver matching one of the `|`-separated patterns. */
export interface ServedByRequirement extends RequirementBase {
  kind: 'served-by';
  algorithm: string;
  driver: string;
}

/** Every driver the filters select passed every vector it ran, and ran at least one. */
export interface PassesVectorsRequirement extends RequirementBase {
  kind: 'passes-vectors';
  module?: string;
  driver?: string;
  algorithm?: string;
}

/** The driver serving the generic name has priority ≥ `priority`. */
export interface MinPriorityRequirement extends RequirementBase {
  kind: 'min-priority';
  algorithm: string;
  priority: number;
}

/** Median MB/s through the agent at `size` ≥ `mbPerSecond`. */
export interface MinThroughputRequirement extends RequirementBase {
  kind: 'min-throughput';
  algorithm: string;
  op?: BenchOp;
  size: number;
  mbPerSecond: number;
  /** `generic` (default) or driver name patterns */
  target?: string;
  path?: BenchPath;
}

/** No critical priority verdict for the algorithms matching (default: all). */
export interface NoCriticalVerdictsRequirement extends RequirementBase {
  kind: 'no-critical-verdicts';
  algorithm?: string;
}

export type Requirement = ServedByRequirement | PassesVectorsRequirement | MinPriorityRequirement | MinThroughputRequirement | NoCriticalVerdictsRequirement;

export interface DriversSpec {
  name: string;
  description?: string;
  requirements: Requirement[];
  /** where it was read from */
  file: string;
}

export interface RequirementResult {
  id: string;
  /** `invalid-spec`: the stored spec could not be read back; the one result says why */
  kind: RequirementKind | 'invalid-spec';
  /** the requirement as a sentence */
  requirement: string;
  met: boolean;
  /** what was measured or found */
  evidence: string;
  why?: string;
}

export interface SpecVerdict {
  /** the spec's name */
  spec: string;
  description?: string;
  file: string;
  results: RequirementResult[];
  met: number;
  unmet: number;
}

/** run.json's `spec` field, until RunMeta declares it. */
export interface StoredSpec {
  file: string;
  content: unknown;
}
type MetaWithSpec = RunMeta & { spec?: StoredSpec };

// ---------------------------------------------------------------------------------------------
// reading

/** `--spec NAME` (a file in drivers-spec/) or `--spec PATH`. */
export function driversSpecPath(nameOrPath: string): string {
  if (nameOrPath.includes('/') || nameOrPath.endsWith('.json')) return path.resolve(nameOrPath);
  return path.join(driversSpecDir, `${nameOrPath}.json`);
}

/** The bundled specs, by name. */
export function listDriversSpecs(): string[] {
  return fs
    .readdirSync(driversSpecDir)
    .filter((file) => file.endsWith('.json') && !file.endsWith('.schema.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

const PATTERN_HELP = 'a pattern is a literal name where * and ? are wildcards, alternatives separated by |, e.g. virtio_crypto_*|*-aesni';

/** The value at a JSON pointer (`/requirements/0/driver`). */
function valueAt(data: unknown, pointer: string): unknown {
  let value = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Why a name pattern is refused, in words. */
function patternProblem(value: string): string {
  if (value.includes('.*') || /[\^$[\]\\{}+]/.test(value)) return `looks like a regular expression; ${PATTERN_HELP}`;
  if (/\s/.test(value)) return `contains white space; ${PATTERN_HELP}`;
  if (value.split('|').some((part) => part === '')) return `has an empty alternative; ${PATTERN_HELP}`;
  return PATTERN_HELP;
}

/** One line for the first schema error, patterns explained. */
function describeSpecError(error: ErrorObject, data: unknown): string {
  if (error.keyword === 'pattern') {
    const at = error.instancePath || '/';
    const value = valueAt(data, error.instancePath);
    const shown = JSON.stringify(value);
    if (error.schemaPath.includes('/namePattern/')) return `field '${at}' is not a name pattern: ${shown} ${patternProblem(String(value))}`;
    if (error.schemaPath.includes('/algorithmName/')) return `field '${at}' must be one algorithm name such as cbc(aes) (no wildcards, no |, no spaces), got ${shown}`;
    if (error.schemaPath.includes('/id/')) return `field '${at}' must be letters, digits, '.', '_', ':' or '-', got ${shown}`;
    if (at === '/name') return `field '/name' must be letters, digits, '.', '_' or '-', got ${shown}`;
  }
  return describeSchemaError(error);
}

/**
 * Validate parsed spec content (a file's JSON, or what run.json stored); throws BadInputError
 * `FILE: field '/requirements/2/driver' …`.
 */
export function driversSpecFrom(content: unknown, file: string): DriversSpec {
  const validate = validatorFor(driversSpecSchemaPath);
  if (!validate(content)) {
    const first = validate.errors?.[0];
    throw new BadInputError(`${file}: ${first ? describeSpecError(first, content) : 'does not match the drivers-spec schema'}`);
  }
  const data = content as { name: string; description?: string; requirements: Requirement[] };
  const seen = new Map<string, number>();
  data.requirements.forEach((requirement, index) => {
    const earlier = seen.get(requirement.id);
    if (earlier !== undefined) throw new BadInputError(`${file}: field '/requirements/${index}/id': duplicate requirement id '${requirement.id}' (also /requirements/${earlier}/id)`);
    seen.set(requirement.id, index);
  });
  return {
    name: data.name,
    ...(data.description !== undefined ? { description: data.description } : {}),
    requirements: data.requirements.map((requirement) => ({ ...requirement })),
    file,
  };
}

/** Read and validate a spec file (a bundled name or a path); BadInputError naming file and field. */
export function loadDriversSpec(nameOrPath: string): DriversSpec {
  const file = driversSpecPath(nameOrPath);
  const content = readJsonFile(file, `no such drivers-spec file (bundled specs: ${listDriversSpecs().join(', ') || 'none'})`);
  return driversSpecFrom(content, file);
}

/** What run.json stores as `spec.content`: the spec without where it was read from. */
export function specContent(spec: DriversSpec): unknown {
  return { name: spec.name, ...(spec.description !== undefined ? { description: spec.description } : {}), requirements: spec.requirements };
}

// ---------------------------------------------------------------------------------------------
// evaluation

const alternatives = (patterns: string): string[] => patterns.split('|');
const matches = (name: string, patterns: string | undefined): boolean => patterns === undefined || matchesAny(name, alternatives(patterns));
const hasWildcard = (pattern: string): boolean => /[*?]/.test(pattern);

/** `virtio_crypto_* or *-aesni`, `a driver matching x*`, `cbc-aes-aesni` */
function patternWords(patterns: string, noun = 'driver'): string {
  const parts = alternatives(patterns);
  if (parts.length === 1 && !hasWildcard(parts[0] as string)) return parts[0] as string;
  return `a ${noun} matching ${parts.join(' or ')}`;
}

function formatMb(mb: number): string {
  return mb >= 100 ? mb.toFixed(0) : mb >= 10 ? mb.toFixed(1) : mb.toFixed(2);
}

function formatSize(size: number): string {
  if (size >= 1048576 && size % 1048576 === 0) return `${size / 1048576} MiB`;
  if (size >= 1024 && size % 1024 === 0) return `${size / 1024} KiB`;
  return `${size} B`;
}

/** At most `limit` items, then `and N more`. */
function listed(items: readonly string[], limit = 6): string {
  if (items.length <= limit) return items.join(', ');
  return `${items.slice(0, limit).join(', ')} and ${items.length - limit} more`;
}

/** The sentence of a requirement; `op`: the operation a min-throughput without one stands for on this run. */
export function requirementText(requirement: Requirement, op?: BenchOp): string {
  switch (requirement.kind) {
    case 'served-by':
      return `the generic name ${requirement.algorithm} is served by ${patternWords(requirement.driver)}`;
    case 'passes-vectors': {
      const single = requirement.driver !== undefined && alternatives(requirement.driver).length === 1 && !hasWildcard(requirement.driver);
      const parts = [single ? (requirement.driver as string) : requirement.driver !== undefined ? `every driver matching ${alternatives(requirement.driver).join(' or ')}` : 'every driver'];
      if (requirement.module !== undefined) parts.push(`of module ${alternatives(requirement.module).join(' or ')}`);
      if (requirement.algorithm !== undefined) parts.push(`for ${alternatives(requirement.algorithm).join(' or ')}`);
      return `${parts.join(' ')} passes every vector it runs (at least one)`;
    }
    case 'min-priority':
      return `the driver serving ${requirement.algorithm} has priority ≥ ${requirement.priority}`;
    case 'min-throughput': {
      const target = requirement.target ?? 'generic';
      const through = target === 'generic' ? 'through the generic name' : `on ${alternatives(target).length === 1 && !hasWildcard(target) ? target : `every driver matching ${alternatives(target).join(' or ')}`}`;
      return `${requirement.algorithm} ${requirement.op ?? op ?? 'encrypt (digest for a hash)'} ${through} reaches ≥ ${requirement.mbPerSecond} MB/s at ${formatSize(requirement.size)} (${requirement.path ?? 'copy'} path, median)`;
    }
    case 'no-critical-verdicts':
      return requirement.algorithm === undefined ? 'no critical priority verdict for any algorithm' : `no critical priority verdict for ${alternatives(requirement.algorithm).join(' or ')}`;
  }
}

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

/**
 * The verdict of the spec the run stored in run.json (`meta.spec`), or undefined when the run had
 * none. Stored content that no longer validates gives one unmet result saying why.
 */
export function specVerdictOf(meta: RunMeta, summary: RunSummary): SpecVerdict | undefined {
  const stored = (meta as MetaWithSpec).spec;
  if (stored === undefined) return undefined;
  try {
    return evaluateSpec(driversSpecFrom(stored.content, stored.file), summary, meta);
  } catch (error) {
    if (!(error instanceof BadInputError)) throw error;
    const content = stored.content as { name?: unknown } | null;
    const name = content !== null && typeof content === 'object' && typeof content.name === 'string' ? content.name : path.basename(stored.file, '.json');
    return {
      spec: name,
      file: stored.file,
      results: [{ id: 'spec', kind: 'invalid-spec', requirement: 'the drivers-spec stored in run.json is valid', met: false, evidence: error.message }],
      met: 0,
      unmet: 1,
    };
  }
}

/** The run's verdict and exit code once the spec counts: an unmet requirement fails the run. */
export function verdictWithSpec(summary: RunSummary, spec: SpecVerdict | undefined): { verdict: Verdict; exitCode: 0 | 1 } {
  if (!spec || spec.unmet === 0) return { verdict: summary.verdict, exitCode: summary.exitCode };
  return { verdict: 'fail', exitCode: 1 };
}

/** `5 of 6 requirements met` */
export function specCountText(spec: SpecVerdict): string {
  const total = spec.results.length;
  return `${spec.met} of ${total} ${total === 1 ? 'requirement' : 'requirements'} met`;
}
