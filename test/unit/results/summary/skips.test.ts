import assert from 'node:assert/strict';
import type { ResultLine, SkipLine } from '../../../../harness/results/result-model.js';
import { summarizeSkips } from '../../../../harness/results/summary/skips.js';
import { summarize } from '../../../../harness/results/summary.js';
import { ALGORITHM, fixtureLines, fixtureMeta, WYCHEPROOF } from '../run-fixture.js';

describe('results/summary/skips', () => {
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

  it('counts skipped vectors per algorithm and in all, merging the case lists of one group', () => {
    const line = (algorithm: string, reason: string, cases: string[]): SkipLine => ({ kind: 'skip', algorithm, source: 's', reason, count: cases.length, cases });
    const skips = summarizeSkips([line('gcm(aes)', 'r', ['a', 'b']), line('cbc(aes)', 'r', ['c']), line('gcm(aes)', 'r', ['b', 'd']), line('gcm(aes)', 'q', ['e'])]);
    assert.equal(skips.vectors, 6);
    assert.deepEqual([...skips.perAlgorithm], [['gcm(aes)', 5], ['cbc(aes)', 1]]);
    assert.deepEqual(skips.groups.map((group) => [group.algorithm, group.reason, group.count, group.cases]), [
      ['cbc(aes)', 'r', 1, ['c']],
      ['gcm(aes)', 'q', 1, ['e']],
      ['gcm(aes)', 'r', 4, ['a', 'b', 'd']],
    ]);
    assert.deepEqual(summarizeSkips([]), { groups: [], perAlgorithm: new Map(), vectors: 0 });
  });
});
