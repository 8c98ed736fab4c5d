/**
 * The serial and SSH transports against a real kernel: the qemu-x86_64 guest plays a board (a login
 * on a pty serial port, dropbear behind user-mode networking; test/support/board-guest.ts). The
 * harness logs in, uploads its agent (over sftp, and over the console in base64), runs a vector
 * subset and must reach the same verdicts as the qemu transport on the same kernel. The board's
 * password must never appear in anything the harness writes.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, type CliRun } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { startBoardGuest, type BoardGuest } from '../support/board-guest.js';
import { readRun } from '../../harness/results/results-reader.js';
import { summarize } from '../../harness/results/summary.js';
import ssh2 from 'ssh2';

// the vector files only: generated cases are tested elsewhere, and the runs compared must plan the same cases
const SUBSET = ['--alg', 'cbc(aes)', 'hmac(sha256)', 'rfc4106(gcm(aes))', '--strategies', 'oneshot,chunks', '--no-boundary', '--differential', '0', '--seed', 'transports'];

/** algorithm × target → passed/failed, the verdict a transport must not change */
function verdicts(dir: string): Record<string, string> {
  const { meta, lines } = readRun(dir);
  const summary = summarize(meta, lines);
  return Object.fromEntries(summary.rows.map((row) => [`${row.algorithm} ${row.target}`, `${row.passed}/${row.failed}`]));
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

describe('serial and SSH transports (the QEMU guest as a board)', function () {
  this.timeout(600_000);
  const tmp = useTempDir('afalg-transports-');
  let guest: BoardGuest;
  let reference: Record<string, string>;

  const boardFile = (name: string, body: Record<string, unknown>): string => {
    const file = path.join(tmp.path, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify({ name, arch: 'x86_64', ...body }, null, 2));
    return file;
  };
  const serialBoard = (extra: Record<string, unknown> = {}): string =>
    boardFile('qemu-as-serial-board', {
      transport: 'serial',
      serial: { device: guest.ptyPath, baudRate: 115200, login: { user: 'root', passwordEnv: 'AFALG_TEST_BOARD_PASSWORD' }, prompt: '# ?$' },
      agent: { dir: '/tmp/afalg-agent-serial' },
      ...extra,
    });

  before(async () => {
    const qemuOut = path.join(tmp.path, 'qemu');
    const [started, qemuRun] = await Promise.all([startBoardGuest(), runCli(['run', '--board', 'qemu-x86_64', ...SUBSET, '--out', qemuOut])]);
    guest = started;
    assert.equal(qemuRun.code, 0, qemuRun.stderr);
    reference = verdicts(qemuOut);
  });

  after(() => guest?.kill());

  it('SSH: key login, the agent uploaded over sftp, the same verdicts as the qemu transport', async () => {
    const board = boardFile('qemu-as-ssh-board', { transport: 'ssh', ssh: { host: '127.0.0.1', port: guest.sshPort, user: 'root', keyFile: guest.keyFile } });
    const out = path.join(tmp.path, 'ssh');
    const result = await runCli(['run', '--board', board, ...SUBSET, '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /connected: ssh root@127\.0\.0\.1:\d+/);
    assert.match(result.stderr, /agent [0-9a-f]{16} uploaded \(node v\d+/);
    assert.equal(readRun(out).meta.board.transport, 'ssh');
    assert.deepEqual(verdicts(out), reference);
  });

  it('SSH link lost mid-run (the agent killed on the board): partial with the reason, then --resume reconnects, skips what is done and finishes', async () => {
    const board = boardFile('qemu-as-ssh-board', { transport: 'ssh', ssh: { host: '127.0.0.1', port: guest.sshPort, user: 'root', keyFile: guest.keyFile }, timeouts: { requestSec: 30 } });
    const out = path.join(tmp.path, 'ssh-killed');
    let killed = false;
    const killAgent = (): void => {
      const client = new ssh2.Client();
      client.on('ready', () => client.exec('killall -9 node', () => setTimeout(() => client.end(), 500)));
      client.on('error', () => undefined);
      client.connect({ host: '127.0.0.1', port: guest.sshPort, username: 'root', privateKey: fs.readFileSync(guest.keyFile) });
    };
    const watcher = setInterval(() => {
      const results = path.join(out, 'results.jsonl');
      if (killed || !fs.existsSync(results) || !fs.readFileSync(results, 'utf8').includes('"kind":"done"')) return;
      killed = true;
      killAgent();
    }, 200);
    const started = Date.now();
    const cut = await runCli(['run', '--board', board, ...SUBSET, '--out', out]);
    clearInterval(watcher);
    assert.ok(killed);
    assert.equal(cut.code, 3, cut.stderr);
    assert.ok(Date.now() - started < 120_000, 'the loss was detected within the request timeout');
    const partial = readRun(out);
    assert.equal(partial.meta.complete, false);
    assert.match(partial.meta.incompleteReason ?? '', /agent link closed|did not answer/);
    const resumed = await runCli(['run', '--resume', out]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming .*: \d+ requests/);
    assert.match(resumed.stderr, /already on the target/);
    const after = readRun(out);
    assert.equal(after.meta.complete, true);
    assert.deepEqual(verdicts(out), reference);
  });

  describe('serial', () => {
    let run: CliRun;
    let out: string;
    before(async () => {
      out = path.join(tmp.path, 'serial');
      run = await runCli(['run', '--board', serialBoard(), ...SUBSET, '--out', out], { env: { AFALG_TEST_BOARD_PASSWORD: guest.password, CI: 'true' } });
    });

    it('logs in with the password from the environment, uploads the agent over the console, reaches the same verdicts', () => {
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /logged in: serial \/dev\/pts\/\d+ as root/);
      assert.match(run.stderr, /agent [0-9a-f]{16} uploaded over the console/);
      assert.deepEqual(verdicts(out), reference);
    });

    it('never writes the password: not in the output, the results, the reports', () => {
      assert.ok(guest.password.length >= 8);
      assert.ok(!run.stdout.includes(guest.password) && !run.stderr.includes(guest.password));
      const files = filesUnder(out);
      assert.ok(files.length >= 5);
      for (const file of files) assert.ok(!fs.readFileSync(file).includes(guest.password), `${file} holds the password`);
    });
  });

  it('a wrong password: one clear error, no second attempt, exit 3, nothing written as a run', async () => {
    const out = path.join(tmp.path, 'wrong');
    const started = Date.now();
    const result = await runCli(['run', '--board', serialBoard(), ...SUBSET, '--out', out], { env: { AFALG_TEST_BOARD_PASSWORD: 'not-the-password', CI: 'true' } });
    assert.equal(result.code, 3, result.stderr);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('afalg-harness:'));
    assert.equal(errors.length, 1, result.stderr);
    assert.match(errors[0] ?? '', /login as root refused \(wrong password in \$AFALG_TEST_BOARD_PASSWORD/);
    assert.ok(!result.stderr.includes('not-the-password'));
    assert.ok(Date.now() - started < 60_000);
    assert.equal(fs.existsSync(path.join(out, 'run.json')), false);
  });

  it('a password variable that is not set: exit 2 naming it, before opening the port', async () => {
    const result = await runCli(['run', '--board', serialBoard(), ...SUBSET], { env: { AFALG_TEST_BOARD_PASSWORD: undefined } });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /passwordEnv' names \$AFALG_TEST_BOARD_PASSWORD, which is not set/);
  });
});
