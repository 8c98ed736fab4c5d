import assert from 'node:assert/strict';
import path from 'node:path';
import { loadBoard } from '../../../harness/board/board.js';
import { BadInputError, EXIT } from '../../../harness/core/errors.js';
import { projectRoot } from '../../../harness/core/paths.js';
import { serialPassword, withoutTerminalControls } from '../../../harness/transports/serial-shell.js';

const serialExample = path.join(projectRoot, 'boards', 'examples', 'serial-yocto.json');

function caught(fn: () => unknown): BadInputError {
  let error: unknown;
  try {
    fn();
  } catch (thrown) {
    error = thrown;
  }
  assert.ok(error instanceof BadInputError, `expected BadInputError, got ${String(error)}`);
  assert.equal(error.exitCode, EXIT.badInput);
  assert.ok(!error.message.includes('\n'), `one line expected: ${error.message}`);
  return error;
}

describe('transports/serial-shell', () => {
  const saved = process.env.AFALG_TEST_BOARD_PASSWORD;
  afterEach(() => {
    if (saved === undefined) delete process.env.AFALG_TEST_BOARD_PASSWORD;
    else process.env.AFALG_TEST_BOARD_PASSWORD = saved;
  });

  it('reads the password from the variable the board names', () => {
    const board = loadBoard(serialExample);
    assert.ok(board.serial);
    const config = { ...board.serial, login: { ...board.serial.login, passwordEnv: 'AFALG_TEST_BOARD_PASSWORD' } };
    process.env.AFALG_TEST_BOARD_PASSWORD = 's3cret';
    assert.equal(serialPassword(board, config), 's3cret');
    assert.equal(serialPassword(board, { ...config, login: { user: 'root' } }), undefined);
  });

  it('names the unset variable, and how to set it, in one line', () => {
    const board = loadBoard(serialExample);
    assert.ok(board.serial);
    delete process.env.AFALG_TEST_BOARD_PASSWORD;
    const config = { ...board.serial, login: { ...board.serial.login, passwordEnv: 'AFALG_TEST_BOARD_PASSWORD' } };
    const error = caught(() => serialPassword(board, config));
    assert.ok(error.message.includes(board.file), error.message);
    assert.ok(error.message.includes("'/serial/login/passwordEnv'"), error.message);
    assert.ok(error.message.includes('$AFALG_TEST_BOARD_PASSWORD'), error.message);
    assert.ok(error.message.includes('export AFALG_TEST_BOARD_PASSWORD='), error.message);
  });

  it("strips a control sequence the port split across two chunks (busybox ash's ESC [6n after its prompt)", () => {
    const first = withoutTerminalControls('', '/root # \x1b');
    assert.deepEqual(first, { text: '/root # ', pending: '\x1b' });
    assert.match(first.text, /[#$] ?$/);
    assert.deepEqual(withoutTerminalControls(first.pending, '[6n'), { text: '', pending: '' });
    assert.deepEqual(withoutTerminalControls('', 'a\x1b[1'), { text: 'a', pending: '\x1b[1' });
    assert.deepEqual(withoutTerminalControls('\x1b[1', ';32mgreen\x1b[0m'), { text: 'green', pending: '' });
  });
});
