/**
 * The spec's part in a run's verdict: the spec stored in run.json evaluated again from the results
 * files (so `report DIR` shows the same verdict), and the final verdict and exit code once it counts.
 */
import path from 'node:path';
import { BadInputError } from '../core/errors.js';
import type { RunMeta } from '../results/run-record.js';
import type { RunSummary } from '../results/summary.js';
import { evaluateSpec } from './evaluate-spec.js';
import { driversSpecFrom } from './load-spec.js';
import type { MetaWithSpec, SpecVerdict } from './spec-model.js';

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

