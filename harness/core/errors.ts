/**
 * Errors the user must see as one clear line, each with its exit code.
 * Anything else escaping to the CLI is a harness bug and is shown with its stack.
 */
export const EXIT = {
  ok: 0,
  /** a case failed, a verdict is critical, a requirement is unmet */
  findings: 1,
  /** bad input: board file, vector file, arguments, missing host tool */
  badInput: 2,
  /** the target did not come up, stopped answering, or the link broke */
  target: 3,
  interrupted: 130,
} as const;

export class HarnessError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** extra lines shown after the message (e.g. the last console lines) */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'HarnessError';
  }
}

export class BadInputError extends HarnessError {
  constructor(message: string, details: string[] = []) {
    super(message, EXIT.badInput, details);
    this.name = 'BadInputError';
  }
}

export class TargetError extends HarnessError {
  constructor(message: string, details: string[] = []) {
    super(message, EXIT.target, details);
    this.name = 'TargetError';
  }
}

export class InterruptedError extends HarnessError {
  constructor(message = 'interrupted') {
    super(message, EXIT.interrupted);
    this.name = 'InterruptedError';
  }
}
