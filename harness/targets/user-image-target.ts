/**
 * A user's image (yocto:PATH, buildroot:PATH) as a target: QEMU boots it as runqemu would
 * (qemu/user-image-command.ts) with its console on a pty, and from there it is a serial board —
 * log in as root on the console, upload the agent (the native one when the image has no node),
 * run it on the raw tty. Stopping the target stops the agent, then QEMU.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Board } from '../board/board.js';
import { BadInputError, TargetError } from '../core/errors.js';
import { resolveUserImage } from '../../qemu/user-image-source.js';
import { userImageQemuCommand } from '../../qemu/user-image-command.js';
import { rootLoaderFor } from '../../qemu/own-kernel/root-loader.js';
import { registerLive } from './live-targets.js';
import { SerialTarget } from './serial-target.js';
import type { AgentPreference } from './agent-choice.js';
import type { Target } from './target.js';

const PTY_WAIT_MS = 15_000;

/** Start QEMU and resolve with the console pty it reports (`char device redirected to /dev/pts/N (label console)`). */
function consolePty(child: ChildProcess, origin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new TargetError(`${origin}: QEMU named no console pty within ${PTY_WAIT_MS / 1000} s: ${output.trim().slice(-300)}`)), PTY_WAIT_MS);
    const look = (chunk: Buffer): void => {
      output += chunk.toString();
      const pty = /char device redirected to (\/dev\/pts\/\d+) \(label console\)/.exec(output)?.[1];
      if (pty) {
        clearTimeout(timer);
        resolve(pty);
      }
    };
    child.stderr?.on('data', look);
    child.stdout?.on('data', look);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new TargetError(`${origin}: QEMU exited (${signal ?? `code ${code}`}): ${output.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

export class UserImageTarget implements Target {
  private constructor(
    private readonly serial: SerialTarget,
    /** kills QEMU and forgets it */
    private readonly unregister: () => void,
  ) {}

  get agent(): Target['agent'] {
    return this.serial.agent;
  }
  get info(): Target['info'] {
    return this.serial.info;
  }
  get link(): Target['link'] {
    return this.serial.link;
  }
  get kernelConsole(): Target['kernelConsole'] {
    return this.serial.kernelConsole;
  }

  static async start(board: Board, options: { progress?: NodeJS.WritableStream; agent?: AgentPreference } = {}): Promise<UserImageTarget> {
    if (!board.userImage || !board.serial) throw new BadInputError(`board ${board.name} is not a user's image`);
    const boot = resolveUserImage(board.userImage);
    if (boot.rootfs?.decompress) throw new BadInputError(`${boot.origin}: ${boot.rootfs.file} is ${boot.rootfs.decompress}-compressed: decompress it next to the image first`);
    const out = options.progress ?? process.stderr;
    const loader = await rootLoaderFor(boot, out);
    if (loader.reason) out.write(`${boot.origin}: ${loader.reason}\n`);
    const command = userImageQemuCommand(boot, { accel: 'tcg', console: { pty: true }, extraKernelArgs: ['quiet'], ...(loader.initramfs ? { rootLoader: loader.initramfs } : {}) });
    out.write(`starting ${boot.origin}: ${boot.binary} (tcg), logging in on its console\n`);
    const qemu = spawn(command.binary, command.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const killQemu = (): void => {
      if (qemu.exitCode === null && qemu.signalCode === null) qemu.kill('SIGKILL');
    };
    const unregister = registerLive({ kill: killQemu });
    try {
      const device = await consolePty(qemu, boot.origin);
      const serial = await SerialTarget.start({ ...board, serial: { ...board.serial, device } }, options);
      return new UserImageTarget(serial, () => {
        unregister();
        killQemu();
      });
    } catch (error) {
      unregister();
      killQemu();
      throw error;
    }
  }

  consoleTail(lines: number): string[] {
    return this.serial.consoleTail(lines);
  }

  async stop(): Promise<void> {
    await this.serial.stop();
    this.unregister();
  }

  kill(): void {
    this.serial.kill();
    this.unregister();
  }
}
