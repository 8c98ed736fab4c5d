/**
 * Kernel faults reach the host as parsed events (issue 15), end to end on the qemu-x86_64 guest:
 * the oops fixture (qemu/fixtures/afalg_fixture_oops.c, built against the guest kernel's headers)
 * dereferences NULL on a 48-byte request. The agent's /dev/kmsg reader thread pushes the kernel's
 * report; the host parses it into an event naming the fixture's function and module — within a
 * few seconds, though the oops killed the thread that made the request, and again when it kills
 * the agent's main thread (the reader writes to the link itself).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { loadBoard } from '../../harness/board/board.js';
import { openTarget } from '../../harness/targets/open-target.js';
import type { Target } from '../../harness/targets/target.js';
import { buildFixtures } from '../../qemu/fixtures.js';
import { parseProcCrypto } from '../../harness/protocol/proc-crypto.js';
import { followKernelLog, type KernelLogFollow } from '../../harness/kernel-log/follow-kernel-log.js';
import type { KernelEvent } from '../../harness/kernel-log/kernel-events.js';
import type { SkcipherCase } from '../../harness/protocol/messages.js';

const DRIVER = 'ecb-aes-fixture-oops';
const OOPS_BYTES = 48;
const ARRIVAL_LIMIT_MS = 5000;

/** One ecb(aes) encryption of `bytes` bytes with its expected answer (node:crypto). */
function ecbCase(bytes: number): Omit<SkcipherCase, 'ref' | 'alg'> {
  const key = crypto.randomBytes(16);
  const input = crypto.randomBytes(bytes);
  const cipher = crypto.createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  const expect = Buffer.concat([cipher.update(input), cipher.final()]);
  return { type: 'skcipher', op: 'encrypt', key: key.toString('base64'), input: input.toString('base64'), expect: expect.toString('base64') };
}

describe('kernel events from the guest (oops fixture on qemu-x86_64)', function () {
  this.timeout(300_000);
  let target: Target;
  let follow: KernelLogFollow;
  const events: KernelEvent[] = [];
  const waiters: Array<() => void> = [];

  /** The next event of `kind` after the `seen` already there, and how long it took. */
  async function nextEvent(kind: string, seen: number, limitMs: number): Promise<{ event: KernelEvent; ms: number }> {
    const started = Date.now();
    const found = () => events.filter((event) => event.kind === kind)[seen];
    while (!found()) {
      if (Date.now() - started > limitMs) throw new Error(`no ${kind} event within ${limitMs} ms; events: ${events.map((event) => event.title).join(' | ')}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return { event: found() as KernelEvent, ms: Date.now() - started };
  }

  before(async () => {
    // the Node agent: its worker thread's comm is 'node' (native-kernel-faults.test.ts holds the native agent to the same)
    target = await openTarget(loadBoard('qemu-x86_64'), { agent: 'node' });
    const [fixture] = await buildFixtures(['oops'], target.info.hello.kernelRelease);
    const loaded = await target.agent.request('insmod', { path: fixture as string, params: [] });
    assert.equal(loaded.exitCode, 0, loaded.stderr);
    follow = await followKernelLog(target.agent, (event) => {
      events.push(event);
      for (const wake of waiters.splice(0)) wake();
    });
  });

  after(() => {
    follow?.stop();
    target?.kill();
  });

  it('the fixture passed its self-test and the generic name selects it', async () => {
    const entries = parseProcCrypto((await target.agent.request('proc-crypto', {})).text).filter((entry) => entry.name === 'ecb(aes)');
    const fixture = entries.find((entry) => entry.driver === DRIVER);
    assert.equal(fixture?.selftest, 'passed');
    assert.equal(Math.max(...entries.map((entry) => entry.priority)), fixture?.priority);
  });

  it('the boot log comes first: the virtio-crypto RSA WARNING and the fixture tainting the kernel', () => {
    const warning = events.find((event) => event.kind === 'warning' && /virtio-crypto-rsa/.test(event.message ?? ''));
    assert.equal(warning?.function, 'alg_test');
    assert.ok(events.some((event) => event.kind === 'taint-change' && /^afalg_fixture_oops: /.test(event.title)));
    assert.equal(events.filter((event) => event.kind === 'null-deref').length, 0);
  });

  it('an oops on a matrix worker thread: the event names fixture_oops_submit [afalg_fixture_oops] within seconds', async () => {
    const answer = target.agent.request('matrix', { algs: [DRIVER], strategies: ['oneshot'], cases: [ecbCase(OOPS_BYTES)], hangSec: 3 }).catch((error: Error) => error);
    const { event, ms } = await nextEvent('null-deref', 0, ARRIVAL_LIMIT_MS);
    process.stdout.write(`      [oops event ${ms} ms after the request]\n`);
    assert.equal(event.function, 'fixture_oops_submit');
    assert.equal(event.module, 'afalg_fixture_oops');
    assert.equal(event.comm, 'node');
    assert.notEqual(event.pid, (await target.agent.ready()).pid, 'a worker thread, not the main thread, died');
    assert.equal(event.end, 'marker');
    assert.ok(event.callTrace.some((frame) => frame.function === 'skcipher_recvmsg' && frame.module === 'algif_skcipher'));
    assert.ok(follow.tainted & (1 << 7), 'taint D (the kernel died in a task) after the oops');
    // the worker is gone in the kernel: without the event the agent only sees a hang
    const error = await answer;
    assert.ok(error instanceof Error && (error as Error & { code?: string }).code === 'hang', String(error));
  });

  it("an oops on the agent's main thread: the reader thread still delivers the event", async () => {
    const answer = target.agent.request('run', { cases: [{ ...ecbCase(OOPS_BYTES), ref: 'main', alg: DRIVER }] }, 4000).catch((error: Error) => error);
    const { event, ms } = await nextEvent('null-deref', 1, ARRIVAL_LIMIT_MS);
    process.stdout.write(`      [second oops event ${ms} ms after the request]\n`);
    assert.equal(event.function, 'fixture_oops_submit');
    assert.equal(event.module, 'afalg_fixture_oops');
    assert.match(event.text, /Oops: 0002 \[#2\]/);
    // the thread that died is the main thread: its id is the agent's process id
    assert.equal(event.pid, (await target.agent.ready()).pid);
    // the main thread never answers again
    assert.ok((await answer) instanceof Error);
  });
});
