/**
 * The native agent watches the kernel log too (its `kernel-log` op, issue 14), on the qemu-x86_64
 * guest with the oops fixture (a NULL dereference on a 48-byte ecb(aes) request), as the Node agent
 * does (kernel-events.test.ts, kernel-faults.test.ts): its reader thread pushes the report while a
 * matrix request runs, and still after the oops killed the agent's main thread; through the CLI with
 * `--agent native` the run reports the oops event and ends the request at once, not after the hang limit.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { asQemuBoard, loadBoard } from '../../harness/board/board.js';
import { QemuTarget } from '../../harness/targets/qemu-target.js';
import { buildNativeAgent } from '../../harness/native-agent/build.js';
import { buildFixtures } from '../../qemu/fixtures.js';
import { followKernelLog, type KernelLogFollow } from '../../harness/kernel-log/follow-kernel-log.js';
import type { KernelEvent } from '../../harness/kernel-log/kernel-events.js';
import { AgentError } from '../../harness/targets/agent-client.js';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { vectorsDir } from '../unit/vectors/vectors-dir.js';
import { readRun } from '../../harness/results/results-reader.js';
import type { HangLine, KernelEventLine } from '../../harness/results/result-model.js';

const HANG_SEC = 30;
const DRIVER = 'ecb-aes-fixture-oops';
const ARRIVAL_LIMIT_MS = 5000;

/** One ecb(aes) encryption of 48 bytes (the length the fixture oopses on). */
function oopsCase(): { type: 'skcipher'; op: 'encrypt'; key: string; input: string } {
  return { type: 'skcipher', op: 'encrypt', key: crypto.randomBytes(16).toString('base64'), input: crypto.randomBytes(48).toString('base64') };
}

describe('the native agent pushes kernel reports (oops fixture on qemu-x86_64)', function () {
  this.timeout(300_000);
  let target: QemuTarget;
  let follow: KernelLogFollow;
  const events: KernelEvent[] = [];

  /** The `seen`-th null-deref event, waited for at most ARRIVAL_LIMIT_MS; and after how long. */
  async function nullDeref(seen: number): Promise<{ event: KernelEvent; ms: number }> {
    const started = Date.now();
    const found = (): KernelEvent | undefined => events.filter((event) => event.kind === 'null-deref')[seen];
    while (!found() && Date.now() - started < ARRIVAL_LIMIT_MS) await new Promise((resolve) => setTimeout(resolve, 50));
    const event = found();
    assert.ok(event, `no oops event within ${ARRIVAL_LIMIT_MS} ms; events: ${events.map((one) => one.title).join(' | ')}`);
    return { event, ms: Date.now() - started };
  }

  before(async () => {
    const board = asQemuBoard(loadBoard('qemu-x86_64'));
    target = await QemuTarget.start(board, { nativeAgent: (await buildNativeAgent(board.arch)).program });
    const [fixture] = await buildFixtures(['oops'], target.info.hello.kernelRelease);
    const loaded = await target.agent.request('insmod', { path: fixture as string, params: [] });
    assert.equal(loaded.exitCode, 0, loaded.stderr);
    follow = await followKernelLog(target.agent, (event) => events.push(event));
  });

  after(() => {
    follow?.stop();
    target?.kill();
  });

  it('an oops on a matrix worker thread: the event within seconds, and the request ended with the report', async () => {
    const answer = target.agent.request('matrix', { algs: [DRIVER], strategies: ['oneshot'], cases: [oopsCase()], hangSec: HANG_SEC }).catch((error: Error) => error);
    const { event, ms } = await nullDeref(0);
    process.stdout.write(`      [oops event ${ms} ms after the request]\n`);
    assert.deepEqual([event.function, event.module], ['fixture_oops_submit', 'afalg_fixture_oops']);
    assert.notEqual(event.pid, (await target.agent.ready()).pid, 'a worker thread, not the main thread, died');
    assert.ok(follow.tainted & (1 << 7), 'taint D (the kernel died in a task) after the oops');
    const error = await answer;
    assert.ok(error instanceof AgentError && error.code === 'hang', String(error));
    assert.equal(error.hang?.fault, event.title);
  });

  it("an oops on the agent's main thread: the reader thread still delivers the event", async () => {
    const answer = target.agent.request('run', { cases: [{ ...oopsCase(), ref: 'main', alg: DRIVER }] }, 4000).catch((error: Error) => error);
    const { event, ms } = await nullDeref(1);
    process.stdout.write(`      [second oops event ${ms} ms after the request]\n`);
    assert.equal(event.function, 'fixture_oops_submit');
    assert.equal(event.pid, (await target.agent.ready()).pid, 'the main thread died');
    assert.ok((await answer) instanceof Error);
  });
});

describe('kernel faults with the native agent through the CLI (oops fixture on qemu-x86_64, --agent native)', function () {
  this.timeout(600_000);
  const tmp = useTempDir('afalg-native-faults-');

  it('reports the oops event and ends the oopsing request at once', async () => {
    const out = path.join(tmp.path, 'run');
    const result = await runCli([
      'run', '--board', 'qemu-x86_64', '--agent', 'native', '--vectors', vectorsDir, '--out', out,
      '--alg', 'ecb(aes)', '--strategies', 'oneshot', '--fixtures', 'oops', '--hang-sec', String(HANG_SEC),
    ]);
    assert.doesNotMatch(result.stdout + result.stderr, /kernel log: not watched/);
    const run = readRun(out);
    const events = run.lines.filter((line): line is KernelEventLine => line.kind === 'kernel-event');
    const oops = events.find((event) => event.event === 'null-deref');
    assert.ok(oops, `an oops event among ${events.map((event) => event.title).join(' | ')}\n${result.stderr.slice(-2000)}`);
    assert.deepEqual([oops.function, oops.module, oops.driver, oops.algorithm], ['fixture_oops_submit', 'afalg_fixture_oops', 'ecb-aes-fixture-oops', 'ecb(aes)']);
    assert.match(oops.text, /RIP: 0010:fixture_oops_submit\+0x/);
    const [hang] = run.lines.filter((line): line is HangLine => line.kind === 'hang');
    assert.equal(hang?.fault, oops.title, 'the request ended with the kernel report');
    assert.ok((hang?.seconds ?? HANG_SEC) < HANG_SEC / 3, `ended after ${hang?.seconds} s, not at the ${HANG_SEC} s hang limit`);
    assert.equal(result.code, 1);
  });
});
