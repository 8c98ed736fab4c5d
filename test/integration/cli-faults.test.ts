/**
 * The CLI's behaviour on bad input and on a target that does not come up, run as a user runs it.
 * The timeout and Ctrl-C cases start a real QEMU and check that none is left behind.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { boardPath } from '../../harness/board/board.js';
import { qemuPids, runCli } from '../support/cli.js';
import { listFixtures } from '../../qemu/fixtures.js';

const variantDirs: string[] = [];

function boardVariant(change: (board: Record<string, unknown>) => void): string {
  const board = JSON.parse(fs.readFileSync(boardPath('qemu-x86_64'), 'utf8')) as Record<string, unknown>;
  change(board);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-board-'));
  variantDirs.push(dir);
  const file = path.join(dir, 'variant.json');
  fs.writeFileSync(file, JSON.stringify(board, null, 2));
  return file;
}

describe('afalg-harness CLI faults', function () {
  this.timeout(120_000);

  after(() => {
    for (const dir of variantDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a board file with an unknown field: one line naming the file and field, exit 2', async () => {
    const file = boardVariant((board) => {
      (board.qemu as Record<string, unknown>).memory = '2G';
    });
    const result = await runCli(['discover', '--board', file]);
    assert.equal(result.code, 2);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0] ?? '', new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: unknown field '/qemu/memory'`));
  });

  it('bench with a bad size, time or path, or an algorithm it cannot measure: one line, exit 2, nothing booted', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--sizes', '16,0'], /^afalg-harness: --sizes: '0' is not a size in bytes from 1 to 131072$/],
      [['--sizes', '262144'], /^afalg-harness: --sizes: '262144' is not a size/],
      [['--seconds', '0'], /^afalg-harness: --seconds: expected a time per point/],
      [['--paths', 'mmap'], /^afalg-harness: --paths: unknown data path 'mmap'; known: copy, zerocopy$/],
      [['--alg', 'stdrng'], /^afalg-harness: --alg: no algorithm to benchmark matches 'stdrng'; known: .*cbc\(aes\)/],
    ];
    for (const [args, message] of cases) {
      const before = qemuPids('afalg').length;
      const result = await runCli(['bench', '--board', 'qemu-x86_64', ...args]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0] ?? '', message);
      assert.equal(qemuPids('afalg').length, before);
    }
  });

  it('an unknown fixture, a fixture for a non-QEMU board, a hang limit out of range: one line, exit 2, nothing booted', async () => {
    const sshBoard = path.join(boardPath('qemu-x86_64'), '..', 'examples', 'ssh-yocto.json');
    const cases: Array<[string[], RegExp]> = [
      [['discover', '--board', 'qemu-x86_64', '--fixtures', 'nosuch'], new RegExp(`^afalg-harness: --fixtures: unknown fixture 'nosuch'; known: ${listFixtures().join(', ').replace(/[()]/g, '\\$&')}$`)],
      [['run', '--board', 'qemu-x86_64', '--fixtures', 'sha256_odd,nosuch'], /^afalg-harness: --fixtures: unknown fixture 'nosuch'/],
      [['run', '--board', 'qemu-x86_64', '--load-module', '/nonexistent/driver.ko'], /^afalg-harness: --load-module \/nonexistent\/driver\.ko: no such \.ko file$/],
      [['run', '--board', 'qemu-x86_64', '--hang-sec', '0'], /^afalg-harness: --hang-sec: expected seconds above 0 and below the board's request timeout \(120 s\), got 0$/],
      [['run', '--board', 'qemu-x86_64', '--hang-sec', '120'], /^afalg-harness: --hang-sec: expected seconds above 0 and below the board's request timeout \(120 s\), got 120$/],
    ];
    if (fs.existsSync(sshBoard)) cases.push([['run', '--board', sshBoard, '--fixtures', 'all'], /^afalg-harness: --fixtures: fixtures are built for and loaded into QEMU guests; .* is a ssh board$/]);
    for (const [args, message] of cases) {
      const before = qemuPids('afalg').length;
      const result = await runCli(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0] ?? '', message);
      assert.equal(qemuPids('afalg').length, before);
    }
  });

  it('a board file with a wrong type: names the field, exit 2', async () => {
    const file = boardVariant((board) => {
      (board.qemu as Record<string, unknown>).smp = 'two';
    });
    const result = await runCli(['boards', 'check', file]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /field '\/qemu\/smp' must be integer/);
  });

  it('an agent that is not ready in time: error with the last console lines, QEMU killed, exit 3', async () => {
    // init is replaced by `sleep 600`: the kernel boots and talks (loglevel=6), no agent ever starts
    const file = boardVariant((board) => {
      board.timeouts = { agentReadySec: 5 };
      board.name = 'qemu-x86_64-impatient';
      (board.qemu as Record<string, unknown>).kernelArgs = ['loglevel=6', 'rdinit=/bin/sleep', '600'];
    });
    const result = await runCli(['discover', '--board', file]);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /was not ready within 5 s/);
    assert.match(result.stderr, /last console lines of qemu-x86_64-impatient:/);
    const consoleLines = result.stderr.split('\n').filter((line) => line.startsWith('  | '));
    assert.equal(consoleLines.length, 20, result.stderr);
    assert.deepEqual(qemuPids(path.dirname(file)), []);
    assert.deepEqual(qemuPids('afalg-qemu-'), []);
  });

  it('Ctrl-C while the guest boots stops QEMU and exits 130', async () => {
    const result = await runCli(['discover', '--board', 'qemu-x86_64'], { interrupt: { when: /starting qemu-x86_64: /, afterMs: 1500 } });
    assert.equal(result.code, 130, result.stderr);
    assert.match(result.stderr, /SIGINT: stopping 1 target/);
    assert.deepEqual(qemuPids('afalg-qemu-'), []);
    // the agent socket's temporary folder went with it
    assert.doesNotMatch(fs.readdirSync(os.tmpdir()).join(' '), /afalg-qemu-/);
  });
});
