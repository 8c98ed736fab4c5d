/**
 * The agent's side of the in-kernel executor: forwards a request frame (harness/protocol/
 * kernel-executor.ts) to /dev/afalg_kexec as is and returns the module's reply frame. The device
 * is opened on first use and kept open; the module bounds the wait of every operation itself.
 */
import fs from 'node:fs';
import { KEXEC_DEVICE, KEXEC_MAX_REPLY_BYTES } from '../protocol/kernel-executor.js';

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
