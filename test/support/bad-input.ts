import assert from 'node:assert/strict';
import { BadInputError, EXIT } from '../../harness/errors.js';

/** Runs `fn`, which must throw a one-line BadInputError (exit code 2); returns its message. */
export function expectBadInput(fn: () => unknown): string {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof BadInputError, `expected BadInputError, got ${String(caught)}`);
  assert.equal(caught.exitCode, EXIT.badInput);
  assert.ok(!caught.message.includes('\n'), `one line: ${caught.message}`);
  return caught.message;
}
