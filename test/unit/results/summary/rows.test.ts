import assert from 'node:assert/strict';
import type { TallyLine } from '../../../../harness/results/result-model.js';
import { summarize } from '../../../../harness/results/summary.js';
import { fixtureLines, fixtureMeta, VIRTIO_FAILURE } from '../run-fixture.js';

describe('results/summary/rows', () => {
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
