/** The one assertion every bad-input test makes: a BadInputError, exit code 2, one line. */
import assert from 'node:assert/strict';
import { BadInputError, EXIT } from '../../harness/core/errors.js';

/**
 * Run `fn`, which must throw a one-line BadInputError (exit code 2); return its message, which
 * must equal `expected` (a string) or match it (a RegExp) when given.
 */
export function expectBadInput(fn: () => unknown, expected?: string | RegExp): string {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof BadInputError, `expected BadInputError, got ${String(caught)}`);
  assert.equal(caught.exitCode, EXIT.badInput);
  assert.ok(!caught.message.includes('\n'), `one line: ${caught.message}`);
  if (typeof expected === 'string') assert.equal(caught.message, expected);
  else if (expected) assert.match(caught.message, expected);
  return caught.message;
}
