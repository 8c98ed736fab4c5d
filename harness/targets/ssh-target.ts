/**
 * A board over SSH: the shell (harness/transports/ssh-shell.ts) deploys the agent, then starts it
 * on an exec channel of its own, which carries the framed protocol; the agent's stderr is kept as
 * console lines.
 */
import { timeoutsOf, type Board } from '../board/board.js';
import { BadInputError } from '../core/errors.js';
import { SshShell } from '../transports/ssh-shell.js';
import { deployBoardAgent } from './board-agent.js';
import type { AgentPreference } from './agent-choice.js';
import { startAgentLink } from './agent-link.js';
import { ConsoleLines } from './console-lines.js';
import { LinkedTarget } from './linked-target.js';
import { registerLive } from './live-targets.js';
import type { TargetInfo } from './target.js';

export class SshTarget extends LinkedTarget {
  static async start(board: Board, options: { progress?: NodeJS.WritableStream; agent?: AgentPreference } = {}): Promise<SshTarget> {
    const config = board.ssh;
    if (!config) throw new BadInputError(`${board.file}: transport ssh needs an 'ssh' section`);
    const out = options.progress ?? process.stderr;
    const startedAt = Date.now();
    const timeouts = timeoutsOf(board);
    const shell = await SshShell.connect(board, config, timeouts.loginSec * 1000);
    const unregister = registerLive({ kill: () => shell.close() });
    const console = new ConsoleLines();
    try {
      out.write(`connected: ${shell.description}\n`);
      const deployed = await deployBoardAgent(shell, board, { agent: options.agent, out });
      const channel = await shell.exec(deployed.command, 'the agent');
      console.follow(channel.stderr, '[agent stderr] ');
      const { agent, hello } = await startAgentLink(channel, {
        what: `${board.name} (${shell.description})`,
        readyTimeoutMs: timeouts.agentReadySec * 1000,
        requestTimeoutMs: timeouts.requestSec * 1000,
        console,
      });
      const info: TargetInfo = { board: board.name, transport: 'ssh', arch: board.arch, hello, timings: { agentReadyMs: Date.now() - startedAt }, agent: deployed.choice };
      const target = new SshTarget(agent, info, shell, console);
      target.unregister = unregister;
      return target;
    } catch (error) {
      unregister();
      shell.close();
      throw error;
    }
  }
}
