import assert from 'node:assert/strict';
import { summarize } from '../../../harness/results/summary.js';
import type { ResultLine, TallyLine } from '../../../harness/results/result-model.js';
import { ALGORITHM, fixtureLines, fixtureMeta, INCIDENT, VIRTIO_FAILURE, WYCHEPROOF } from './run-fixture.js';

const withoutFailures = (): ResultLine[] =>
  fixtureLines().map((line) => (line.kind === 'tally' && line.failed > 0 ? { ...line, passed: line.passed + line.failed, failed: 0, failures: [] } : line));

describe('results/summary', () => {
  it('makes one row per algorithm × target: generic first, then drivers by priority, internal drivers left out', () => {
    const summary = summarize(fixtureMeta(), fixtureLines());
    assert.deepEqual(
      summary.rows.map((row) => [row.target, row.generic, row.boundDriver, row.priority]),
      [
        ['cbc(aes)', true, 'cbc-aes-aesni', undefined],
        ['cbc-aes-aesni', false, undefined, 400],
        ['cbc(aes-aesni)', false, undefined, 300],
        ['virtio_crypto_aes_cbc', false, undefined, 150],
        ['cbc(aes-generic)', false, undefined, 100],
      ],
    );
  });

  it('adds up the tally lines of every batch and strategy, and applies skips to every target', () => {
    const summary = summarize(fixtureMeta(), fixtureLines());
    for (const row of summary.rows) {
      const virtio = row.target === 'virtio_crypto_aes_cbc';
      assert.deepEqual([row.passed, row.failed, row.skipped, row.acceptable, row.ran], [virtio ? 355 : 356, virtio ? 1 : 0, 3, 4, true], row.target);
      assert.equal(row.acceptables.length, 4);
    }
    const virtio = summary.rows.find((row) => row.target === 'virtio_crypto_aes_cbc');
    assert.deepEqual(virtio?.failures, [VIRTIO_FAILURE]);
    assert.deepEqual(virtio?.strategiesFailed, ['page-cross']);
    assert.deepEqual(summary.totals, { passed: 4 * 356 + 355, failed: 1, skipped: 15, skippedVectors: 3, acceptable: 20, algorithms: 1, targets: 5 });
  });

  it('finds the cases where the generic name and a driver disagree', () => {
    const summary = summarize(fixtureMeta(), fixtureLines());
    assert.deepEqual(summary.disagreements, [
      {
        algorithm: ALGORITHM,
        source: WYCHEPROOF,
        case: 'tcId 117',
        strategy: 'page-cross',
        generic: 'pass',
        failing: ['virtio_crypto_aes_cbc'],
        passing: ['cbc(aes)', 'cbc-aes-aesni', 'cbc(aes-aesni)', 'cbc(aes-generic)'],
      },
    ]);

    // the generic name fails where a driver passes; a case failing everywhere is no disagreement
    const lines = fixtureLines().map((line): ResultLine => {
      if (line.kind !== 'tally' || line.strategy !== 'oneshot' || line.acceptable === 0) return line;
      const failures = [{ ...VIRTIO_FAILURE, case: 'tcId 130', strategy: 'oneshot' as const }];
      if (line.target !== 'cbc(aes-generic)') failures.push({ ...VIRTIO_FAILURE, case: 'tcId 140', strategy: 'oneshot' });
      return { ...line, passed: line.passed - failures.length, failed: failures.length, failures };
    });
    const found = summarize(fixtureMeta(), lines).disagreements.map((d) => [d.case, d.strategy, d.generic, d.failing, d.passing]);
    assert.deepEqual(found, [
      ['tcId 117', 'page-cross', 'pass', ['virtio_crypto_aes_cbc'], ['cbc(aes)', 'cbc-aes-aesni', 'cbc(aes-aesni)', 'cbc(aes-generic)']],
      ['tcId 140', 'oneshot', 'fail', ['cbc(aes)', 'cbc-aes-aesni', 'cbc(aes-aesni)', 'virtio_crypto_aes_cbc'], ['cbc(aes-generic)']],
    ]);
  });

  it('a driver that did not run the source and strategy does not count as passing it', () => {
    const lines = fixtureLines().filter((line) => !(line.kind === 'tally' && line.target !== 'virtio_crypto_aes_cbc' && line.target !== ALGORITHM && line.strategy === 'page-cross'));
    const onlyGeneric = lines.filter((line) => !(line.kind === 'tally' && line.target === ALGORITHM && line.strategy === 'page-cross'));
    assert.equal(summarize(fixtureMeta(), lines).disagreements.length, 1);
    assert.equal(summarize(fixtureMeta(), onlyGeneric).disagreements.length, 0);
  });

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

  it('a hang through the generic name fails the generic row and its bound driver, and the selection is critical', () => {
    const hang: ResultLine = {
      kind: 'hang',
      algorithm: ALGORITHM,
      target: ALGORITHM,
      generic: true,
      boundDriver: 'cbc-aes-aesni',
      source: WYCHEPROOF,
      case: 'tcId 90',
      strategy: 'oneshot',
      op: 'encrypt',
      expectation: 'valid',
      bytes: 68,
      seconds: 20,
      then: 'restarted',
    };
    const summary = summarize(fixtureMeta(), [...withoutFailures(), hang]);
    assert.deepEqual(summary.hangs, [hang]);
    const hungRows = summary.rows.filter((row) => row.hung).map((row) => row.target);
    assert.deepEqual(hungRows, [ALGORITHM, 'cbc-aes-aesni']);
    const driverRow = summary.rows.find((row) => row.target === 'cbc-aes-aesni');
    assert.deepEqual(driverRow?.failures.map((failure) => [failure.status, failure.case, failure.error, failure.comment]), [['hang', 'tcId 90', 'no answer within 20 s (68 bytes)', 'through the generic name cbc(aes)']]);
    assert.deepEqual([summary.verdict, summary.exitCode], ['fail', 1]);
    const critical = summary.verdicts.find((verdict) => verdict.severity === 'critical');
    assert.match(critical?.message ?? '', /selects cbc-aes-aesni \(priority 400\), which hangs/);
    assert.equal(summary.rows.filter((row) => row.target !== ALGORITHM && row.target !== 'cbc-aes-aesni').every((row) => !row.hung && row.failed === 0), true);
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

  it('a planned target with no results is a row that did not run, still charged with the skips', () => {
    const lines = fixtureLines().filter((line) => !(line.kind === 'tally' && line.target === 'cbc(aes-generic)'));
    const row = summarize(fixtureMeta({ complete: false }), lines).rows.find((r) => r.target === 'cbc(aes-generic)');
    assert.deepEqual([row?.ran, row?.passed, row?.skipped, row?.priority], [false, 0, 3, 100]);
  });

  it('keeps to the --driver patterns of the run when adding planned targets', () => {
    const lines = fixtureLines().filter((line) => line.kind !== 'tally' || line.target === 'virtio_crypto_aes_cbc');
    const summary = summarize(fixtureMeta({ settings: { ...fixtureMeta().settings, driver: ['virtio*'] } }), lines);
    assert.deepEqual(summary.rows.map((row) => row.target), ['virtio_crypto_aes_cbc']);
    assert.deepEqual(summary.disagreements, []);
  });

  it('groups skips per algorithm, source and reason', () => {
    const extra: ResultLine[] = [
      { kind: 'skip', algorithm: ALGORITHM, source: WYCHEPROOF, reason: 'IV is not 16 bytes: AF_ALG takes the algorithm IV size only', count: 2, cases: ['tcId 183', 'tcId 184'] },
      { kind: 'skip', algorithm: ALGORITHM, source: 'nist/x.rsp', reason: 'other', count: 1, cases: ['line 4'] },
    ];
    const summary = summarize(fixtureMeta(), [...fixtureLines(), ...extra]);
    assert.deepEqual(
      summary.skips.map((skip) => [skip.source, skip.count, skip.cases]),
      [
        ['nist/x.rsp', 1, ['line 4']],
        [WYCHEPROOF, 5, ['tcId 181', 'tcId 182', 'tcId 183', 'tcId 184']],
      ],
    );
    assert.equal(summary.rows[0]?.skipped, 6);
  });

  it('takes the bound driver of a generic row from discovery when the tally lines lack it', () => {
    const lines = fixtureLines().map((line) => {
      if (line.kind !== 'tally' || !line.generic) return line;
      const { boundDriver: _bound, ...rest } = line;
      return rest as TallyLine;
    });
    assert.equal(summarize(fixtureMeta(), lines).rows[0]?.boundDriver, 'cbc-aes-aesni');
    assert.equal(summarize(fixtureMeta(), lines, { damagedLines: 2 }).damagedLines, 2);
  });
});
