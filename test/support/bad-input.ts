/** The one assertion every bad-input test makes: a BadInputError, exit code 2, one line. */
import assert from 'node:assert/strict';
import { BadInputError, EXIT } from '../../harness/core/errors.js';

/** Run `fn`, require a one-line BadInputError (exit 2), and return it (optionally its message must equal `expected`). */
export function expectBadInput(fn: () => unknown, expected?: string | RegExp): BadInputError {
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
  return caught;
}
