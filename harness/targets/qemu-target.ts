/**
 * The QEMU transport: boots the board's guest image, captures the console, connects to the agent's
 * virtio-serial port (a unix socket QEMU listens on) and waits for the agent's ready line.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import type { QemuBoard } from '../board/board.js';
import { AgentClient } from './agent-client.js';
import { BadInputError, TargetError } from '../core/errors.js';
import { requireHostTools } from '../core/exec.js';
import { agentEntry, projectRoot } from '../core/paths.js';
import { buildAgentBundle } from '../deploy/agent-bundle.js';
import { prepareGuestImage, type GuestImage } from '../../qemu/guest-image.js';
import { chooseAccel, hostBoardArch, type AccelChoice } from '../../qemu/accel-probe.js';
import { qemuArgs } from '../../qemu/qemu-command.js';
import { registerLive } from './live-targets.js';
import type { Target, TargetInfo, TargetTimings } from './target.js';

const CONSOLE_LINES_KEPT = 400;
const STOP_GRACE_MS = 4000;

export interface QemuTargetOptions {
  progress?: NodeJS.WritableStream;
  /** write the whole console here as it arrives */
  consoleLog?: string;
  /** add to the console log instead of starting it afresh (a guest restarted mid-run) */
  appendConsoleLog?: boolean;
  /** override the board's agent-ready timeout */
  agentReadyTimeoutSec?: number;
  /** run this static native agent (a host path, e.g. from buildNativeAgent) instead of the Node agent */
  nativeAgent?: string;
}

/** Debian package that provides each QEMU binary. */
const QEMU_PACKAGES: Record<string, string> = {
  'qemu-system-x86_64': 'qemu-system-x86',
  'qemu-system-aarch64': 'qemu-system-arm',
  'qemu-system-arm': 'qemu-system-arm',
};

/** The node of agentNode image boards, as the guest sees it. */
const IMAGE_NODE = '/usr/bin/node';

/** Where the agent bundle of each architecture is built for agentNode image boards (dist/agent-bundle-<arch>). */
export function imageAgentBundleDir(arch: QemuBoard['arch']): string {
  return path.join(projectRoot, 'dist', `agent-bundle-${arch}`);
}

/** Build (or reuse: buildAgentBundle keeps what did not change) the board arch's agent bundle; its entry point. */
async function imageAgentScript(board: QemuBoard, progress: NodeJS.WritableStream | undefined): Promise<string> {
  const startedAt = Date.now();
  const bundle = await buildAgentBundle({ arch: board.arch, outDir: imageAgentBundleDir(board.arch), libc: 'glibc' });
  (progress ?? process.stderr).write(`agent bundle for ${board.arch}: ${bundle.dir} (version ${bundle.version}, ${((Date.now() - startedAt) / 1000).toFixed(1)} s)\n`);
  return path.join(bundle.dir, bundle.entry);
}

class Console {
  private readonly lines: string[] = [];
  private partial = '';
  private readonly log: fs.WriteStream | undefined;
  initStartedAt?: number;
  agentStartUptime?: number;
  private stageListeners: Array<(line: string) => void> = [];

  constructor(logFile: string | undefined, append = false) {
    this.log = logFile ? fs.createWriteStream(logFile, { flags: append ? 'a' : 'w' }) : undefined;
  }

  push(chunk: Buffer): void {
    if (this.log?.writable) this.log.write(chunk);
    // strip terminal control sequences the firmware prints
    const text = this.partial + chunk.toString('utf8').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\x1bc/g, '');
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.addLine(line);
  }

  private addLine(line: string): void {
    this.lines.push(line);
    if (this.lines.length > CONSOLE_LINES_KEPT) this.lines.shift();
    const stage = /afalg-init: ([\d.]+) (\S+)/.exec(line);
    if (stage) {
      if (stage[2] === 'start' && this.initStartedAt === undefined) this.initStartedAt = Date.now();
      if (stage[2] === 'agent-start') this.agentStartUptime = Number(stage[1]);
      for (const listener of this.stageListeners) listener(line);
    }
  }

  onStage(listener: (line: string) => void): void {
    this.stageListeners.push(listener);
  }

  tail(count: number): string[] {
    const all = this.partial ? [...this.lines, this.partial] : this.lines;
    return all.filter((line) => line.trim() !== '').slice(-count);
  }

  close(): void {
    if (this.log?.writable) this.log.end();
  }
}

