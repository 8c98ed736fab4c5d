import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { AgentClient, type LossyLink } from '../../../harness/targets/agent-client.js';
import { DAMAGED_LINE_ERROR, FRAME_MARKER, encodeFrame } from '../../../harness/protocol/codec.js';
import type { TargetError } from '../../../harness/core/errors.js';

/**
 * A console whose first `damaged` writes lose their last `lose` bytes (a frame's tail and its
 * newline), or their first `loseHead` bytes (its marker), in front of an agent that reads lines the
 * way both agents do: an empty line is ignored, a line without the marker and a frame that does not
 * parse are answered with id -1, a good one with its result. The first `cutAnswers` answers lose
 * their marker on the way back.
 */
function lossyConsole(options: { damaged: number; lose: number; loseHead?: number; cutAnswers?: number }): { stream: Duplex; frames: string[]; emptyLines: number } {
  const state = { frames: [] as string[], emptyLines: 0, stream: undefined as unknown as Duplex };
  let pending = '';
  let writes = 0;
  let answers = 0;
  const agentReads = (text: string): void => {
    pending += text;
    for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line === '') {
        state.emptyLines++;
        continue;
      }
      state.frames.push(line);
      if (!line.includes(FRAME_MARKER)) {
        state.stream.push(encodeFrame({ id: -1, ok: false, error: { message: `${DAMAGED_LINE_ERROR}: ${line.slice(0, 30)}` } }));
        continue;
      }
      let request: { id: number; op: string };
      try {
        request = JSON.parse(line.slice(line.indexOf(FRAME_MARKER) + FRAME_MARKER.length)) as { id: number; op: string };
      } catch {
        state.stream.push(encodeFrame({ id: -1, ok: false, error: { message: `corrupt frame: ${line.slice(0, 30)}` } }));
        continue;
      }
      const answer = encodeFrame({ id: request.id, ok: true, result: { text: `answer to ${request.op}` } });
      state.stream.push(answers++ < (options.cutAnswers ?? 0) ? answer.slice(FRAME_MARKER.length + 3) : answer);
    }
  };
  state.stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      const text = chunk.toString();
      writes++;
      const damaged = text.length > 1 && writes <= options.damaged;
      agentReads(!damaged ? text : options.loseHead ? text.slice(options.loseHead) : text.slice(0, -options.lose));
      callback();
    },
  });
  return state;
}

const LOSSY: LossyLink = { nudgeEveryMs: 20, resends: 2, silentNudges: 1000 };

