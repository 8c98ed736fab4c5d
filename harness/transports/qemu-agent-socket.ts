/**
 * QEMU's end of the agent's virtio-serial port: a unix socket QEMU listens on once it has started.
 * A raw byte stream; the agent on it is the target's business (harness/targets/qemu-target.ts).
 */
import net from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { TargetError } from '../core/errors.js';

/** Connect to `socketPath`, retrying while QEMU (`child`) is still starting, until `deadline` (ms since the epoch). */
export function connectWithRetry(socketPath: string, child: ChildProcess, deadline: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) {
        reject(new TargetError('QEMU exited before its agent socket could be reached'));
        return;
      }
      const socket = net.connect(socketPath);
      socket.once('connect', () => resolve(socket));
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new TargetError(`QEMU's agent socket ${socketPath} never accepted a connection`));
        else setTimeout(attempt, 20);
      });
    };
    attempt();
  });
}
