/**
 * A drivers-spec in words: each requirement as a sentence, the count of requirements met, and the
 * small formatters the evidence uses (sizes, MB/s, shortened lists, name patterns).
 */
import type { BenchOp } from '../protocol/messages.js';
import type { Requirement, SpecVerdict } from './spec-model.js';
import { formatMb, formatSize } from '../core/units.js';

export { formatMb, formatSize };

/** The `|`-separated alternatives of a name pattern. */
export const alternatives = (patterns: string): string[] => patterns.split('|');
export const hasWildcard = (pattern: string): boolean => /[*?]/.test(pattern);

/** `virtio_crypto_* or *-aesni`, `a driver matching x*`, `cbc-aes-aesni` */
export function patternWords(patterns: string, noun = 'driver'): string {
  const parts = alternatives(patterns);
  if (parts.length === 1 && !hasWildcard(parts[0] as string)) return parts[0] as string;
  return `a ${noun} matching ${parts.join(' or ')}`;
}

/** At most `limit` items, then `and N more`. */
export function listed(items: readonly string[], limit = 6): string {
  if (items.length <= limit) return items.join(', ');
  return `${items.slice(0, limit).join(', ')} and ${items.length - limit} more`;
}

/** The sentence of a requirement; `op`: the operation a min-throughput without one stands for on this run. */
export function requirementText(requirement: Requirement, op?: BenchOp): string {
  switch (requirement.kind) {
    case 'served-by':
      return `the generic name ${requirement.algorithm} is served by ${patternWords(requirement.driver)}`;
    case 'passes-vectors': {
      const single = requirement.driver !== undefined && alternatives(requirement.driver).length === 1 && !hasWildcard(requirement.driver);
      const parts = [single ? (requirement.driver as string) : requirement.driver !== undefined ? `every driver matching ${alternatives(requirement.driver).join(' or ')}` : 'every driver'];
      if (requirement.module !== undefined) parts.push(`of module ${alternatives(requirement.module).join(' or ')}`);
      if (requirement.algorithm !== undefined) parts.push(`for ${alternatives(requirement.algorithm).join(' or ')}`);
      return `${parts.join(' ')} passes every vector it runs (at least one)`;
    }
    case 'min-priority':
      return `the driver serving ${requirement.algorithm} has priority ≥ ${requirement.priority}`;
    case 'min-throughput': {
      const target = requirement.target ?? 'generic';
      const through = target === 'generic' ? 'through the generic name' : `on ${alternatives(target).length === 1 && !hasWildcard(target) ? target : `every driver matching ${alternatives(target).join(' or ')}`}`;
      return `${requirement.algorithm} ${requirement.op ?? op ?? 'encrypt (digest for a hash)'} ${through} reaches ≥ ${requirement.mbPerSecond} MB/s at ${formatSize(requirement.size)} (${requirement.path ?? 'copy'} path, median)`;
    }
    case 'no-critical-verdicts':
      return requirement.algorithm === undefined ? 'no critical priority verdict for any algorithm' : `no critical priority verdict for ${alternatives(requirement.algorithm).join(' or ')}`;
  }
}

/** `5 of 6 requirements met` */
export function specCountText(spec: SpecVerdict): string {
  const total = spec.results.length;
  return `${spec.met} of ${total} ${total === 1 ? 'requirement' : 'requirements'} met`;
}
