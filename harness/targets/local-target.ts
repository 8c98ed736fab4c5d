/**
 * A local target: this machine's own kernel. The agent runs as a child process of the harness
 * (the same Node.js, the built dist/harness/agent/main.js, speaking the protocol on its stdio);
 * nothing is uploaded and nothing is booted.
 *
 * It is meant for machines whose own kernel has AF_ALG (a board running the harness itself, a
 * workstation). On the development container this project is built on, the kernel has no AF_ALG
 * at all (socket(AF_ALG, …) fails with EAFNOSUPPORT): there `local` still says hello and reads
 * /proc/crypto, but every bind of discovery fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { Duplex } from 'node:stream';
import { timeoutsOf, type Arch, type Board } from '../board/board.js';
import { BadInputError } from '../core/errors.js';
import type { AgentClient } from './agent-client.js';
import { agentEntry } from '../core/paths.js';
import { startAgentLink } from './agent-link.js';
import { ConsoleLines, targetErrorWithConsole } from './console-lines.js';
import { registerLive } from './live-targets.js';
import type { Target, TargetInfo } from './target.js';

/** How long stop() waits for the agent to exit after bye before it kills it. */
const STOP_GRACE_MS = 5_000;

/** What os.machine() says on each board architecture. */
const MACHINES: Record<Arch, readonly string[]> = {
  x86_64: ['x86_64'],
  aarch64: ['aarch64', 'arm64'],
  armhf: ['armv7l', 'armv6l', 'armv8l', 'arm'],
};

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves when the child has exited (at once when it already has). */
function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (hasExited(child)) resolve();
    else child.once('exit', () => resolve());
  });
}

export class LocalTarget implements Target {
  private unregister: () => void = () => undefined;
  private stopped = false;

  private constructor(
    readonly agent: AgentClient,
    readonly info: TargetInfo,
    private readonly child: ChildProcess,
    private readonly console: ConsoleLines,
  ) {}

  /** The agent's process id (while it runs). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(board: Board, options: { progress?: NodeJS.WritableStream } = {}): Promise<LocalTarget> {
    const machine = os.machine();
    if (!MACHINES[board.arch].includes(machine)) {
      throw new BadInputError(`${board.file}: transport local runs on this machine, which is ${machine}, but the board says arch '${board.arch}'`);
    }
    if (!fs.existsSync(agentEntry)) throw new BadInputError(`the agent is not built (${agentEntry} is missing): run npm run build`);
    const out = options.progress ?? process.stderr;
    const startedAt = Date.now();
    const what = `${board.name} (local, ${os.hostname()})`;
    const console = new ConsoleLines();
    // no --port: the agent speaks the protocol on stdin/stdout; stderr is diagnostics only
    const child = spawn(process.execPath, [agentEntry], { stdio: ['pipe', 'pipe', 'pipe'] });
    const unregister = registerLive({
      kill: () => {
        if (!hasExited(child)) child.kill('SIGKILL');
      },
    });
    if (child.stderr) console.follow(child.stderr, '[agent stderr] ');
    const fail = (message: string) => targetErrorWithConsole(message, what, console);
    // the link's ready wait does not end by itself when the process does: it races the exit
    const exited = new Promise<never>((_, reject) => {
      child.once('exit', (code, signal) => reject(fail(`the agent on ${what} exited (${signal ?? `code ${code}`}) before it was ready`)));
      child.once('error', (error) => reject(fail(`cannot start the agent on ${what}: ${error.message}`)));
    });
    exited.catch(() => undefined);
    try {
      if (!child.stdout || !child.stdin) throw fail(`the agent on ${what} has no stdio`);
      const stream = Duplex.from({ readable: child.stdout, writable: child.stdin });
      const timeouts = timeoutsOf(board);
      const { agent, hello } = await startAgentLink(stream, {
        what,
        readyTimeoutMs: timeouts.agentReadySec * 1000,
        requestTimeoutMs: timeouts.requestSec * 1000,
        console,
        exited,
      });
      const info: TargetInfo = { board: board.name, transport: 'local', arch: board.arch, hello, timings: { agentReadyMs: Date.now() - startedAt } };
      const target = new LocalTarget(agent, info, child, console);
      target.unregister = unregister;
      out.write(`agent ${hello.agentVersion} running locally (pid ${child.pid}, node ${hello.node}, kernel ${hello.kernelRelease})\n`);
      return target;
    } catch (error) {
      if (!hasExited(child)) child.kill('SIGKILL');
      await exitOf(child);
      unregister();
      throw error;
    }
  }

  consoleTail(lines: number): string[] {
    return this.console.tail(lines);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const exited = exitOf(this.child);
    try {
      if (!this.agent.closed) await this.agent.request('bye', {}, STOP_GRACE_MS);
    } catch {
      // the agent may already be gone
    }
    // closing our end of its stdin also ends an agent that did not get the bye
    this.agent.close();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), STOP_GRACE_MS);
    });
    const outcome = await Promise.race([exited, grace]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.child.kill('SIGKILL');
      await exited;
    }
    this.unregister();
  }

  kill(): void {
    this.stopped = true;
    if (!hasExited(this.child)) this.child.kill('SIGKILL');
    this.agent.close();
    this.unregister();
  }
}
