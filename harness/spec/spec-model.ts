/**
 * The drivers-spec model (drivers-spec/README.md): a vendor's list of what a board must deliver,
 * and the result of evaluating it against a run. Types only.
 */
import type { BenchOp, BenchPath } from '../protocol/messages.js';
import type { RunMeta } from '../results/run-record.js';

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
/** RunMeta as run.json stores it when the run had a spec. */
export type MetaWithSpec = RunMeta & { spec?: StoredSpec };
