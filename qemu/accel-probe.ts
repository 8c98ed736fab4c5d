/**
 * `accel: auto` must really probe. /dev/kvm can exist and still be useless: here it is a software
 * module under which Debian's kernel aborts (MSR 0x10a) or hangs at "Booting from ROM". So boot the
 * real image under KVM once, wait a short bound for init's first line, and fall back to TCG.
 * The verdict is cached per host kernel, QEMU binary and CPU model.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type { Arch, QemuBoard } from '../harness/board/board.js';
import { cacheDir } from '../harness/core/paths.js';
import type { GuestImage } from './guest-image.js';
import { qemuArgs } from './qemu-command.js';

export interface AccelChoice {
  accel: 'kvm' | 'tcg';
  /** why: requested by the board, or what the probe saw */
  reason: string;
  probedAt?: string;
}

interface ProbeCache {
  [key: string]: AccelChoice;
}

function probeKey(board: QemuBoard): string {
  return [os.release(), board.qemu.binary, board.qemu.cpu.kvm, board.qemu.machine].join('|');
}

function kvmUsable(): boolean {
  try {
    fs.accessSync('/dev/kvm', fs.constants.R_OK | fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Boot under KVM and report whether init printed its first line within the bound. */
function probeKvm(board: QemuBoard, image: GuestImage, boundMs: number): Promise<string | undefined> {
  const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-probe-'));
  const args = qemuArgs(board, image, {
    accel: 'kvm',
    agentSocket: path.join(socketDir, 'agent.sock'),
    nodePath: '/nonexistent-probe-only',
    agentScript: '/nonexistent-probe-only',
  });
  return new Promise((resolve) => {
    const child = spawn(board.qemu.binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let settled = false;
    const finish = (failure: string | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      fs.rmSync(socketDir, { recursive: true, force: true });
      resolve(failure);
    };
    const timer = setTimeout(() => finish(`KVM guest did not reach init within ${boundMs / 1000} s`), boundMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('afalg-init:')) finish(undefined);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => finish(`cannot start ${board.qemu.binary}: ${error.message}`));
    child.on('exit', (code) => {
      const lastLine = output.trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
      finish(`KVM guest exited early (${code ?? 'signal'}): ${lastLine.slice(0, 160)}`);
    });
  });
}

/** Node's process.arch → the board architecture names (undefined: none of them). */
export function hostBoardArch(nodeArch: string = process.arch): Arch | undefined {
  return ({ x64: 'x86_64', arm64: 'aarch64', arm: 'armhf' } as Record<string, Arch>)[nodeArch];
}

/**
 * Why `auto` cannot use KVM for this board without probing, or undefined: KVM runs a guest of the
 * host's own architecture only, so any other one is emulated (TCG).
 */
export function foreignGuestReason(board: QemuBoard, host: Arch | undefined = hostBoardArch()): string | undefined {
  if (host === board.arch) return undefined;
  return `auto: ${board.arch} guest on a ${host ?? process.arch} host: KVM runs only the host's own architecture, so TCG (not probed)`;
}

export async function chooseAccel(board: QemuBoard, image: GuestImage): Promise<AccelChoice> {
  const requested = board.qemu.accel;
  if (requested === 'tcg') return { accel: 'tcg', reason: 'board asks for tcg' };
  if (requested === 'kvm') return { accel: 'kvm', reason: 'board asks for kvm' };
  const foreign = foreignGuestReason(board);
  if (foreign) return { accel: 'tcg', reason: foreign };
  if (!kvmUsable()) return { accel: 'tcg', reason: 'auto: /dev/kvm not usable' };
  const cacheFile = cacheDir('accel-probe.json');
  let cache: ProbeCache = {};
  try {
    cache = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as ProbeCache;
  } catch {
    // no cache yet
  }
  const key = probeKey(board);
  const known = cache[key];
  if (known) return { ...known, reason: `${known.reason} (probed ${known.probedAt ?? 'earlier'}, cached)` };
  const failure = await probeKvm(board, image, (board.qemu.kvmProbeSec ?? 8) * 1000);
  const choice: AccelChoice = failure
    ? { accel: 'tcg', reason: `auto: ${failure}; fell back to TCG`, probedAt: new Date().toISOString() }
    : { accel: 'kvm', reason: 'auto: KVM guest reached init', probedAt: new Date().toISOString() };
  cache[key] = choice;
  fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
  fs.writeFileSync(cacheFile, JSON.stringify(cache, null, 2) + '\n');
  return choice;
}
