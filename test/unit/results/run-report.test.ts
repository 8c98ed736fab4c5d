import assert from 'node:assert/strict';
import { buildRunReport, verdictSentence } from '../../../harness/results/run-report.js';
import { fixtureLines, fixtureMeta } from './run-fixture.js';

describe('results/run-report', () => {
  const passing = fixtureLines().filter((line) => line.kind !== 'tally' || line.failed === 0);

  it('a complete run with every execution passing: pass, exit 0, no reasons', () => {
    const report = buildRunReport(fixtureMeta(), passing);
    assert.deepEqual([report.verdict, report.exitCode, report.reasons], ['pass', 0, []]);
    assert.match(verdictSentence(report), /^pass: /);
  });

  it('failed executions and an unfinished run are the reasons of a fail', () => {
    const report = buildRunReport(fixtureMeta({ complete: false, incompleteReason: 'killed' }), fixtureLines());
    assert.deepEqual([report.verdict, report.exitCode], ['fail', 1]);
    assert.ok(report.reasons.some((reason) => /failed execution/.test(reason)), report.reasons.join('; '));
    assert.ok(report.reasons.includes('the run did not finish'));
    assert.match(verdictSentence(report), /^fail: .*the run did not finish\.$/);
  });

  it('an unmet drivers-spec requirement fails a run whose results pass, once, for every reporter', () => {
    const spec = { file: '/specs/strict.json', content: { name: 'strict', requirements: [{ id: 'virtio', kind: 'served-by', algorithm: 'cbc(aes)', driver: 'virtio_crypto_aes_cbc' }] } };
    const report = buildRunReport(fixtureMeta({ spec }), passing);
    assert.equal(report.summary.verdict, 'pass', 'the results alone pass');
    assert.deepEqual([report.verdict, report.exitCode, report.spec?.unmet], ['fail', 1, 1]);
    assert.deepEqual(report.reasons, ['1 unmet requirement of drivers-spec strict']);
  });
});
