/** Hangs: the failures a hang puts on the matrix, and hangs and failed executions in words. */
import type { CaseFailure, HangLine } from '../result-model.js';

/** A failure charged to one row of the matrix. */
export interface RowFailure {
  target: string;
  generic: boolean;
  failure: CaseFailure;
}

/** A hang is a failure of the target that hung and, through a generic name, of the driver bound to it. */
export function hangFailures(hang: HangLine): RowFailure[] {
  const failure: CaseFailure = {
    source: hang.source,
    case: hang.case,
    strategy: hang.strategy,
    status: 'hang',
    expectation: hang.expectation ?? 'valid',
    ...(hang.op !== undefined ? { op: hang.op } : {}),
    error: hang.fault !== undefined ? `ended by the kernel's report "${hang.fault}" after ${hang.seconds} s (${hang.bytes} bytes)` : `no answer within ${hang.seconds} s (${hang.bytes} bytes)`,
    ...(hang.seed !== undefined ? { seed: hang.seed } : {}),
  };
  const failures: RowFailure[] = [{ target: hang.target, generic: hang.generic, failure }];
  if (hang.generic && hang.boundDriver) failures.push({ target: hang.boundDriver, generic: false, failure: { ...failure, comment: `through the generic name ${hang.target}` } });
  return failures;
}

/** How a failed execution went, in words. */
export function outcomeText(status: CaseFailure['status']): string {
  return status === 'hang' ? 'no answer (hang)' : status === 'error' ? 'unexpected error' : 'wrong answer';
}

/** One line for a hang: who, what request, how long. */
export function describeHang(line: HangLine): string {
  const through = line.generic && line.boundDriver ? ` (bound to ${line.boundDriver})` : '';
  if (line.fault !== undefined) {
    return `${line.target}${through}: the kernel reported "${line.fault}" during ${line.op ?? 'an operation'} of ${line.bytes} bytes, ${line.source} ${line.case} [${line.strategy}]`;
  }
  return `${line.target}${through} hung: ${line.op ?? 'an operation'} of ${line.bytes} bytes, ${line.source} ${line.case} [${line.strategy}], no answer within ${line.seconds} s`;
}

/** What the harness did about a hang. */
export function hangAftermath(line: HangLine): string {
  return line.then === 'restarted' ? 'the target was restarted and the run went on without it' : 'the run stopped here';
}
