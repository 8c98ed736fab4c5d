import assert from 'node:assert/strict';
import { summarize } from '../../../harness/results/summary.js';
import type { ResultLine } from '../../../harness/results/result-model.js';
import { ALGORITHM, fixtureLines, fixtureMeta, INCIDENT } from './run-fixture.js';
import { withoutFailures } from './summary/summary-fixture.js';

describe('results/summary', () => {
  it('verdict and exit code: pass, fail, incomplete', () => {
    const pass = summarize(fixtureMeta(), withoutFailures());
    assert.deepEqual([pass.verdict, pass.exitCode, pass.totals.failed], ['pass', 0, 0]);

    const fail = summarize(fixtureMeta(), fixtureLines());
    assert.deepEqual([fail.verdict, fail.exitCode], ['fail', 1]);

    const partial = summarize(fixtureMeta({ complete: false, incompleteReason: 'target stopped answering' }), withoutFailures());
    assert.deepEqual([partial.verdict, partial.exitCode], ['incomplete', 1]);

    const partialFailing = summarize(fixtureMeta({ complete: false }), fixtureLines());
    assert.deepEqual([partialFailing.verdict, partialFailing.exitCode], ['fail', 1]);

    const incident = summarize(fixtureMeta(), [...withoutFailures(), INCIDENT]);
    assert.deepEqual([incident.verdict, incident.exitCode, incident.incidents], ['fail', 1, [INCIDENT]]);
  });

  it('an unbindable driver fails the run and is listed, not made a row', () => {
    const meta = fixtureMeta();
    meta.discovery[0]?.drivers.push({ driver: 'cbc-aes-broken', priority: 500, selftest: 'unknown', module: 'broken', internal: false, bind: 'ELIBBAD' });
    const unbindable: ResultLine = { kind: 'unbindable', algorithm: ALGORITHM, target: 'cbc-aes-broken', error: 'ELIBBAD' };
    const summary = summarize(meta, [unbindable, ...withoutFailures()]);
    assert.deepEqual(summary.unbindable, [unbindable]);
    assert.equal(summary.rows.some((row) => row.target === 'cbc-aes-broken'), false);
    assert.deepEqual([summary.verdict, summary.exitCode], ['fail', 1]);
  });

  it('keeps link incidents before the last resume as recovered: listed, not failing the run', () => {
    const link = { ...INCIDENT, link: true } as ResultLine;
    const RESUMED: ResultLine = { kind: 'resumed', at: '2026-01-01T00:00:00Z' };
    const resumed = summarize(fixtureMeta(), [...withoutFailures(), link, RESUMED]);
    assert.deepEqual([resumed.recovered, resumed.incidents, resumed.verdict], [[link], [], 'pass']);
    const lostAfterResume = summarize(fixtureMeta(), [...withoutFailures(), RESUMED, link]);
    assert.deepEqual([lostAfterResume.recovered, lostAfterResume.incidents, lostAfterResume.verdict], [[], [link], 'fail']);
  });
});
