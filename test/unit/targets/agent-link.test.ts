import assert from 'node:assert/strict';
import { Duplex, PassThrough } from 'node:stream';
import { startAgentLink } from '../../../harness/targets/agent-link.js';
import { ConsoleLines } from '../../../harness/targets/console-lines.js';
import { TargetError } from '../../../harness/core/errors.js';
import { encodeFrame, FRAME_MARKER } from '../../../harness/protocol/codec.js';

const HELLO = { agentVersion: '9.9.9', node: 'v20.0.0', kernelRelease: '6.1.0-test', arch: 'x64', pid: 7 };

/**
 * A pretend agent on the other end of a byte stream: `announce()` prints noise and the ready line;
 * it answers hello (and only hello).
 */
function fakeAgent(): { host: Duplex; announce: () => void; hellos: () => number } {
  const toAgent = new PassThrough();
  const toHost = new PassThrough();
  let hellos = 0;
  let pending = '';
  toAgent.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const request = JSON.parse(pending.slice(FRAME_MARKER.length, newline)) as { id: number; op: string };
      pending = pending.slice(newline + 1);
      if (request.op === 'hello') {
        hellos++;
        toHost.write(encodeFrame({ id: request.id, ok: true, result: HELLO }));
      }
      newline = pending.indexOf('\n');
    }
  });
  const announce = (): void => {
    toHost.write('[    1.234] random: crng init done\n');
    toHost.write(encodeFrame({ event: 'ready', agentVersion: HELLO.agentVersion, pid: HELLO.pid }));
  };
  return { host: Duplex.from({ readable: toHost, writable: toAgent }), announce, hellos: () => hellos };
}

async function rejection(promise: Promise<unknown>): Promise<TargetError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  assert.ok(outcome instanceof TargetError, `expected a TargetError, got ${String(outcome)}`);
  return outcome;
}

describe('targets/agent-link', () => {
  it('starts the agent once the client listens, waits for ready and hello, and keeps the noise as console lines', async () => {
    const agent = fakeAgent();
    const console = new ConsoleLines();
    let started = 0;
    const link = await startAgentLink(agent.host, {
      what: 'b1',
      readyTimeoutMs: 2000,
      requestTimeoutMs: 2000,
      console,
      started: () => {
        started++;
        agent.announce();
      },
    });
    assert.equal(started, 1);
    assert.equal(agent.hellos(), 1);
    assert.deepEqual(link.hello, HELLO);
    assert.ok(link.readyMs >= 0 && link.readyMs < 2000);
    assert.deepEqual(console.tail(5), ['[    1.234] random: crng init done']);
    link.agent.close();
  });

  it('connects first when given a connect function, the connection counted in the ready timeout; noise gets the prefix', async () => {
    const agent = fakeAgent();
    const console = new ConsoleLines();
    const connect = async (): Promise<Duplex> => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      setImmediate(agent.announce);
      return agent.host;
    };
    const link = await startAgentLink(connect, { what: 'qemu-x86_64', readyTimeoutMs: 2000, requestTimeoutMs: 2000, console, noisePrefix: '[agent-link] ' });
    assert.equal(link.hello.kernelRelease, '6.1.0-test');
    assert.ok(link.readyMs >= 25, `readyMs ${link.readyMs} should include the connection`);
    assert.deepEqual(console.tail(5), ['[agent-link] [    1.234] random: crng init done']);
    link.agent.close();
  });

  it('an agent that never says ready: a one-line error naming the target and the timeout, with the last console lines', async () => {
    const agent = fakeAgent();
    const console = new ConsoleLines();
    console.push('Kernel panic - not syncing: VFS');
    const error = await rejection(startAgentLink(agent.host, { what: 'b2 (serial /dev/ttyUSB0)', readyTimeoutMs: 1500, requestTimeoutMs: 2000, console }));
    assert.equal(error.message, 'the agent on b2 (serial /dev/ttyUSB0) was not ready within 2 s');
    assert.deepEqual(error.details, ['last console lines of b2 (serial /dev/ttyUSB0):', '  | Kernel panic - not syncing: VFS']);
    assert.equal(agent.hellos(), 0);
  });

  it('a target gone before its agent is ready: the exit’s error, at once, not the timeout', async () => {
    const exited = new Promise<never>((_, reject) => setTimeout(() => reject(new TargetError('QEMU exited (code 1) before the agent was ready')), 20));
    exited.catch(() => undefined);
    const startedAt = Date.now();
    const neverConnects = (): Promise<Duplex> => new Promise<Duplex>(() => undefined);
    const error = await rejection(startAgentLink(neverConnects, { what: 'q', readyTimeoutMs: 10_000, requestTimeoutMs: 2000, console: new ConsoleLines(), exited }));
    assert.equal(error.message, 'QEMU exited (code 1) before the agent was ready');
    assert.ok(Date.now() - startedAt < 2000);
  });
});
