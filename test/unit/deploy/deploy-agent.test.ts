import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bundleVersion, type AgentBundle, type AgentBundleFile } from '../../../harness/deploy/agent-bundle.js';
import { DeployError, agentCommandFor, deployAgent } from '../../../harness/deploy/deploy-agent.js';
import { useTempDir } from '../../support/temp-dir.js';
import { FakeShell } from './fake-shell.js';

function makeBundle(files: AgentBundleFile[]): AgentBundle {
  return { dir: '/nowhere', arch: 'x86_64', files, version: bundleVersion(files), entry: 'agent.mjs' };
}

function sampleFiles(agentText = 'console.log("agent")\n'): AgentBundleFile[] {
  return [
    { path: 'agent.mjs', data: Buffer.from(agentText), mode: 0o755 },
    { path: 'package.json', data: Buffer.from('{"type":"module"}\n'), mode: 0o644 },
    { path: "node_modules/odd dir/it's.bin", data: crypto.randomBytes(20_000), mode: 0o644 },
  ];
}

describe('deployAgent', () => {
  const tmp = useTempDir('afalg-deploy-');
  let n = 0;
  /** a fresh target dir with a space and a quote in its name */
  const targetDir = (): string => path.join(tmp.path, `board ${++n}`, "afalg agent's dir");

  it('uploads every file with its mode, verifies it and writes VERSION last', async () => {
    const shell = new FakeShell();
    const bundle = makeBundle(sampleFiles());
    const dir = targetDir();
    const progress: string[] = [];
    const result = await deployAgent(shell, bundle, { dir, node: process.execPath, onProgress: (sent, total, file) => progress.push(`${file}:${sent}/${total}`) });
    assert.equal(result.uploaded, true);
    assert.equal(result.version, bundle.version);
    assert.deepEqual(result.command, [process.execPath, `${dir}/agent.mjs`]);
    assert.match(result.nodeVersion, /^v\d+\.\d+\.\d+/);
    assert.deepEqual(shell.writes, [...bundle.files.map((file) => path.posix.join(dir, file.path)), `${dir}/VERSION`]);
    for (const file of bundle.files) {
      const local = path.join(dir, file.path);
      assert.deepEqual(fs.readFileSync(local), file.data);
      assert.equal(fs.statSync(local).mode & 0o777, file.mode);
    }
    assert.equal(fs.readFileSync(path.join(dir, 'VERSION'), 'utf8').trim(), bundle.version);
    assert.equal(shell.commands.filter((argv) => argv[0] === 'sha256sum').length, bundle.files.length);
    assert.ok(progress.includes('agent.mjs:21/21'));
    assert.ok(progress.includes("node_modules/odd dir/it's.bin:20000/20000"));
  });

  it('uploads nothing the second time, and everything again when the bundle changed', async () => {
    const dir = targetDir();
    const first = makeBundle(sampleFiles());
    await deployAgent(new FakeShell(), first, { dir, node: process.execPath });

    const again = new FakeShell();
    const second = await deployAgent(again, first, { dir, node: process.execPath });
    assert.equal(second.uploaded, false);
    assert.deepEqual(again.writes, []);
    assert.deepEqual(second.command, [process.execPath, `${dir}/agent.mjs`]);

    const changed = makeBundle(sampleFiles('console.log("agent v2")\n'));
    assert.notEqual(changed.version, first.version);
    const shell = new FakeShell();
    const third = await deployAgent(shell, changed, { dir, node: process.execPath });
    assert.equal(third.uploaded, true);
    assert.equal(shell.writes.length, changed.files.length + 1);
    assert.equal(fs.readFileSync(path.join(dir, 'agent.mjs'), 'utf8'), 'console.log("agent v2")\n');
    assert.equal(fs.readFileSync(path.join(dir, 'VERSION'), 'utf8').trim(), changed.version);
  });

  it('a target without node gives one clear line and uploads nothing', async () => {
    const shell = new FakeShell();
    const node = 'afalg-test-no-such-node';
    await assert.rejects(deployAgent(shell, makeBundle(sampleFiles()), { dir: targetDir(), node }), (error: unknown) => {
      assert.ok(error instanceof DeployError);
      assert.equal(
        error.message,
        `the target has no Node.js ('${node}' not found): install nodejs on the board (Yocto: add nodejs to IMAGE_INSTALL), set agent.node in the board file, or preinstall the agent (agent.preinstalled), or run the native agent (--agent native or agent.kind native: no Node needed)`,
      );
      assert.ok(!error.message.includes('\n'));
      return true;
    });
    assert.deepEqual(shell.writes, []);
  });

  it('a Node.js older than 18 is named in the error', async () => {
    const fakeNode = path.join(tmp.path, 'old node');
    fs.writeFileSync(fakeNode, '#!/bin/sh\necho v16.20.2\n', { mode: 0o755 });
    const shell = new FakeShell();
    await assert.rejects(deployAgent(shell, makeBundle(sampleFiles()), { dir: targetDir(), node: fakeNode }), (error: unknown) => {
      assert.ok(error instanceof DeployError);
      assert.match(error.message, /v16\.20\.2/);
      assert.match(error.message, /needs 18\.14 or later/);
      assert.ok(!error.message.includes('\n'));
      return true;
    });
    assert.deepEqual(shell.writes, []);
  });

  it('catches a corrupted upload with sha256sum and never writes VERSION for it', async () => {
    const dir = targetDir();
    const bundle = makeBundle(sampleFiles());
    const shell = new FakeShell();
    shell.corrupt = (remote) => remote.endsWith("it's.bin");
    await assert.rejects(deployAgent(shell, bundle, { dir, node: process.execPath }), (error: unknown) => {
      assert.ok(error instanceof DeployError);
      assert.match(error.message, /upload of node_modules\/odd dir\/it's\.bin .* was corrupted \(sha256 [0-9a-f]{16}… on the target ≠ [0-9a-f]{16}… sent\)/);
      return true;
    });
    assert.equal(fs.existsSync(path.join(dir, 'VERSION')), false);

    // a later deploy over a good link does the whole upload
    const good = new FakeShell();
    const result = await deployAgent(good, bundle, { dir, node: process.execPath });
    assert.equal(result.uploaded, true);
    assert.deepEqual(fs.readFileSync(path.join(dir, "node_modules/odd dir/it's.bin")), bundle.files[2]?.data);
  });

  it('an interrupted re-upload of another version is not taken for complete', async () => {
    const dir = targetDir();
    const v1 = makeBundle(sampleFiles());
    await deployAgent(new FakeShell(), v1, { dir, node: process.execPath });
    const broken = new FakeShell();
    broken.corrupt = () => true;
    await assert.rejects(deployAgent(broken, makeBundle(sampleFiles('v2\n')), { dir, node: process.execPath }), DeployError);
    // agent.mjs on the target is now a damaged v2: going back to v1 must upload again
    const back = await deployAgent(new FakeShell(), v1, { dir, node: process.execPath });
    assert.equal(back.uploaded, true);
  });
});

describe('agentCommandFor', () => {
  const tmp = useTempDir('afalg-deploy-cmd-');

  it('a preinstalled agent is only checked, not uploaded', async () => {
    const shell = new FakeShell();
    let built = false;
    const result = await agentCommandFor(shell, { node: process.execPath, preinstalled: '/opt/afalg/agent.mjs' }, async () => {
      built = true;
      return makeBundle(sampleFiles());
    });
    assert.deepEqual(result.command, [process.execPath, '/opt/afalg/agent.mjs']);
    assert.equal(result.uploaded, false);
    assert.equal(built, false);
    assert.deepEqual(shell.writes, []);
    assert.deepEqual(shell.commands, [[process.execPath, '--version']]);
  });

  it('a preinstalled agent still needs node', async () => {
    await assert.rejects(agentCommandFor(new FakeShell(), { node: 'afalg-test-no-such-node', preinstalled: '/opt/afalg/agent.mjs' }, makeBundle(sampleFiles())), /the target has no Node\.js/);
  });

  it('otherwise deploys into agent.dir', async () => {
    const dir = path.join(tmp.path, 'agent');
    const bundle = makeBundle(sampleFiles());
    const result = await agentCommandFor(new FakeShell(), { node: process.execPath, dir }, async () => bundle);
    assert.deepEqual(result.command, [process.execPath, `${dir}/agent.mjs`]);
    assert.equal(result.uploaded, true);
    assert.equal(fs.readFileSync(path.join(dir, 'VERSION'), 'utf8').trim(), bundle.version);
  });
});