describe('AgentClient on a link that loses bytes', () => {
  it('a request whose tail was lost: the nudge makes the agent say so, the request is written again and answered', async () => {
    const link = lossyConsole({ damaged: 1, lose: 12 });
    const noise: string[] = [];
    const client = new AgentClient(link.stream, { defaultTimeoutMs: 2000, lossy: LOSSY, onNoise: (line) => noise.push(line) });
    assert.deepEqual(await client.request('proc-crypto', {}), { text: 'answer to proc-crypto' });
    assert.equal(link.frames.length, 2, 'the damaged frame, then the one sent again');
    assert.match(noise.join('\n'), /request 1 \('proc-crypto'\) reached the agent damaged .*: sent again \(2 of 3\)/);
  });

  it('a request that lost its first bytes (the marker): the agent says so at once, the request is written again and answered', async () => {
    const link = lossyConsole({ damaged: 1, lose: 0, loseHead: 3 });
    const noise: string[] = [];
    const client = new AgentClient(link.stream, { defaultTimeoutMs: 2000, lossy: { nudgeEveryMs: 60_000, resends: 2, silentNudges: 3 }, onNoise: (line) => noise.push(line) });
    assert.deepEqual(await client.request('matrix', {} as never), { text: 'answer to matrix' });
    assert.equal(link.frames.length, 2, 'the line without its marker, then the request again');
    assert.equal(link.emptyLines, 0, 'answered before any nudge');
    assert.match(noise.join('\n'), /request 1 \('matrix'\) reached the agent damaged \(damaged request: a line without the frame marker/);
  });

  it('an answer that lost its marker on the way back: the request is asked again, its second answer taken', async () => {
    const link = lossyConsole({ damaged: 0, lose: 0, cutAnswers: 1 });
    const noise: string[] = [];
    const client = new AgentClient(link.stream, { defaultTimeoutMs: 2000, lossy: { nudgeEveryMs: 60_000, resends: 2, silentNudges: 3 }, onNoise: (line) => noise.push(line) });
    assert.deepEqual(await client.request('proc-crypto', {}), { text: 'answer to proc-crypto' });
    assert.equal(link.frames.length, 2);
    assert.match(noise.join('\n'), /request 1 \('proc-crypto'\) has an answer that arrived damaged: sent again \(2 of 3\)/);
  });

  it('a request lost whole (no byte reached the agent): after three silent nudges it is written again and answered', async () => {
    const link = lossyConsole({ damaged: 1, lose: 0, loseHead: 1 << 20 });
    const noise: string[] = [];
    const client = new AgentClient(link.stream, { defaultTimeoutMs: 2000, lossy: { nudgeEveryMs: 20, resends: 2, silentNudges: 3 }, onNoise: (line) => noise.push(line) });
    assert.deepEqual(await client.request('matrix', {} as never), { text: 'answer to matrix' });
    assert.equal(link.frames.length, 1, 'only the second request reached the agent');
    assert.ok(link.emptyLines >= 3, `nudges before it: ${link.emptyLines}`);
    assert.match(noise.join('\n'), /request 1 \('matrix'\) met 3 nudges with no byte back: sent again \(2 of 3\)/);
  });

  it('gives up after its resends, with the reason', async () => {
    const link = lossyConsole({ damaged: 10, lose: 12 });
    const client = new AgentClient(link.stream, { defaultTimeoutMs: 2000, lossy: LOSSY });
    await assert.rejects(client.request('proc-crypto', {}), /reached the agent damaged .*bytes were lost on the link/);
    assert.equal(link.frames.length, 3, 'the request and its two resends');
  });

  it('never sends a module load twice', async () => {
    const link = lossyConsole({ damaged: 1, lose: 12 });
    const client = new AgentClient(link.stream, { defaultTimeoutMs: 2000, lossy: LOSSY });
    await assert.rejects(client.request('modprobe', { modules: ['afalg_fixture_ecb'] } as never), /reached the agent damaged/);
    assert.equal(link.frames.length, 1);
  });

  it('a link not declared lossy writes nothing extra: the damaged request waits out its timeout', async () => {
    const link = lossyConsole({ damaged: 1, lose: 12 });
    const client = new AgentClient(link.stream, { defaultTimeoutMs: 200 });
    await assert.rejects(client.request('proc-crypto', {}), (error: TargetError) => /did not answer 'proc-crypto' within 0 s \(nothing came back since it was sent\)/.test(error.message));
    assert.equal(link.emptyLines, 0);
    assert.equal(link.frames.length, 0);
  });

  it('a request the agent is still working on only sees empty lines, which it ignores', async () => {
    const link = lossyConsole({ damaged: 0, lose: 0 });
    let answer: (() => void) | undefined;
    // hold the agent's answer back for a few nudges
    const original = link.stream.push.bind(link.stream);
    link.stream.push = (chunk: unknown) => {
      answer = () => original(chunk);
      return true;
    };
    const client = new AgentClient(link.stream, { defaultTimeoutMs: 2000, lossy: LOSSY });
    const result = client.request('matrix', { algorithm: 'x', type: 'hash', targets: [], strategies: [], cases: [] } as never);
    await new Promise((resolve) => setTimeout(resolve, 90));
    assert.ok(link.emptyLines >= 2, `nudges: ${link.emptyLines}`);
    answer?.();
    assert.deepEqual(await result, { text: 'answer to matrix' });
    const after = link.emptyLines;
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(link.emptyLines, after, 'no nudge once answered');
  });

  it('a target that goes away: a reset reads as the link closing, any other error as a failure', async () => {
    for (const [code, expected] of [
      ['ECONNRESET', /^the agent link closed \(read ECONNRESET\) while waiting for 'hello'$/],
      ['EIO', /^the agent link failed: read EIO while waiting for 'hello'$/],
    ] as const) {
      const stream = new Duplex({ read() {}, write: (_chunk, _encoding, callback) => callback() });
      const client = new AgentClient(stream, { defaultTimeoutMs: 2000 });
      const answer = client.request('hello', {});
      stream.destroy(Object.assign(new Error(`read ${code}`), { code }));
      await assert.rejects(answer, (error: Error) => expected.test(error.message));
    }
  });

  it('a slow link: a request\'s timeout grows by the time its frame takes to cross it', async () => {
    const silent = new Duplex({ read() {}, write: (_chunk, _encoding, callback) => callback() });
    const client = new AgentClient(silent, { defaultTimeoutMs: 10, bytesPerSecond: 3000 });
    const body = { modules: ['m'.repeat(1600)] } as never;
    await assert.rejects(client.request('modprobe', body), /did not answer 'modprobe' within 1 s/);
    const fast = new AgentClient(silent, { defaultTimeoutMs: 10 });
    await assert.rejects(fast.request('modprobe', body), /within 0 s/);
  });
});
