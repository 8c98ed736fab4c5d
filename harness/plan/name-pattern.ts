/**
 * `--alg` / `--driver` patterns: crypto names are full of parentheses and commas, so a pattern is
 * literal text where only `*` (any run of characters) and `?` (one character) are wildcards.
 */
export function namePattern(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

/** True when `name` matches any of the patterns (or there are none). */
export function matchesAny(name: string, patterns: readonly string[] | undefined): boolean {
  if (!patterns || patterns.length === 0) return true;
  return patterns.some((pattern) => namePattern(pattern).test(name));
}
