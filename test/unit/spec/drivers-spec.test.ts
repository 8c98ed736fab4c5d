import assert from 'node:assert/strict';
import * as driversSpec from '../../../harness/spec/drivers-spec.js';
import * as evaluate from '../../../harness/spec/evaluate-spec.js';
import * as load from '../../../harness/spec/load-spec.js';
import * as format from '../../../harness/spec/spec-format.js';
import * as verdict from '../../../harness/spec/spec-verdict.js';

describe('spec/drivers-spec', () => {
  it('gathers what the rest of the harness uses from the spec modules, the same functions', () => {
    const expected = {
      driversSpecDir: load.driversSpecDir,
      driversSpecSchemaPath: load.driversSpecSchemaPath,
      driversSpecPath: load.driversSpecPath,
      listDriversSpecs: load.listDriversSpecs,
      driversSpecFrom: load.driversSpecFrom,
      loadDriversSpec: load.loadDriversSpec,
      specContent: load.specContent,
      evaluateSpec: evaluate.evaluateSpec,
      requirementText: format.requirementText,
      specCountText: format.specCountText,
      specVerdictOf: verdict.specVerdictOf,
    };
    assert.deepEqual({ ...driversSpec }, expected);
  });
});
