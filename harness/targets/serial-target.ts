/**
 * A board on a serial console: the shell on the port (harness/transports/serial-shell.ts) logs in
 * and deploys the agent, then execs it on the raw tty; from there the port carries the same framed
 * protocol as everywhere. Lines that are not protocol frames are kept as console lines.
 */
import { timeoutsOf, type Board } from '../board/board.js';
import { BadInputError } from '../core/errors.js';
import { SerialShell, serialPassword } from '../transports/serial-shell.js';
import { deployBoardAgent } from './board-agent.js';
import type { AgentPreference } from './agent-choice.js';
import { startAgentLink } from './agent-link.js';
import { ConsoleLines } from './console-lines.js';
import { LinkedTarget } from './linked-target.js';
import { registerLive } from './live-targets.js';
import type { KernelConsole, TargetInfo } from './target.js';

export class SerialTarget extends LinkedTarget {
  /**
   * A UART without flow control drops bytes once the tty's buffers are full (the agent's main
   * thread starved by its workers reads late): one request at a time, each small. Seen on the QEMU
   * board: two 384 KiB requests in flight lost bytes and a request was never answered.
   */
  readonly link = { pipelineDepth: 1, maxRequestBytes: 32 * 1024 };
  /**
   * Even one request at a time was once left unanswered on a loaded CI machine (a 64 KiB case, no
   * damaged-frame answer, no corrupt frame back): the client nudges the agent with a newline every
   * 15 s and writes a damaged request again, twice at most (AgentClient's LossyLink); a request met
   * by three nudges and not a byte back (twice in CI under load, 2026-11) is written again as well.
   */
  static readonly lossy = { nudgeEveryMs: 15_000, resends: 2, silentNudges: 3 };

  /** the port's lines that are not protocol frames: the kernel's console messages among them (an oops printed there) */
  get kernelConsole(): KernelConsole {
    return this.console;
  }

  static async start(board: Board, options: { progress?: NodeJS.WritableStream; agent?: AgentPreference } = {}): Promise<SerialTarget> {
    const config = board.serial;
    if (!config) throw new BadInputError(`${board.file}: transport serial needs a 'serial' section`);
    const password = serialPassword(board, config);
    const out = options.progress ?? process.stderr;
    const startedAt = Date.now();
    const console = new ConsoleLines();
    const shell = await SerialShell.open(board, config, (line) => console.push(line), out);
    const unregister = registerLive({ kill: () => shell.close() });
    try {
      await shell.login(password);
      out.write(`logged in: ${shell.description} as ${config.login.user}\n`);
      const deployed = await deployBoardAgent(shell, board, { agent: options.agent, out, baud: config.baudRate, libc: 'glibc' });
      // from here the port belongs to the agent: raw tty, the framed protocol
      const timeouts = timeoutsOf(board);
      const { agent, hello } = await startAgentLink(shell.port, {
        what: `${board.name} (${shell.description})`,
        readyTimeoutMs: timeouts.agentReadySec * 1000,
        requestTimeoutMs: timeouts.requestSec * 1000,
        console,
        lossy: SerialTarget.lossy,
        // 8N1: ten bits a byte; a 64 KiB generated case takes ~8 s to cross a 115200-baud UART
        bytesPerSecond: config.baudRate / 10,
        started: () => shell.execRaw(deployed.command),
      });
      const info: TargetInfo = { board: board.name, transport: 'serial', arch: board.arch, hello, timings: { agentReadyMs: Date.now() - startedAt }, agent: deployed.choice };
      const target = new SerialTarget(agent, info, shell, console);
      target.unregister = unregister;
      return target;
    } catch (error) {
      unregister();
      shell.close();
      throw error;
    }
  }
}
