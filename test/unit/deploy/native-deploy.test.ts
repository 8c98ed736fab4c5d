import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { deployChosenAgent } from '../../../harness/deploy/deploy-agent.js';
import { consoleUploadCost, nativeBundleOf, NATIVE_AGENT_FILE } from '../../../harness/deploy/native-bundle.js';
import { bundleVersion, type AgentBundle } from '../../../harness/deploy/agent-bundle.js';
import { useTempDir } from '../../support/temp-dir.js';
import { FakeShell } from './fake-shell.js';

describe('native agent deployment', () => {
  const tmp = useTempDir('afalg-native-deploy-');
  let n = 0;
  const boardDir = (): string => path.join(tmp.path, `board ${++n}`, "native agent's dir");
  /** a stand-in static binary: a shell script that says what it is */
  const fakeProgram = (): string => {
    const file = path.join(tmp.path, `afalg-agent-x86_64-${++n}`);
    fs.writeFileSync(file, `#!/bin/sh\necho native ${crypto.randomBytes(8).toString('hex')}\n`, { mode: 0o755 });
    return file;
  };
  const nodeBundle = (): Promise<AgentBundle> => {
    const files = [{ path: 'agent.mjs', data: Buffer.from('console.log("node agent")\n'), mode: 0o755 }];
    return Promise.resolve({ dir: '/nowhere', arch: 'x86_64', files, version: bundleVersion(files), entry: 'agent.mjs' });
  };

  it('auto on a board without node uploads the one static binary, verified, and runs it without node', async () => {
    const shell = new FakeShell();
    const dir = boardDir();
    const bundle = nativeBundleOf(fakeProgram(), 'x86_64');
    const deployed = await deployChosenAgent(shell, { node: '/no/such/node', dir }, 'auto', { node: nodeBundle, native: async () => bundle });
    assert.equal(deployed.choice.kind, 'native');
    assert.equal(deployed.choice.reason, "auto: the target has no Node.js ('/no/such/node' not found)");
    assert.deepEqual(deployed.command, [`${dir}/${NATIVE_AGENT_FILE}`]);
    assert.equal(deployed.nodeVersion, 'native');
    assert.equal(deployed.uploadedBytes, bundle.files[0]?.data.length);
    assert.deepEqual(shell.writes, [`${dir}/${NATIVE_AGENT_FILE}`, `${dir}/VERSION`]);
    assert.equal(shell.commands.filter((argv) => argv[0] === 'sha256sum').length, 1);
    assert.equal(fs.statSync(`${dir}/${NATIVE_AGENT_FILE}`).mode & 0o777, 0o755);
    // the uploaded file runs as it is
    const ran = await shell.run(deployed.command);
    assert.equal(ran.stdout, `${/echo (.*)/.exec(bundle.files[0]?.data.toString() ?? '')?.[1]}\n`);

    const again = new FakeShell();
    const second = await deployChosenAgent(again, { node: '/no/such/node', dir }, 'native', { node: nodeBundle, native: async () => bundle });
    assert.equal(second.uploaded, false);
    assert.deepEqual(again.writes, []);
    assert.ok(!again.commands.some((argv) => argv[0] === '/no/such/node'), 'native asked for: node is not probed');
  });

  it("auto takes the board's node when it is usable; node asked for on a board without one fails clearly", async () => {
    const deployed = await deployChosenAgent(new FakeShell(), { node: process.execPath, dir: boardDir() }, 'auto', {
      node: nodeBundle,
      native: () => Promise.reject(new Error('native must not be built')),
    });
    assert.equal(deployed.choice.kind, 'node');
    assert.match(deployed.choice.reason, /^auto: the board's node is v\d+/);
    assert.equal(deployed.command[0], process.execPath);
    await assert.rejects(deployChosenAgent(new FakeShell(), { node: '/no/such/node', dir: boardDir() }, 'node', { node: nodeBundle, native: nodeBundle }), /has no Node\.js/);
  });

  it('a preinstalled native agent is run as it is', async () => {
    const shell = new FakeShell();
    const deployed = await deployChosenAgent(shell, { preinstalled: '/usr/bin/afalg-agent' }, 'native', { node: nodeBundle, native: () => Promise.reject(new Error('no build')) });
    assert.deepEqual(deployed.command, ['/usr/bin/afalg-agent']);
    assert.equal(deployed.uploaded, false);
    assert.deepEqual(shell.writes, []);
  });

  it('prices a console upload from the gzip+base64 bytes at 10 bits a byte', () => {
    const data = Buffer.concat([crypto.randomBytes(3000), Buffer.alloc(60_000)]);
    const gzipped = zlib.gzipSync(data, { level: 9 }).length;
    const cost = consoleUploadCost(data, 115200);
    assert.equal(cost.bytes, 63_000);
    assert.equal(cost.sentChars, Math.ceil(gzipped / 3) * 4);
    assert.ok(cost.sentChars < data.length / 4, 'zeros compress');
    assert.equal(cost.seconds, (cost.sentChars * 10) / 115200);
    assert.equal(consoleUploadCost(data, 9600).seconds, (cost.sentChars * 10) / 9600);
  });
});
