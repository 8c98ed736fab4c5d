import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildAgentBundle, bundleVersion, type AgentBundle } from '../../../harness/deploy/agent-bundle.js';
import type { Arch } from '../../../harness/board/board.js';
import { deployAgent } from '../../../harness/deploy/deploy-agent.js';
import { FrameDecoder, encodeFrame } from '../../../harness/protocol/codec.js';
import { useTempDir } from '../../support/temp-dir.js';
import { FakeShell } from './fake-shell.js';

const HOST_ARCH: Record<string, Arch> = { x86_64: 'x86_64', aarch64: 'aarch64', arm64: 'aarch64', armv7l: 'armhf' };

/** Starts `command` and sends it requests; resolves with the replies by id (and the ready event). */
function talkToAgent(command: string[], cwd: string, requests: Array<{ id: number; op: string; [key: string]: unknown }>): Promise<Map<number | 'ready', any>> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0] as string, command.slice(1), { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const replies = new Map<number | 'ready', any>();
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`agent did not answer; stderr: ${stderr}`));
    }, 20_000);
    const decoder = new FrameDecoder({
      onMessage(message) {
        const frame = message as { id?: number; event?: string };
        if (frame.event === 'ready') {
          replies.set('ready', frame);
          for (const request of requests) child.stdin.write(encodeFrame(request));
        } else if (typeof frame.id === 'number') {
          replies.set(frame.id, frame);
        }
      },
    });
    child.stdout.on('data', (chunk: Buffer) => decoder.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(replies);
      else reject(new Error(`agent exited ${code}; stderr: ${stderr}`));
    });
  });
}

describe('agent bundle', function () {
  this.timeout(120_000);
  const tmp = useTempDir('afalg-bundle-');
  const arch = HOST_ARCH[os.machine()];
  let bundle: AgentBundle;

  before(function () {
    if (!arch) this.skip();
  });

  it('builds agent.mjs, the worker and koffi for the one architecture', async () => {
    bundle = await buildAgentBundle({ arch: arch as Arch, outDir: path.join(tmp.path, 'bundle') });
    const paths = bundle.files.map((file) => file.path);
    assert.equal(bundle.entry, 'agent.mjs');
    assert.ok(paths.includes('agent.mjs'));
    assert.ok(paths.includes('matrix-worker.js'));
    assert.ok(paths.includes('kmsg-worker.js'));
    assert.ok(paths.includes('decoy-worker.js'));
    assert.ok(paths.includes('package.json'));
    assert.ok(paths.includes('node_modules/koffi/package.json'));
    assert.ok(paths.includes('node_modules/koffi/src/koffi/index.js'));
    assert.deepEqual(paths, [...paths].sort());
    const natives = paths.filter((p) => p.endsWith('.node'));
    assert.ok(natives.length >= 1);
    const pkg = { x86_64: 'linux-x64', aarch64: 'linux-arm64', armhf: 'linux-arm' }[arch as Arch];
    assert.ok(natives.every((p) => p.startsWith(`node_modules/@koromix/koffi-${pkg}/`)), natives.join(', '));
    assert.match(bundle.version, /^[0-9a-f]{16}$/);
    assert.equal(bundle.version, bundleVersion(bundle.files));
    assert.equal(bundle.files.find((f) => f.path === 'agent.mjs')?.mode, 0o755);
    // what is on disk is what will be uploaded
    for (const file of bundle.files) assert.deepEqual(fs.readFileSync(path.join(bundle.dir, file.path)), file.data);
    const agent = bundle.files.find((f) => f.path === 'agent.mjs')?.data.toString() ?? '';
    assert.match(agent, /^#!\/usr\/bin\/env node\n/);
    assert.match(agent, /import koffi from "koffi"/);
    assert.match(agent, /new URL\("\.\/matrix-worker\.js", import\.meta\.url\)/);
    assert.doesNotMatch(agent, /from "ajv"/);
  });

  it('a rebuild with unchanged inputs gives the same version', async () => {
    const again = await buildAgentBundle({ arch: arch as Arch, outDir: bundle.dir });
    assert.equal(again.version, bundle.version);
  });

  it('once uploaded, answers hello, proc-crypto, kernel-config and an (empty) matrix on the worker threads', async () => {
    const shell = new FakeShell();
    const dir = path.join(tmp.path, 'target', 'afalg-agent');
    const deployed = await deployAgent(shell, bundle, { dir, node: process.execPath });
    assert.equal(deployed.uploaded, true);
    const replies = await talkToAgent(deployed.command, tmp.path, [
      { id: 1, op: 'hello' },
      { id: 2, op: 'proc-crypto' },
      { id: 3, op: 'matrix', algs: [], strategies: [], cases: [] },
      { id: 4, op: 'bench', program: '/nonexistent', sizes: [], warmupMs: 0, repetitions: 0, repetitionMs: 0 },
      { id: 6, op: 'kernel-config' },
      { id: 5, op: 'bye' },
    ]);
    assert.equal(replies.get('ready')?.agentVersion, '0.1.0');
    const hello = replies.get(1);
    assert.equal(hello?.ok, true, JSON.stringify(hello));
    assert.equal(hello.result.arch, os.machine());
    assert.equal(hello.result.node, process.version);
    assert.equal(typeof hello.result.protocolVersion, 'number');
    assert.equal(replies.get(2)?.ok, true);
    assert.match(replies.get(2)?.result.text, /name\s+:/);
    assert.deepEqual(replies.get(3), { id: 3, ok: true, result: { executed: 0, outcomes: [] } });
    assert.equal(replies.get(4)?.ok, false);
    assert.match(replies.get(4)?.error.message, /C reference is not part of the uploaded agent/);
    assert.equal(replies.get(5)?.ok, true);
    const config = replies.get(6);
    assert.equal(config?.ok, true, JSON.stringify(config));
    assert.deepEqual(config.result.tried, ['/proc/config.gz', `/boot/config-${os.release()}`]);
    if (config.result.source !== undefined) assert.match(config.result.text, /^CONFIG_[A-Z0-9_]+=/m);

    // the worker script on its own (the pool above only uses it on a machine with 2+ CPUs)
    const worker = new Worker(pathToFileURL(path.join(dir, 'matrix-worker.js')));
    try {
      const messages: unknown[] = [];
      await new Promise((resolve, reject) => {
        worker.on('message', (message: { id?: number }) => {
          messages.push(message);
          if (message.id !== undefined) resolve(message);
        });
        worker.once('error', reject);
        worker.postMessage({ id: 7, body: { algs: [], strategies: [], cases: [] } });
      });
      // it says it has started (koffi loaded: the agent waits for this before it exits), then answers
      assert.deepEqual(messages, [{ started: true }, { id: 7, result: { executed: 0, outcomes: [] } }]);
    } finally {
      await worker.terminate();
    }
  });
});