function connectWithRetry(socketPath: string, child: ChildProcess, deadline: number): Promise<net.Socket> {
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

export class QemuTarget implements Target {
  private stopped = false;
  private unregister: () => void = () => undefined;

  private constructor(
    readonly agent: AgentClient,
    readonly info: TargetInfo,
    private readonly child: ChildProcess,
    private readonly console: Console,
    private readonly socketDir: string,
  ) {}

  static async start(board: QemuBoard, options: QemuTargetOptions = {}): Promise<QemuTarget> {
    requireHostTools([{ command: board.qemu.binary, debianPackage: QEMU_PACKAGES[board.qemu.binary] ?? 'qemu-system' }], `board ${board.name}`);
    const imageNode = (board.qemu.agentNode ?? 'host') === 'image';
    const hostArch = hostBoardArch();
    const native = options.nativeAgent !== undefined;
    if (!imageNode && !native && hostArch !== board.arch) {
      throw new BadInputError(
        `${board.file}: board ${board.name} is ${board.arch} but this host is ${hostArch ?? process.arch}: the host's node cannot run in its guest; set "agentNode": "image" in its qemu section`,
      );
    }
    if (native && !fs.existsSync(options.nativeAgent as string)) throw new TargetError(`no native agent at ${options.nativeAgent}`);
    if (!imageNode && !native && !fs.existsSync(agentEntry)) {
      throw new TargetError(`the agent is not built (${agentEntry} missing): run 'npm run build'`);
    }
    const image: GuestImage = await prepareGuestImage(board, { progress: options.progress });
    const accel: AccelChoice = await chooseAccel(board, image);
    // agentNode image: the guest's own node runs the agent bundle of its architecture (koffi's
    // native module is per architecture, so the host's dist/ tree cannot serve)
    const nativePath = native ? fs.realpathSync(options.nativeAgent as string) : '';
    const launchAgent = native
      ? { mode: 'native' as const, nodePath: nativePath, agentScript: nativePath }
      : imageNode
      ? { mode: 'image' as const, nodePath: IMAGE_NODE, agentScript: fs.realpathSync(await imageAgentScript(board, options.progress)) }
      : { mode: '9p' as const, nodePath: fs.realpathSync(process.execPath), agentScript: fs.realpathSync(agentEntry) };
    const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-qemu-'));
    const agentSocket = path.join(socketDir, 'agent.sock');
    const args = qemuArgs(board, image, { accel: accel.accel, agentSocket, ...launchAgent });

    const startedAt = Date.now();
    (options.progress ?? process.stderr).write(`starting ${board.name}: ${board.qemu.binary} (${accel.accel}), waiting up to ${options.agentReadyTimeoutSec ?? board.timeouts?.agentReadySec ?? 60} s for the agent\n`);
    const child = spawn(board.qemu.binary, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const console = new Console(options.consoleLog, options.appendConsoleLog);
    const killChild = (): void => {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      fs.rmSync(socketDir, { recursive: true, force: true });
    };
    const unregister = registerLive({ kill: killChild });
    child.stdout?.on('data', (chunk: Buffer) => console.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => console.push(chunk));

    const readySec = options.agentReadyTimeoutSec ?? board.timeouts?.agentReadySec ?? 60;
    const fail = (message: string): TargetError => {
      killChild();
      unregister();
      console.close();
      fs.rmSync(socketDir, { recursive: true, force: true });
      return new TargetError(message, [`last console lines of ${board.name}:`, ...console.tail(20).map((line) => `  | ${line}`)]);
    };

    let agent: AgentClient;
    try {
      const exited = new Promise<never>((_, reject) => {
        child.once('exit', (code, signal) => reject(fail(`QEMU exited (${signal ?? `code ${code}`}) before the agent was ready`)));
        child.once('error', (error) => reject(fail(`cannot start ${board.qemu.binary}: ${error.message}`)));
      });
      exited.catch(() => undefined);
      let readyTimer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        readyTimer = setTimeout(() => reject(fail(`the agent on ${board.name} was not ready within ${readySec} s`)), readySec * 1000);
        child.once('exit', () => clearTimeout(readyTimer));
      });
      timeout.catch(() => undefined);
      const requestMs = (board.timeouts?.requestSec ?? 120) * 1000;
      const socket = await Promise.race([connectWithRetry(agentSocket, child, startedAt + 10_000), exited, timeout]);
      agent = new AgentClient(socket, { defaultTimeoutMs: requestMs, onNoise: (line) => console.push(Buffer.from(`[agent-link] ${line}\n`)) });
      await Promise.race([agent.ready(), exited, timeout]);
      const readyAt = Date.now();
      const hello = await Promise.race([agent.request('hello', {}), exited, timeout]);
      // ready: the start-up deadline no longer applies (it used to kill QEMU 60 s into a long run)
      clearTimeout(readyTimer);
      const timings: TargetTimings = {
        bootMs: console.initStartedAt !== undefined ? console.initStartedAt - startedAt : undefined,
        guestAgentStartS: console.agentStartUptime,
        agentReadyMs: readyAt - startedAt,
      };
      const info: TargetInfo = {
        board: board.name,
        transport: 'qemu',
        arch: board.arch,
        accel: { accel: accel.accel, reason: accel.reason },
        kernelPackage: `${image.kernelPackage} ${image.kernelVersion}`,
        hello,
        timings,
      };
      const target = new QemuTarget(agent, info, child, console, socketDir);
      target.unregister = unregister;
      child.removeAllListeners('exit');
      child.once('exit', (code, signal) => console.push(Buffer.from(`[afalg-harness] QEMU exited (${signal ?? `code ${code}`})\n`)));
      return target;
    } catch (error) {
      if (error instanceof TargetError) throw error;
      throw fail((error as Error).message);
    }
  }

  consoleTail(lines: number): string[] {
    return this.console.tail(lines);
  }

  /** SIGKILL QEMU and release what the target holds (its socket directory, console log, registration). */
  kill(): void {
    if (this.child.pid && this.child.exitCode === null && this.child.signalCode === null) {
      try {
        process.kill(this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.release();
  }

  private release(): void {
    this.unregister();
    this.console.close();
    fs.rmSync(this.socketDir, { recursive: true, force: true });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    if (!this.agent.closed) await this.agent.request('bye', {}, 3000).catch(() => undefined);
    // the agent's exit waits for its pending read of the port: closing our end completes it
    this.agent.close();
    const grace = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), STOP_GRACE_MS).unref());
    if ((await Promise.race([exited, grace])) === 'timeout') {
      this.kill();
      await exited;
    }
    this.release();
  }
}
