import assert from 'node:assert/strict';
import type { IncidentLine, ResultLine } from '../../../../harness/results/result-model.js';
import { linesByKind } from '../../../../harness/results/summary/result-lines.js';
import { fixtureLines, INCIDENT } from '../run-fixture.js';

describe('results/summary/result-lines', () => {
  const resumed = (at: string): ResultLine => ({ kind: 'resumed', at });
  const lost = (message: string): IncidentLine => ({ ...(INCIDENT as IncidentLine), message, link: true });

  it('sorts the lines by kind, keeping their order, and notes the algorithms of the vector run', () => {
    const lines = [...fixtureLines(), INCIDENT, { kind: 'unbindable', algorithm: 'gcm(aes)', target: 'x', error: 'ELIBBAD' } as ResultLine];
    const sorted = linesByKind(lines);
    assert.equal(sorted.tallies.length, 20);
    assert.deepEqual(sorted.tallies, lines.filter((line) => line.kind === 'tally'));
    assert.deepEqual([sorted.skips.length, sorted.unbindable.length, sorted.incidents, sorted.recovered, sorted.hangs, sorted.bench, sorted.tcrypt], [1, 1, [INCIDENT], [], [], [], []]);
    assert.deepEqual([...sorted.algorithmsInRun].sort(), ['cbc(aes)', 'gcm(aes)']);
  });

  it('counts as recovered only link incidents before the last resume', () => {
    const [first, second, third] = [lost('first'), lost('second'), lost('third')];
    const sorted = linesByKind([first, resumed('a'), INCIDENT, second, resumed('b'), third]);
    assert.deepEqual(sorted.recovered, [first, second]);
    assert.deepEqual(sorted.incidents, [INCIDENT, third]);
    assert.deepEqual(linesByKind([first]).recovered, []);
  });
});
