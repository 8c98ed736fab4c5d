/** The orders the summary lists things in. */
import type { SplitStrategy } from '../../protocol/messages.js';
import { ALL_STRATEGIES } from '../../protocol/constants.js';

/** Plain code-unit order, the same on every machine (no locale). */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A strategy's place in the usual order; an unknown one last. */
export function strategyRank(strategy: SplitStrategy): number {
  const rank = ALL_STRATEGIES.indexOf(strategy);
  return rank < 0 ? ALL_STRATEGIES.length : rank;
}
