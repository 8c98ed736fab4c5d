import type { ResultLine } from '../../../../harness/results/result-model.js';
import { fixtureLines } from '../run-fixture.js';

/** The vector fixture with every failure turned into a pass. */
export const withoutFailures = (): ResultLine[] =>
  fixtureLines().map((line) => (line.kind === 'tally' && line.failed > 0 ? { ...line, passed: line.passed + line.failed, failed: 0, failures: [] } : line));
