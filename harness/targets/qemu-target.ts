/**
 * A QEMU target: boots the board's guest image, captures the console, connects to the agent's
 * virtio-serial port (harness/transports/qemu-agent-socket.ts) and waits for the agent's ready line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { timeoutsOf, type QemuBoard } from '../board/board.js';
import type { AgentClient } from './agent-client.js';
import { BadInputError, TargetError } from '../core/errors.js';
import { requireHostTools } from '../core/exec.js';
import { agentEntry, projectRoot } from '../core/paths.js';
import { buildAgentBundle } from '../deploy/agent-bundle.js';
import { prepareGuestImage, type GuestImage } from '../../qemu/guest-image.js';
import { chooseAccel, hostBoardArch, type AccelChoice } from '../../qemu/accel-probe.js';
import { qemuArgs } from '../../qemu/qemu-command.js';
import { connectWithRetry } from '../transports/qemu-agent-socket.js';
import { startAgentLink } from './agent-link.js';
import { agentPreferenceOf, chooseQemuAgent, describeAgentChoice, type AgentChoice, type AgentPreference } from './agent-choice.js';
import { buildNativeAgent, nativeAgentBuildable } from '../native-agent/build.js';
import { ConsoleLines, targetErrorWithConsole } from './console-lines.js';
import { registerLive } from './live-targets.js';
import type { KernelConsole, Target, TargetInfo, TargetTimings } from './target.js';

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
  /** which agent (default: the board's agent.kind, else auto); native builds buildNativeAgent(board.arch) */
  agent?: AgentPreference;
}

