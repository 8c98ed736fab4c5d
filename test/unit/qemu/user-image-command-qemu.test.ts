/**
 * The command lines user-image-command.ts builds, handed to the host's real QEMU paused (-S): QEMU
 * parses every option, opens the kernel, drives and chardevs, and stays up; a rejected option would
 * end it at once with its error. Nothing boots. Skipped where the QEMU binary is not installed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { findOnPath } from '../../../harness/core/exec.js';
import { resolveYoctoDeploy } from '../../../qemu/yocto/deploy-dir.js';
import { userImageQemuCommand } from '../../../qemu/user-image-command.js';
import { useTempDir } from '../../support/temp-dir.js';
import { writeYoctoDeploy } from './user-image-fixture.js';

/** Start QEMU, give it `ms` to object; resolve with its exit and stderr, or 'running' (then stop it). */
function startsPaused(binary: string, args: string[], ms = 1500): Promise<{ outcome: 'running' | number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(binary, [...args, '-S'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let stillRunning = false;
    const timer = setTimeout(() => {
      stillRunning = true;
      child.kill('SIGKILL');
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ outcome: stillRunning ? 'running' : code, stderr });
    });
  });
}

describe('qemu/user-image-command with the real QEMU (paused, nothing boots)', function () {
  this.timeout(20000);
  const temp = useTempDir('user-image-qemu-');

  for (const machine of ['qemux86-64', 'qemuarm64'] as const) {
    it(`${machine}: QEMU accepts every option of the command line`, async function () {
      const binary = machine === 'qemux86-64' ? 'qemu-system-x86_64' : 'qemu-system-aarch64';
      if (!findOnPath(binary)) this.skip();
      const deploy = writeYoctoDeploy(path.join(temp.path, machine), machine, { fstype: 'ext4' });
      const rootfs = fs.readdirSync(deploy).find((name) => name.endsWith('.ext4') && !fs.lstatSync(path.join(deploy, name)).isSymbolicLink());
      fs.truncateSync(path.join(deploy, rootfs as string), 8 << 20);
      const command = userImageQemuCommand(resolveYoctoDeploy(deploy), { accel: 'tcg', console: { socket: path.join(temp.path, `${machine}.sock`) } });
      const { outcome, stderr } = await startsPaused(command.binary, command.args);
      assert.equal(outcome, "running", `QEMU ended (${String(outcome)}): ${stderr.slice(-400)}`);
    });
  }

  it('a device QEMU does not know ends it at once (the check above can fail)', async function () {
    if (!findOnPath('qemu-system-aarch64')) this.skip();
    const deploy = writeYoctoDeploy(path.join(temp.path, 'wrong'), 'qemuarm64', { fstype: 'cpio' });
    const command = userImageQemuCommand(resolveYoctoDeploy(deploy), { accel: 'tcg', console: { stdio: true }, extraQemuArgs: ['-device', 'no-such-device-xyz'] });
    const { outcome, stderr } = await startsPaused(command.binary, command.args);
    assert.equal(outcome, 1);
    assert.match(stderr, /no-such-device-xyz/);
  });
});
