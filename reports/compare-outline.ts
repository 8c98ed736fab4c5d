/**
 * How every comparison reporter orders what it shows, so that a reader handed a kernel move sees
 * what matters first: the changes of each step grouped by kind, the ones that change what callers
 * get (the driver a generic name binds, AF_ALG reach, verdicts) before new and gone drivers and
 * priorities; and the algorithms split into those the runs tested, those only discovery saw that
 * changed, and those the same in every run (named, not tabled).
 */
import type { Change, ChangeKind, ComparedAlgorithm, RunComparison } from '../harness/results/run-comparison.js';

/** Most consequential first. */
export const KIND_ORDER: readonly ChangeKind[] = ['binding', 'reach', 'verdict', 'selftest', 'throughput', 'vanished', 'appeared', 'priority'];

export const KIND_TITLES: Readonly<Record<ChangeKind, string>> = {
  binding: 'the generic name binds another driver',
  reach: 'AF_ALG reach',
  verdict: 'vector verdicts',
  selftest: 'self-tests',
  throughput: 'throughput at 4 KiB',
  vanished: 'gone',
  appeared: 'new',
  priority: 'priorities',
};

export interface ChangeGroup {
  kind: ChangeKind;
  title: string;
  changes: Change[];
}

/** The changes from run `to - 1` to run `to`, by kind in KIND_ORDER (kinds without a change left out). */
export function stepGroups(comparison: RunComparison, to: number): ChangeGroup[] {
  const step = comparison.changes.filter((change) => change.to === to);
  return KIND_ORDER.map((kind) => ({ kind, title: KIND_TITLES[kind], changes: step.filter((change) => change.kind === kind) })).filter((group) => group.changes.length > 0);
}

/** How many changes of each kind each step has: one row per kind that occurs, one count per step. */
export function changeCounts(comparison: RunComparison): Array<{ kind: ChangeKind; title: string; counts: number[] }> {
  const steps = Array.from({ length: comparison.runs.length - 1 }, (_, index) => index + 1);
  return KIND_ORDER.map((kind) => ({ kind, title: KIND_TITLES[kind], counts: steps.map((to) => comparison.changes.filter((change) => change.to === to && change.kind === kind).length) })).filter((row) =>
    row.counts.some((count) => count > 0),
  );
}

/** Whether any run ran vectors on the algorithm (through its generic name or a driver). */
export function algorithmTested(compared: ComparedAlgorithm): boolean {
  return compared.generic.some((cell) => cell !== undefined && cell.verdict !== 'not run') || compared.drivers.some((driver) => driver.runs.some((cell) => cell !== undefined && cell.verdict !== 'not run'));
}

export interface AlgorithmSplit {
  tested: ComparedAlgorithm[];
  /** discovered only, and something about them changed between runs */
  changedUntested: ComparedAlgorithm[];
  /** discovered only, the same in every run */
  sameUntested: ComparedAlgorithm[];
}

export function splitAlgorithms(comparison: RunComparison): AlgorithmSplit {
  const changed = new Set(comparison.changes.map((change) => change.algorithm));
  const split: AlgorithmSplit = { tested: [], changedUntested: [], sameUntested: [] };
  for (const compared of comparison.algorithms) {
    if (algorithmTested(compared)) split.tested.push(compared);
    else (changed.has(compared.algorithm) ? split.changedUntested : split.sameUntested).push(compared);
  }
  return split;
}

/** "[1] qemu-x86_64-bullseye 5.10.0-46-amd64 → [2] …": the runs in order, for a subtitle. */
export function runsLine(comparison: RunComparison): string {
  return comparison.runs.map((run, index) => `[${index + 1}] ${run.label}`).join(' → ');
}
