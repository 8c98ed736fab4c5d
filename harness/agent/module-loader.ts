/**
 * Loading a kernel module on the target with parameters, capturing what it writes to the kernel
 * log (tcrypt reports its speed figures there and then refuses to stay loaded).
 *
 * modprobe runs without a shell, from the target's own root. On the QEMU board the agent runs in a
 * chroot of the host's tree while the guest's modules live in the initramfs: init's root
 * (/proc/1/root) is used then.
 */
import fs from 'node:fs';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import type { ModprobeRequestBody, ModprobeResult } from '../protocol/messages.js';

const MODULE_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const MODULE_PARAM = /^[A-Za-z0-9_]{1,64}=[A-Za-z0-9_.,()+-]{0,128}$/;

/** The command that runs the target's own modprobe: plain, or through init's root. */
export function modprobeCommand(release = os.release()): string[] {
  if (fs.existsSync(`/lib/modules/${release}`)) return ['modprobe'];
  // init's busybox (static) does the chroot: the host tree the agent runs in may have no chroot binary
  if (fs.existsSync(`/proc/1/root/lib/modules/${release}`)) return ['/proc/1/root/bin/busybox', 'chroot', '/proc/1/root', '/sbin/modprobe'];
  throw new Error(`no modules for ${release} under /lib/modules (nor under init's root)`);
}

/** Read every kernel log record available on a non-blocking /dev/kmsg descriptor. */
function readRecords(fd: number, keep: boolean): string[] {
  const buffer = Buffer.alloc(8192);
  const messages: string[] = [];
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') return messages;
      if (code === 'EPIPE') continue; // records were overwritten before we read them
      throw error;
    }
    if (n === 0) return messages;
    if (!keep) continue;
    // "<prio>,<seq>,<usec>,<flags>[,…];<message>\n[ continuation lines]"
    const record = buffer.toString('utf8', 0, n);
    const text = record.slice(record.indexOf(';') + 1).split('\n')[0] ?? '';
    messages.push(text);
  }
}

export function loadModuleCapturingLog(body: ModprobeRequestBody): ModprobeResult {
  if (!MODULE_NAME.test(body.module)) throw new Error(`modprobe: bad module name ${JSON.stringify(body.module)}`);
  for (const param of body.params) if (!MODULE_PARAM.test(param)) throw new Error(`modprobe: bad module parameter ${JSON.stringify(param)}`);
  const [command, ...prefix] = modprobeCommand();
  const fd = fs.openSync('/dev/kmsg', fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    readRecords(fd, false);
    const started = process.hrtime.bigint();
    const child = spawnSync(command as string, [...prefix, body.module, ...body.params], { encoding: 'utf8', timeout: 30 * 60_000 });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (child.error) throw new Error(`modprobe: ${child.error.message}`);
    return { exitCode: child.status ?? -1, stderr: child.stderr.trim(), log: readRecords(fd, true), seconds };
  } finally {
    fs.closeSync(fd);
  }
}
