/**
 * Which driver did a generic name bind? The kernel does not say; /proc/crypto's refcnt does.
 * Snapshot before binding, bind and hold the socket, snapshot again: the entries whose refcnt
 * rose are the ones the transform holds. Wrappers move too (the aesni simd driver holds
 * `cryptd(__cbc-aes-aesni)` and `__cbc-aes-aesni`), so the public driver is the non-internal
 * entry whose name is the requested name.
 */
import { entryKey, type CryptoEntry } from './proc-crypto.js';
import type { RefcntMove } from './messages.js';

export function refcntMoves(before: CryptoEntry[], after: CryptoEntry[]): RefcntMove[] {
  const old = new Map(before.map((entry) => [entryKey(entry), entry.refcnt]));
  const moves: RefcntMove[] = [];
  for (const entry of after) {
    const previous = old.get(entryKey(entry));
    // an entry that appeared while held was instantiated by the bind: it holds a reference now
    const delta = entry.refcnt - (previous ?? 0);
    if (delta !== 0) moves.push({ driver: entry.driver, name: entry.name, internal: entry.internal, delta });
  }
  return moves;
}

export interface Resolution {
  /** the public driver the generic name bound, when the evidence names exactly one */
  driver?: string;
  /** why no single driver could be named */
  problem?: string;
  /** public entries of that name that gained references (more than one means ambiguous) */
  candidates: string[];
}

export function resolveBoundDriver(name: string, moves: RefcntMove[], entries?: CryptoEntry[]): Resolution {
  const candidates = moves.filter((move) => move.delta > 0 && !move.internal && (move.name === name || move.driver === name));
  if (candidates.length === 1) return { driver: candidates[0]?.driver, candidates: [candidates[0]?.driver ?? ''] };
  if (candidates.length === 0) {
    return { candidates: [], problem: moves.length === 0 ? 'no refcnt moved while the socket was held' : 'no public entry of that name gained a reference' };
  }
  // several public entries rose: a driver that wraps a fallback of the same name (a hardware driver
  // holding the software one for what it cannot do), or another user allocating at the same moment
  const priority = new Map((entries ?? []).map((entry) => [entry.driver, entry.priority]));
  const sorted = [...candidates].sort((a, b) => (priority.get(b.driver) ?? 0) - (priority.get(a.driver) ?? 0));
  // the kernel binds the highest-priority usable entry of a name: if that entry is among those that
  // rose, it is the one bound, and the others are held through it (or by someone else)
  const top = (entries ?? [])
    .filter((entry) => !entry.internal && entry.name === name && entry.selftest === 'passed')
    .sort((a, b) => b.priority - a.priority)[0];
  const first = sorted[0];
  if (top && first && first.driver === top.driver && (priority.get(sorted[1]?.driver ?? '') ?? -1) < top.priority) {
    return { driver: top.driver, candidates: sorted.map((move) => move.driver) };
  }
  return {
    candidates: sorted.map((move) => move.driver),
    problem: `ambiguous: ${sorted.map((move) => move.driver).join(', ')} all gained references`,
  };
}
