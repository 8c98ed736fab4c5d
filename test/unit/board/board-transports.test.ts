import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { listBoards, loadBoard, type Board } from '../../../harness/board/board.js';
import { BadInputError, EXIT } from '../../../harness/core/errors.js';
import { projectRoot } from '../../../harness/core/paths.js';
import { runCli } from '../../support/cli.js';
import { useTempDir } from '../../support/temp-dir.js';

const examplesDir = path.join(projectRoot, 'boards', 'examples');
const serialExample = path.join(examplesDir, 'serial-yocto.json');
const sshExample = path.join(examplesDir, 'ssh-yocto.json');
const localExample = path.join(examplesDir, 'local.json');

// board JSON as the tests edit it: any nested field may be changed or removed
type Json = Record<string, any>;

function exampleJson(file: string): Json {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
}

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

describe('board/board transports (serial, ssh, local)', () => {
  const tmp = useTempDir('afalg-board-transports-');

  function writeBoard(name: string, content: unknown): string {
    const file = path.join(tmp.path, name);
    fs.writeFileSync(file, JSON.stringify(content, null, 2));
    return file;
  }

  describe('example boards', () => {
    it('has the four examples, each loading against the schema', () => {
      const files = fs.readdirSync(examplesDir).filter((file) => file.endsWith('.json')).sort();
      assert.deepEqual(files, ['local.json', 'my-kernel-x86_64.json', 'serial-yocto.json', 'ssh-yocto.json']);
      for (const file of files) {
        const board = loadBoard(path.join(examplesDir, file));
        assert.equal(board.file, path.join(examplesDir, file));
        assert.equal(exampleJson(path.join(examplesDir, file)).$schema, '../board.schema.json');
      }
    });

    it('loads the serial example: UART, root login with the password in the environment, Yocto prompt', () => {
      const board = loadBoard(serialExample);
      assert.equal(board.transport, 'serial');
      const serial = board.serial;
      assert.ok(serial);
      assert.equal(serial.device, '/dev/ttyUSB0');
      assert.equal(serial.baudRate, 115200);
      assert.equal(serial.login.user, 'root');
      assert.match(serial.login.passwordEnv ?? '', /^[A-Z_][A-Z0-9_]*$/);
      assert.ok(Array.isArray(serial.powerCycle) && serial.powerCycle.length > 0);
      assert.ok(board.agent?.dir);
      // the prompt pattern (compiled as the serial transport does) matches a Yocto root prompt at the end of the output
      const prompt = new RegExp(serial.prompt, 'm');
      assert.match('\r\nroot@imx8mp-evk:~# ', prompt);
      assert.match('Last login: today\r\nroot@imx8mp-evk:/tmp# ', prompt);
      assert.doesNotMatch('root@imx8mp-evk:~# ls\r\nagent.mjs\r\n', prompt);
      assert.match('\r\nimx8mp-evk login: ', new RegExp(serial.login.loginPrompt ?? 'login: ?$', 'm'));
      assert.match('Password: ', new RegExp(serial.login.passwordPrompt ?? '[Pp]assword: ?$', 'm'));
    });

    it('loads the ssh example: host, port, user, key file and a pinned host key', () => {
      const board = loadBoard(sshExample);
      assert.equal(board.transport, 'ssh');
      const ssh = board.ssh;
      assert.ok(ssh);
      assert.ok(ssh.host.length > 0);
      assert.equal(ssh.port, 22);
      assert.equal(ssh.user, 'root');
      assert.ok(ssh.keyFile);
      assert.match(ssh.hostKeySha256 ?? '', /^SHA256:[A-Za-z0-9+/]{43}$/);
    });

    it('loads the local example', () => {
      const board = loadBoard(localExample);
      assert.equal(board.transport, 'local');
      assert.equal(board.serial, undefined);
      assert.equal(board.ssh, undefined);
    });

    it('keeps the examples out of the bundled board list', () => {
      const boards = listBoards();
      assert.ok(boards.includes('qemu-x86_64'));
      assert.ok(!boards.some((name) => name.includes('examples') || name.includes('yocto') || name === 'local'), boards.join(', '));
    });

    it('passes `boards check` on the ssh example', async function () {
      this.timeout(30_000);
      const run = await runCli(['boards', 'check', sshExample]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, `${sshExample}: ok (imx8mp-evk-ssh, ssh, aarch64)\n`);
    });
  });

  describe('schema errors name the field in one line', () => {
    it('transport serial without a serial section', () => {
      const data = exampleJson(serialExample);
      delete data.serial;
      const file = writeBoard('no-serial.json', data);
      assert.equal(caught(() => loadBoard(file)).message, `${file}: missing field '/serial'`);
    });

    it('transport ssh without an ssh section', () => {
      const data = exampleJson(sshExample);
      delete data.ssh;
      const file = writeBoard('no-ssh.json', data);
      assert.equal(caught(() => loadBoard(file)).message, `${file}: missing field '/ssh'`);
    });

    it('a password written into the file is an unknown field (only the NAME of a variable is allowed)', () => {
      const data = exampleJson(serialExample);
      data.serial.login.password = 'x';
      const file = writeBoard('password.json', data);
      const error = caught(() => loadBoard(file));
      assert.equal(error.message, `${file}: unknown field '/serial/login/password'`);
    });

    it('a baud rate that is not a standard one', () => {
      const data = exampleJson(serialExample);
      data.serial.baudRate = 115201;
      const file = writeBoard('baud.json', data);
      const error = caught(() => loadBoard(file));
      assert.ok(error.message.startsWith(`${file}: field '/serial/baudRate' must be one of `), error.message);
      assert.ok(error.message.includes('115200'), error.message);
    });

    it('a passwordEnv that is not an environment variable name', () => {
      const data = exampleJson(serialExample);
      data.serial.login.passwordEnv = '$ROOT_PASSWORD';
      const file = writeBoard('password-env.json', data);
      const error = caught(() => loadBoard(file));
      assert.ok(error.message.startsWith(`${file}: field '/serial/login/passwordEnv' `), error.message);
      assert.match(error.message, /pattern/);
    });

    it('a host key that is not an ssh-keygen -l SHA256 fingerprint', () => {
      const data = exampleJson(sshExample);
      data.ssh.hostKeySha256 = 'MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48';
      const file = writeBoard('host-key.json', data);
      const error = caught(() => loadBoard(file));
      assert.ok(error.message.startsWith(`${file}: field '/ssh/hostKeySha256' `), error.message);
      assert.match(error.message, /pattern/);
    });

    it('a powerCycle given as one string instead of an array', () => {
      const data = exampleJson(serialExample);
      data.serial.powerCycle = 'usbrelay HURTM_1=0';
      const file = writeBoard('power-cycle.json', data);
      const error = caught(() => loadBoard(file));
      assert.equal(error.message, `${file}: field '/serial/powerCycle' must be array`);
    });
  });

  describe('serial board file checks', () => {
    function serialBoard(change: (serial: Json) => void, name: string): Board {
      const data = exampleJson(serialExample);
      // /dev/ptmx opens as a tty anywhere (a new pseudo-terminal): the port opens and login() starts
      data.serial.device = '/dev/ptmx';
      delete data.serial.powerCycle;
      delete data.serial.login.passwordEnv;
      change(data.serial as Json);
      return loadBoard(writeBoard(name, data));
    }

    it('rejects a prompt that is not a regular expression when the board file is read (boards check), naming the field', () => {
      const error = caught(() => serialBoard((serial) => (serial.prompt = 'root@imx8mp-evk:(~# $'), 'bad-prompt.json'));
      assert.match(error.message, /bad-prompt\.json: field '\/serial\/prompt': not a regular expression/);
    });

    it('rejects a login prompt that is not a regular expression, naming the field', () => {
      const error = caught(() => serialBoard((serial) => (serial.login.loginPrompt = '[login: $'), 'bad-login-prompt.json'));
      assert.match(error.message, /bad-login-prompt\.json: field '\/serial\/login\/loginPrompt': not a regular expression/);
    });
  });
});
