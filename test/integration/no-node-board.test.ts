/**
 * A board with no Node at all: the qemu-x86_64 guest as a busybox-only board (no node on PATH;
 * the 9p share serves dropbear only, never the agent). `auto` must pick the native agent, upload
 * it over the console (then over sftp) and reach the qemu transport's verdicts.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { startBoardGuest, type BoardGuest } from '../support/board-guest.js';
import { readRun } from '../../harness/results/results-reader.js';
import { summarize } from '../../harness/results/summary.js';

// the vector files only: 64 KiB generated cases over a console outlast the request timeout (to fix in the planner)
const SAMPLED = ['--sample', '5', '--alg', 'cbc(aes)', 'sha256', '--strategies', 'oneshot,chunks', '--no-boundary', '--differential', '0', '--seed', 'no-node-board'];
const BENCH = ['--alg', 'sha256', '--sizes', '64,4096', '--seconds', '0.2', '--repetitions', '2', '--no-tcrypt', '--no-c-reference'];

function verdicts(dir: string): Record<string, string> {
  const { meta, lines } = readRun(dir);
  return Object.fromEntries(summarize(meta, lines).rows.map((row) => [`${row.algorithm} ${row.target}`, `${row.passed}/${row.failed}`]));
}

describe('a board without node: the native agent over the console and over SSH', function () {
  this.timeout(900_000);
  const tmp = useTempDir('afalg-no-node-');
  let guest: BoardGuest;
  let reference: Record<string, string>;
  const env = (): NodeJS.ProcessEnv => ({ AFALG_TEST_BOARD_PASSWORD: guest.password, CI: 'true' });

  const boardFile = (name: string, body: Record<string, unknown>): string => {
    const file = path.join(tmp.path, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify({ name, arch: 'x86_64', ...body }, null, 2));
    return file;
  };
  const serialBoard = (): string =>
    boardFile('busybox-serial', {
      transport: 'serial',
      serial: { device: guest.ptyPath, baudRate: 115200, login: { user: 'root', passwordEnv: 'AFALG_TEST_BOARD_PASSWORD' }, prompt: '# ?$' },
    });

  before(async () => {
    const qemuOut = path.join(tmp.path, 'qemu');
    const [started, qemuRun] = await Promise.all([startBoardGuest({ node: false }), runCli(['run', '--board', 'qemu-x86_64', ...SAMPLED, '--out', qemuOut])]);
    guest = started;
    assert.equal(qemuRun.code, 0, qemuRun.stderr);
    reference = verdicts(qemuOut);
  });

  after(() => guest?.kill());

  it('serial, auto: finds no node, uploads the native agent over the console and discovers', async () => {
    const result = await runCli(['discover', '--board', serialBoard()], { env: env() });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /agent: native \(auto: the target has no Node\.js \('node' not found\)\)/);
    const upload = /native agent [0-9a-f]{16} uploaded over the console: (.*) in ([\d.]+) s \((.*) gzip\+base64: at least ([\d.]+) s at 115200 baud\)/.exec(result.stderr);
    assert.ok(upload, result.stderr);
    process.stderr.write(`      measured: ${upload[0]}\n`);
    // QEMU's pty does not pace bytes at a baud rate: the measured time is the shell's, the floor the UART's
    assert.ok(Number(upload[2]) > 0 && Number(upload[4]) > 10, upload[0]);
    assert.match(result.stdout, /cbc\(aes-aesni\)/);
  });

  it('serial: a sampled run reaches the qemu transport verdicts; run.json records the native agent', async () => {
    const out = path.join(tmp.path, 'serial-run');
    const result = await runCli(['run', '--board', serialBoard(), ...SAMPLED, '--out', out], { env: env() });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /native agent [0-9a-f]{16} already on the target/);
    const { meta } = readRun(out);
    assert.equal(meta.target.node, 'native');
    assert.equal(meta.target.agent, 'native');
    assert.equal(meta.settings.agent, 'auto');
    assert.deepEqual(verdicts(out), reference);
  });

  it('serial: a short bench', async () => {
    const out = path.join(tmp.path, 'serial-bench');
    const result = await runCli(['bench', '--board', serialBoard(), ...BENCH, '--out', out], { env: env() });
    assert.equal(result.code, 0, result.stderr);
    const { lines } = readRun(out);
    assert.ok(lines.some((line) => line.kind === 'bench'), 'bench lines written');
  });

  it('SSH (dropbear), --agent native: uploaded over sftp, the same verdicts', async () => {
    const board = boardFile('busybox-ssh', { transport: 'ssh', ssh: { host: '127.0.0.1', port: guest.sshPort, user: 'root', keyFile: guest.keyFile } });
    const out = path.join(tmp.path, 'ssh-run');
    const result = await runCli(['run', '--board', board, '--agent', 'native', ...SAMPLED, '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /agent: native \(asked for\)/);
    assert.match(result.stderr, /native agent [0-9a-f]{16} (uploaded: .* in [\d.]+ s|already on the target)/);
    assert.equal(readRun(out).meta.settings.agent, 'native');
    assert.deepEqual(verdicts(out), reference);
  });
});
