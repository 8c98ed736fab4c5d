/**
 * A run session owns the target's life for one run (labgrid's strategy idea): it brings the target
 * up with the run's extra modules loaded, brings it back after a hang or a kernel fault where the
 * transport allows it, and stops or kills it at the end. What each transport allows is declared in
 * one table, not tested inline.
 */
import type { Board, Transport } from '../board/board.js';
import { openTarget } from '../targets/open-target.js';
import { loadModules, moduleFilesFor } from '../targets/extra-modules.js';
import type { Target } from '../targets/target.js';
import type { AgentPreference } from '../targets/agent-choice.js';

/**
 * What a run does when a driver leaves the target unusable (a request stuck in the kernel, a
 * fault): `restart` — the harness can power-cycle it (a QEMU guest) and goes on without that
 * driver; `stop` — a real board is not power-cycled from here: the run stops with what it has,
 * and `--resume` goes on after the board is rebooted.
 */
export const AFTER_A_STUCK_DRIVER: Readonly<Record<Transport, 'restart' | 'stop'>> = {
  qemu: 'restart',
  serial: 'stop',
  ssh: 'stop',
  local: 'stop',
};

/** A QEMU guest is restarted at most this many times in one run. */
export const MAX_RESTARTS = 8;

export interface RunSessionOptions {
  consoleLog?: string;
  /** fault-injection fixtures to build for the target's kernel and load */
  fixtures: readonly string[];
  /** build the in-kernel executor module for the target's kernel and load it */
  kernelExecutor?: boolean;
  /** module files (.ko) to load */
  moduleFiles: readonly string[];
  /** progress and diagnostics */
  log?: (line: string) => void;
  /** which agent: auto (default: the board's agent.kind, else auto), node, native */
  agent?: AgentPreference;
}

export class RunSession {
  private current: Target;
  private restartsDone = 0;

  private constructor(
    readonly board: Board,
    private readonly options: RunSessionOptions,
    target: Target,
    private readonly modules: readonly string[],
  ) {
    this.current = target;
  }

  /** Bring the target up and load the run's modules into it. */
  static async start(board: Board, options: RunSessionOptions): Promise<RunSession> {
    const target = await openTarget(board, { consoleLog: options.consoleLog, agent: options.agent });
    try {
      const modules = await moduleFilesFor(target, board, options.fixtures, options.moduleFiles, options.kernelExecutor === true);
      await loadModules(target, board, modules);
      return new RunSession(board, options, target, modules);
    } catch (error) {
      target.kill();
      throw error;
    }
  }

  get target(): Target {
    return this.current;
  }

  get restarts(): number {
    return this.restartsDone;
  }

  /** Whether the next stuck driver can be recovered from by a restart (else the run stops there). */
  canRestart(): boolean {
    return AFTER_A_STUCK_DRIVER[this.board.transport] === 'restart' && this.restartsDone < MAX_RESTARTS;
  }

  /** Why the run cannot go on after a stuck driver: restarts used up, or a board to reboot by hand. */
  whyNoRestart(resumeDir: string): string {
    return AFTER_A_STUCK_DRIVER[this.board.transport] === 'restart'
      ? `${MAX_RESTARTS} restarts used up`
      : `restart ${this.board.name} and continue with --resume ${resumeDir}`;
  }

  /** Kill the target and bring it up again with the same modules loaded. */
  async restart(): Promise<Target> {
    this.restartsDone++;
    this.current.kill();
    this.current = await openTarget(this.board, { consoleLog: this.options.consoleLog, appendConsoleLog: true, agent: this.options.agent });
    await loadModules(this.current, this.board, this.modules);
    return this.current;
  }

  /** A finished run stops the target politely; a cut-short one kills it. */
  async close(completed: boolean): Promise<void> {
    if (completed) await this.current.stop();
    else this.current.kill();
  }
}
