/**
 * Loading a kernel module on the target with parameters, capturing what it writes to the kernel
 * log (tcrypt reports its speed figures there and then refuses to stay loaded).
 *
 * The module itself is loaded with finit_module(2) directly: busybox's modprobe retries a failed
 * finit_module with init_module, so a module that always refuses to stay loaded (tcrypt) ran its
 * whole test twice (seen on the guest: every figure logged twice, twice the time). Its
 * dependencies, which load normally, go through the target's own modprobe, without a shell. On the
 * QEMU board the agent runs in a chroot of the host's tree while the guest's modules live in the
 * initramfs: init's root (/proc/1/root) is used then.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { InsmodRequestBody, ModprobeRequestBody, ModprobeResult } from '../protocol/messages.js';
import { errnoName, finitModule, lastErrno } from './afalg-ffi.js';
import { cycleRateOf } from '../protocol/cycle-rate.js';

const MODULE_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const MODULE_PARAM = /^[A-Za-z0-9_]{1,64}=[A-Za-z0-9_.,()+-]{0,128}$/;

interface ModuleRoot {
  /** /lib/modules/<release> as this process sees it */
  dir: string;
  /** the command that runs the target's own modprobe */
  modprobe: string[];
}

function moduleRoot(release = os.release()): ModuleRoot {
  // modules.dep, not the directory: a host with this release's headers installed has
  // /lib/modules/<release>/build and nothing else (seen on the QEMU board, whose agent runs in the host's tree)
  if (fs.existsSync(`/lib/modules/${release}/modules.dep`)) return { dir: `/lib/modules/${release}`, modprobe: ['modprobe'] };
  const initRoot = `/proc/1/root/lib/modules/${release}`;
  // init's busybox (static) does the chroot: the host tree the agent runs in may have no chroot binary
  if (fs.existsSync(`${initRoot}/modules.dep`)) return { dir: initRoot, modprobe: ['/proc/1/root/bin/busybox', 'chroot', '/proc/1/root', '/sbin/modprobe'] };
  throw new Error(`no modules for ${release} under /lib/modules (nor under init's root)`);
}

/** The module's file and its dependencies (module names), from modules.dep. */
export function lookUpModule(modulesDep: string, name: string): { file: string; dependencies: string[] } | undefined {
  const wanted = name.replace(/-/g, '_');
  const moduleName = (file: string): string => path.basename(file).replace(/\.ko(\.[a-z]+)?$/, '').replace(/-/g, '_');
  for (const line of modulesDep.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const file = line.slice(0, colon).trim();
    if (moduleName(file) !== wanted) continue;
    const dependencies = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(moduleName);
    return { file, dependencies };
  }
  return undefined;
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
    messages.push(record.slice(record.indexOf(';') + 1).split('\n')[0] ?? '');
  }
}

function runModprobe(root: ModuleRoot, args: string[]): { exitCode: number; stderr: string } {
  const [command, ...prefix] = root.modprobe;
  const child = spawnSync(command as string, [...prefix, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (child.error) throw new Error(`modprobe: ${child.error.message}`);
  return { exitCode: child.status ?? -1, stderr: child.stderr.trim() };
}

/** Run `load` and return what it reports with the kernel log records written meanwhile. */
function capturingKernelLog(load: () => { exitCode: number; stderr: string }): ModprobeResult {
  const kmsg = fs.openSync('/dev/kmsg', fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    // the records before the load tell the cycle counter's rate (tcrypt's sec=0 figures count it)
    const cycleHz = cycleRateOf(readRecords(kmsg, true));
    const started = process.hrtime.bigint();
    const { exitCode, stderr } = load();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { exitCode, stderr, log: readRecords(kmsg, true), seconds, ...(cycleHz !== undefined ? { cycleHz } : {}) };
  } finally {
    fs.closeSync(kmsg);
  }
}

/** finit_module(2) of a module file with its parameters. */
function finitFile(file: string, params: readonly string[]): { exitCode: number; stderr: string } {
  const moduleFd = fs.openSync(file, 'r');
  try {
    return finitModule(moduleFd, params.join(' ')) === 0 ? { exitCode: 0, stderr: '' } : { exitCode: 1, stderr: `finit_module ${file}: ${errnoName(lastErrno())}` };
  } finally {
    fs.closeSync(moduleFd);
  }
}

function checkParams(params: readonly string[], what: string): void {
  for (const param of params) if (!MODULE_PARAM.test(param)) throw new Error(`${what}: bad module parameter ${JSON.stringify(param)}`);
}

/**
 * A host path as this agent sees it: as given, else under /host — the 9p share of the host's / in a
 * QEMU guest whose agent runs in the initramfs root (Debian's node on the Arm boards), as the native
 * agent looks for it too.
 */
export function hostPathHere(file: string, exists: (file: string) => boolean = fs.existsSync): string {
  return !exists(file) && exists(`/host${file}`) ? `/host${file}` : file;
}

/** finit_module of a file (a host path: hostPathHere), capturing the kernel log it writes (fixtures: the self-test result). */
export function insmodCapturingLog(body: InsmodRequestBody): ModprobeResult {
  checkParams(body.params, 'insmod');
  if (!/\.ko$/.test(body.path)) throw new Error(`insmod: ${body.path} is not a .ko file`);
  return capturingKernelLog(() => finitFile(hostPathHere(body.path), body.params));
}

export function loadModuleCapturingLog(body: ModprobeRequestBody): ModprobeResult {
  if (!MODULE_NAME.test(body.module)) throw new Error(`modprobe: bad module name ${JSON.stringify(body.module)}`);
  checkParams(body.params, 'modprobe');
  const root = moduleRoot();
  const found = lookUpModule(fs.readFileSync(path.join(root.dir, 'modules.dep'), 'utf8'), body.module);
  if (!found) return { exitCode: 1, stderr: `module ${body.module} not found in ${root.dir}/modules.dep`, log: [], seconds: 0 };
  for (const dependency of found.dependencies) {
    const loaded = runModprobe(root, [dependency]);
    if (loaded.exitCode !== 0) return { ...loaded, stderr: `dependency ${dependency}: ${loaded.stderr}`, log: [], seconds: 0 };
  }
  // an uncompressed module is loaded directly; a compressed one by the target's modprobe
  return capturingKernelLog(() => (/\.ko$/.test(found.file) ? finitFile(path.join(root.dir, found.file), body.params) : runModprobe(root, [body.module, ...body.params])));
}
