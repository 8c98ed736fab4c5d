import assert from 'node:assert/strict';
import type { ResultLine } from '../../../../harness/results/result-model.js';
import { summarize } from '../../../../harness/results/summary.js';
import { ALGORITHM, fixtureLines, fixtureMeta, VIRTIO_FAILURE, WYCHEPROOF } from '../run-fixture.js';

describe('results/summary/disagreements', () => {
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
});
