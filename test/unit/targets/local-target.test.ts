import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadBoard } from '../../../harness/board/board.js';
import { BadInputError } from '../../../harness/core/errors.js';
import { projectRoot } from '../../../harness/core/paths.js';
import { AGENT_VERSION } from '../../../harness/protocol/version.js';
import { LocalTarget } from '../../../harness/targets/local-target.js';

const localExample = path.join(projectRoot, 'boards', 'examples', 'local.json');

/** Progress lines of the target, kept for the assertions instead of going to stderr. */
function sink(): Writable & { text: string } {
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out.text += chunk.toString();
      done();
    },
  }) as Writable & { text: string };
  out.text = '';
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    assert.equal((error as NodeJS.ErrnoException).code, 'ESRCH');
    return false;
  }
}

describe('targets/local-target', function () {
  this.timeout(30_000);
  const supported = os.machine() === 'x86_64';

  it('starts the agent as a child, says hello with this kernel, reads /proc/crypto, and stop() leaves no process', async function () {
    if (!supported) this.skip(); // the example board says x86_64
    const progress = sink();
    const target = await LocalTarget.start(loadBoard(localExample), { progress });
    const pid = target.pid;
    try {
      assert.ok(pid && alive(pid));
      assert.equal(target.info.transport, 'local');
      assert.equal(target.info.board, 'local-x86_64');
      assert.equal(target.info.arch, 'x86_64');
      assert.equal(target.info.hello.kernelRelease, os.release());
      assert.equal(target.info.hello.arch, os.machine());
      assert.equal(target.info.hello.agentVersion, AGENT_VERSION);
      assert.equal(target.info.hello.node, process.version);
      assert.ok(target.info.timings.agentReadyMs >= 0);
      assert.match(progress.text, /running locally \(pid \d+/);
      const { text } = await target.agent.request('proc-crypto', {});
      assert.equal(typeof text, 'string');
      assert.match(text, /^name\s*:/m);
    } finally {
      await target.stop();
    }
    assert.ok(pid);
    assert.equal(alive(pid), false);
    assert.ok(target.agent.closed);
    // a second stop is harmless
    await target.stop();
  });

  it('kill() ends the agent at once', async function () {
    if (!supported) this.skip();
    const target = await LocalTarget.start(loadBoard(localExample), { progress: sink() });
    const pid = target.pid;
    assert.ok(pid);
    target.kill();
    const deadline = Date.now() + 5_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(alive(pid), false);
    assert.ok(target.agent.closed);
  });

  it('refuses a board whose arch is not this machine', async () => {
    const board = { ...loadBoard(localExample), arch: os.machine() === 'aarch64' ? ('x86_64' as const) : ('aarch64' as const) };
    await assert.rejects(LocalTarget.start(board, { progress: sink() }), (error: unknown) => {
      assert.ok(error instanceof BadInputError);
      assert.ok(error.message.includes(board.file), error.message);
      assert.ok(error.message.includes(`which is ${os.machine()}`), error.message);
      return true;
    });
  });
});
