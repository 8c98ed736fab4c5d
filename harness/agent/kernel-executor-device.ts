/**
 * The agent's side of the in-kernel executor: forwards a request frame (harness/protocol/
 * kernel-executor.ts) to /dev/afalg_kexec as is and returns the module's reply frame. The device
 * is opened on first use and kept open; the module bounds the wait of every operation itself.
 */
import fs from 'node:fs';
import os from 'node:os';
import { KEXEC_DEVICE, KEXEC_MAX_REPLY_BYTES, decodeKexecReply, encodeKexecRequest } from '../protocol/kernel-executor.js';
import type { SplitStrategy } from '../protocol/messages.js';
import { AfAlgError } from './afalg-wire.js';

let deviceFd: number | undefined;
const replyBuffer = Buffer.alloc(KEXEC_MAX_REPLY_BYTES);

export function forwardToKernelExecutor(frame: Buffer, device = KEXEC_DEVICE): Buffer {
  if (deviceFd === undefined) {
    try {
      deviceFd = fs.openSync(device, 'r+');
    } catch (error) {
      throw new Error(`${device}: ${(error as Error).message} (is the afalg_kexec module loaded?)`);
    }
  }
  fs.writeSync(deviceFd, frame);
  const length = fs.readSync(deviceFd, replyBuffer, 0, replyBuffer.length, null);
  return Buffer.from(replyBuffer.subarray(0, length));
}

const ERRNO_NAMES = new Map(Object.entries(os.constants.errno).map(([name, number]) => [number, name]));

/** An skcipher case through the in-kernel executor: the output, or an AfAlgError naming step and errno as AF_ALG failures do. */
export function skcipherInKernel(
  d: { op: 'encrypt' | 'decrypt'; key: Buffer; iv: Buffer | undefined; input: Buffer },
  driver: string,
  strategy: SplitStrategy,
  timeoutMs: number,
): Buffer {
  const frame = encodeKexecRequest({ op: d.op === 'encrypt' ? 'skcipher-encrypt' : 'skcipher-decrypt', strategy, driver, key: d.key, iv: d.iv ?? Buffer.alloc(0), data: d.input, timeoutMs });
  const reply = decodeKexecReply(forwardToKernelExecutor(frame));
  if (reply.status < 0) throw new AfAlgError(`kernel-${reply.step}`, ERRNO_NAMES.get(-reply.status) ?? `errno ${-reply.status}`);
  return reply.data;
}
