/**
 * A target reached through a link the harness opened (a serial port, an SSH connection): stopping
 * says bye to the agent, then closes the agent stream and the link itself.
 */
import type { AgentClient } from './agent-client.js';
import type { ConsoleLines } from './console-lines.js';
import type { Target, TargetInfo } from './target.js';

export abstract class LinkedTarget implements Target {
  protected unregister: () => void = () => undefined;

  /** @param link the transport's own link (a serial shell, an SSH connection), closed last */
  protected constructor(
    readonly agent: AgentClient,
    readonly info: TargetInfo,
    private readonly transport: { close(): void },
    protected readonly console: ConsoleLines,
  ) {}

  private closeLink(): void {
    this.transport.close();
  }

  consoleTail(lines: number): string[] {
    return this.console.tail(lines);
  }

  async stop(): Promise<void> {
    try {
      if (!this.agent.closed) await this.agent.request('bye', {}, 5_000);
    } catch {
      // the link may already be gone
    }
    this.kill();
  }

  kill(): void {
    this.agent.close();
    this.closeLink();
    this.unregister();
  }
}