/** The agent choice and, for the native agent, its program: options.nativeAgent, else a build for the board's arch. */
async function resolveQemuAgent(board: QemuBoard, options: QemuTargetOptions): Promise<{ choice: AgentChoice; nativeAgent?: string }> {
  if (options.nativeAgent !== undefined) return { choice: { kind: 'native', reason: `given: ${options.nativeAgent}` }, nativeAgent: options.nativeAgent };
  const choice = chooseQemuAgent(board, options.agent ?? agentPreferenceOf(board), { nativeBuildable: nativeAgentBuildable(board.arch) });
  (options.progress ?? process.stderr).write(`${describeAgentChoice(choice)}\n`);
  if (choice.kind === 'node') return { choice };
  return { choice, nativeAgent: (await buildNativeAgent(board.arch)).program };
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

/** SIGKILL QEMU (its process id: it runs detached) unless it is gone already. */
function sigkill(child: ChildProcess): void {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** When the guest's init started and at what uptime it started the agent, from its `afalg-init: UPTIME STAGE` lines. */
function watchInitStages(console: ConsoleLines): { initStartedAt?: number; agentStartUptime?: number } {
  const stages: { initStartedAt?: number; agentStartUptime?: number } = {};
  console.onLine((line) => {
    const stage = /afalg-init: ([\d.]+) (\S+)/.exec(line);
    if (stage?.[2] === 'start' && stages.initStartedAt === undefined) stages.initStartedAt = Date.now();
    if (stage?.[2] === 'agent-start') stages.agentStartUptime = Number(stage[1]);
  });
  return stages;
}

export class QemuTarget implements Target {
  private stopped = false;
  private unregister: () => void = () => undefined;

  private constructor(
    readonly agent: AgentClient,
    readonly info: TargetInfo,
    private readonly child: ChildProcess,
    private readonly console: ConsoleLines,
    private readonly socketDir: string,
  ) {}

  static async start(board: QemuBoard, options: QemuTargetOptions = {}): Promise<QemuTarget> {
    requireHostTools([{ command: board.qemu.binary, debianPackage: QEMU_PACKAGES[board.qemu.binary] ?? 'qemu-system' }], `board ${board.name}`);
    const { choice, nativeAgent } = await resolveQemuAgent(board, options);
    const native = nativeAgent !== undefined;
    // the native agent needs no node in the image: an agentNode image board boots without Debian's nodejs
    if (native) board = { ...board, qemu: { ...board.qemu, agentNode: 'host' } };
    const imageNode = (board.qemu.agentNode ?? 'host') === 'image';
    const hostArch = hostBoardArch();
    if (!imageNode && !native && hostArch !== board.arch) {
      throw new BadInputError(
        `${board.file}: board ${board.name} is ${board.arch} but this host is ${hostArch ?? process.arch}: the host's node cannot run in its guest; set "agentNode": "image" in its qemu section`,
      );
    }
    if (native && !fs.existsSync(nativeAgent)) throw new TargetError(`no native agent at ${nativeAgent}`);
    if (!imageNode && !native && !fs.existsSync(agentEntry)) {
      throw new TargetError(`the agent is not built (${agentEntry} missing): run 'npm run build'`);
    }
    const image: GuestImage = await prepareGuestImage(board, { progress: options.progress });
    const accel: AccelChoice = await chooseAccel(board, image);
    // agentNode image: the guest's own node runs the agent bundle of its architecture (koffi's
    // native module is per architecture, so the host's dist/ tree cannot serve)
    const nativePath = native ? fs.realpathSync(nativeAgent) : '';
    const launchAgent = native
      ? { mode: 'native' as const, nodePath: nativePath, agentScript: nativePath }
      : imageNode
      ? { mode: 'image' as const, nodePath: IMAGE_NODE, agentScript: fs.realpathSync(await imageAgentScript(board, options.progress)) }
      : { mode: '9p' as const, nodePath: fs.realpathSync(process.execPath), agentScript: fs.realpathSync(agentEntry) };
    const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-qemu-'));
    const agentSocket = path.join(socketDir, 'agent.sock');
    const args = qemuArgs(board, image, { accel: accel.accel, agentSocket, ...launchAgent });

    const timeouts = timeoutsOf(board);
    const readySec = options.agentReadyTimeoutSec ?? timeouts.agentReadySec;
    const startedAt = Date.now();
    (options.progress ?? process.stderr).write(`starting ${board.name}: ${board.qemu.binary} (${accel.accel}), waiting up to ${readySec} s for the agent\n`);
    const child = spawn(board.qemu.binary, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const console = new ConsoleLines({ keep: CONSOLE_LINES_KEPT, logFile: options.consoleLog, appendLog: options.appendConsoleLog });
    const stages = watchInitStages(console);
    const killChild = (): void => {
      sigkill(child);
      fs.rmSync(socketDir, { recursive: true, force: true });
    };
    const unregister = registerLive({ kill: killChild });
    child.stdout?.on('data', (chunk: Buffer) => console.pushChunk(chunk));
    child.stderr?.on('data', (chunk: Buffer) => console.pushChunk(chunk));

    const exited = new Promise<never>((_, reject) => {
      child.once('exit', (code, signal) => reject(targetErrorWithConsole(`QEMU exited (${signal ?? `code ${code}`}) before the agent was ready`, board.name, console)));
      child.once('error', (error) => reject(targetErrorWithConsole(`cannot start ${board.qemu.binary}: ${error.message}`, board.name, console)));
    });
    exited.catch(() => undefined);
    try {
      const linkStartedAt = Date.now();
      const { agent, hello, readyMs } = await startAgentLink(() => connectWithRetry(agentSocket, child, startedAt + 10_000), {
        what: board.name,
        readyTimeoutMs: readySec * 1000,
        requestTimeoutMs: timeouts.requestSec * 1000,
        console,
        exited,
        noisePrefix: '[agent-link] ',
      });
      const timings: TargetTimings = {
        bootMs: stages.initStartedAt !== undefined ? stages.initStartedAt - startedAt : undefined,
        guestAgentStartS: stages.agentStartUptime,
        agentReadyMs: linkStartedAt - startedAt + readyMs,
      };
      const info: TargetInfo = {
        board: board.name,
        transport: 'qemu',
        arch: board.arch,
        accel: { accel: accel.accel, reason: accel.reason },
        kernelPackage: `${image.kernelPackage} ${image.kernelVersion}`,
        hello,
        timings,
        agent: choice,
      };
      const target = new QemuTarget(agent, info, child, console, socketDir);
      target.unregister = unregister;
      child.removeAllListeners('exit');
      child.once('exit', (code, signal) => console.push(`[afalg-harness] QEMU exited (${signal ?? `code ${code}`})`));
      return target;
    } catch (error) {
      killChild();
      unregister();
      console.close();
      throw error instanceof TargetError ? error : targetErrorWithConsole((error as Error).message, board.name, console);
    }
  }

  /** the guest's serial console: the kernel's messages (a panic's among them, which the agent cannot report) */
  get kernelConsole(): KernelConsole {
    return this.console;
  }

  consoleTail(lines: number): string[] {
    return this.console.tail(lines);
  }

  /** SIGKILL QEMU and release what the target holds (its socket directory, console log, registration). */
  kill(): void {
    sigkill(this.child);
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
