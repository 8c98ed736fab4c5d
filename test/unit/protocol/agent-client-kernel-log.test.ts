import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { AgentClient } from '../../../harness/targets/agent-client.js';
import { encodeFrame } from '../../../harness/protocol/codec.js';
import type { KernelLogEvent } from '../../../harness/protocol/messages.js';
import { followKernelLog } from '../../../harness/kernel-log/follow-kernel-log.js';
import type { KernelEvent } from '../../../harness/kernel-log/kernel-events.js';

/** A link whose agent end the test plays: requests are collected, frames pushed by hand. */
function fakeLink(): { stream: Duplex; sent: Array<Record<string, unknown>>; agentSays(message: unknown): void } {
  const sent: Array<Record<string, unknown>> = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) sent.push(JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>);
      callback();
    },
  });
  return { stream, sent, agentSays: (message) => stream.push(encodeFrame(message)) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const records = (from: number, lines: string[]) => lines.map((text, i) => ({ seq: from + i, level: 4, usec: 19_291_397 + i, text }));
const OOPS = ['BUG: kernel NULL pointer dereference, address: 0000000000000000', 'Oops: 0002 [#1] PREEMPT SMP NOPTI', 'RIP: 0010:fixture_oops_submit+0xf/0x20 [afalg_fixture_oops]'];
const OOPS_END = ['Call Trace:', ' <TASK>', ' fixture_encrypt+0xe/0x70 [afalg_fixture_oops]', ' </TASK>', '---[ end trace 0000000000000000 ]---'];

describe('kernel-log pushes on the host side', () => {
  it("abandon(): a target whose kernel panicked fails its pending requests now and every later one, the stream left open", async () => {
    const link = fakeLink();
    const client = new AgentClient(link.stream, { defaultTimeoutMs: 60_000 });
    const pending = client.request('matrix', { algs: ['x'], strategies: ['oneshot'], cases: [] });
    client.abandon('the kernel panicked ("Kernel panic - not syncing: Fatal exception")');
    await assert.rejects(pending, /^TargetError: the kernel panicked \("Kernel panic - not syncing: Fatal exception"\) while waiting for 'matrix'$/);
    await assert.rejects(client.request('hello', {}), /the kernel panicked/);
    assert.equal(link.stream.destroyed, false);
  });

  it('the client hands pushed kernel-log events to its listeners and keeps answering requests', async () => {
    const link = fakeLink();
    const client = new AgentClient(link.stream, { defaultTimeoutMs: 1000 });
    const seen: KernelLogEvent[] = [];
    const stop = client.onKernelLog((event) => seen.push(event));
    const hello = client.request('proc-crypto', {});
    link.agentSays({ event: 'kernel-log', records: records(5, ['hello']), tainted: 0 });
    link.agentSays({ id: 1, ok: true, result: { text: 'name : x' } });
    assert.deepEqual(await hello, { text: 'name : x' });
    assert.deepEqual(seen.map((event) => event.records[0]?.text), ['hello']);
    stop();
    link.agentSays({ event: 'kernel-log', records: records(6, ['after']), tainted: 0 });
    await tick();
    assert.equal(seen.length, 1);
  });

  it('followKernelLog: records from the answer and the pushes, in sequence order even when a push overtakes the answer', async () => {
    const link = fakeLink();
    const client = new AgentClient(link.stream, { defaultTimeoutMs: 1000 });
    const events: KernelEvent[] = [];
    const following = followKernelLog(client, (event) => events.push(event));
    await tick();
    assert.deepEqual(link.sent[0], { id: 1, op: 'kernel-log', since: 0, follow: true });
    // the reader thread's push (records 3…) arrives before the main thread's answer (records 0…2)
    link.agentSays({ event: 'kernel-log', records: records(3, OOPS_END), tainted: 4608 });
    link.agentSays({ id: 1, ok: true, result: { records: records(0, OOPS), next: 3, dropped: 0, tainted: 512, following: true } });
    const follow = await following;
    assert.equal(events.length, 1);
    assert.equal(events[0]?.kind, 'null-deref');
    assert.equal(events[0]?.function, 'fixture_oops_submit');
    assert.equal(events[0]?.module, 'afalg_fixture_oops');
    assert.equal(events[0]?.timestamp, 19.291397);
    assert.equal(follow.tainted, 4608);
    assert.equal(follow.next, 8);
    follow.stop();
  });

  it('followKernelLog: a report whose end never comes is handed over once the log is quiet', async () => {
    const link = fakeLink();
    const client = new AgentClient(link.stream, { defaultTimeoutMs: 1000 });
    const events: KernelEvent[] = [];
    const following = followKernelLog(client, (event) => events.push(event), { idleFlushMs: 30 });
    await tick();
    link.agentSays({ id: 1, ok: true, result: { records: records(0, OOPS), next: 3, dropped: 0, tainted: 0, following: true } });
    const follow = await following;
    assert.equal(events.length, 0);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.deepEqual(events.map((event) => [event.kind, event.end, event.function]), [['null-deref', 'flush', 'fixture_oops_submit']]);
    follow.stop();
  });
});
