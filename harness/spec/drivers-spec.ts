/**
 * drivers-spec: a vendor's list of what a board must deliver (drivers-spec/README.md), and its
 * evaluation against a run. `run --spec FILE` validates the file before booting and stores its
 * content in run.json (`meta.spec`); every report evaluates it again from the results files alone,
 * so `report DIR` shows the same verdict. Evaluation is pure.
 *
 * This module only gathers the parts, each in its own module:
 * - spec-model.ts: the types of a spec, a requirement and a verdict;
 * - load-spec.ts: finding, reading and validating a spec file (schema errors in words);
 * - evaluate-spec.ts: each requirement against a run's summary and discovery;
 * - spec-format.ts: a requirement as a sentence, the count met;
 * - spec-verdict.ts: the stored spec's verdict and the run's final verdict and exit code.
 */
export * from './spec-model.js';
export * from './load-spec.js';
export { evaluateSpec } from './evaluate-spec.js';
export { requirementText, specCountText } from './spec-format.js';
export { specVerdictOf } from './spec-verdict.js';
