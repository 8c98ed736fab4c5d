import assert from 'node:assert/strict';
import type { ResultLine } from '../../../harness/results/result-model.js';
import { summarize } from '../../../harness/results/summary.js';
import { evaluateSpec } from '../../../harness/spec/evaluate-spec.js';
import { loadDriversSpec, specContent } from '../../../harness/spec/load-spec.js';
import type { SpecVerdict } from '../../../harness/spec/spec-model.js';
import { specVerdictOf } from '../../../harness/spec/spec-verdict.js';
import { runReportOf } from '../../../harness/results/run-report.js';
import { fixtureLines } from '../results/run-fixture.js';
import { boardRun, FAILING, SHIPPED, vectorRun, withSpec } from './spec-fixture.js';

describe('spec/spec-verdict', () => {
  describe('stored in run.json', () => {
    it('has no verdict without a stored spec, and evaluates the stored content otherwise', () => {
      const { meta, summary } = boardRun();
      assert.equal(specVerdictOf(meta, summary), undefined);
      assert.deepEqual([runReportOf(meta, summary).verdict, runReportOf(meta, summary).exitCode], [summary.verdict, summary.exitCode]);
      const stored = withSpec(meta, SHIPPED, specContent(loadDriversSpec(SHIPPED)));
      const verdict = specVerdictOf(stored, summary) as SpecVerdict;
      assert.equal(verdict.file, SHIPPED);
      assert.equal(verdict.unmet, 0);
      assert.deepEqual(verdict, evaluateSpec(loadDriversSpec(SHIPPED), summary, meta));
    });

    it('turns an unmet requirement into a failing verdict and exit code 1', () => {
      const { meta, summary } = vectorRun();
      const passing = summarize(meta, fixtureLines().map((line): ResultLine => (line.kind === 'tally' ? { ...line, failed: 0, failures: [] } : line)));
      assert.equal(passing.exitCode, 0);
      const failingSpec = withSpec(meta, FAILING);
      assert.ok((specVerdictOf(failingSpec, passing) as SpecVerdict).unmet > 0);
      const final = (withMeta: typeof meta, of: typeof summary) => {
        const report = runReportOf(withMeta, of);
        return { verdict: report.verdict, exitCode: report.exitCode };
      };
      assert.deepEqual(final(failingSpec, passing), { verdict: 'fail', exitCode: 1 });
      const metSpec = withSpec(meta, '/s.json', { name: 's', requirements: [{ id: 'a', kind: 'served-by', algorithm: 'cbc(aes)', driver: '*-aesni' }] });
      assert.deepEqual(final(metSpec, passing), { verdict: 'pass', exitCode: 0 });
      assert.deepEqual(final(metSpec, summary), { verdict: 'fail', exitCode: 1 });
    });

    it('reports stored content that no longer validates as one unmet requirement naming the field', () => {
      const { meta, summary } = vectorRun();
      const verdict = specVerdictOf(withSpec(meta, '/specs/x.json', { name: 'x', requirements: [{ id: 'a', kind: 'served-by', algorithm: 'cbc(aes)' }] }), summary) as SpecVerdict;
      assert.equal(verdict.spec, 'x');
      assert.deepEqual(verdict.results, [
        { id: 'spec', kind: 'invalid-spec', requirement: 'the drivers-spec stored in run.json is valid', met: false, evidence: "/specs/x.json: missing field '/requirements/0/driver'" },
      ]);
      assert.equal(verdict.unmet, 1);
    });
  });
});
