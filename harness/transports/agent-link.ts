/**
 * The last layer of every non-QEMU transport: a byte stream on which the agent was just started
 * becomes an AgentClient, waited on until it says ready and hello. Lines that are not protocol
 * frames (a shell echo, a kernel message on a serial console) are kept as console lines.
 */
import type { Duplex } from 'node:stream';
import { AgentClient } from '../targets/agent-client.js';
import { TargetError } from '../core/errors.js';
import type { HelloResult } from '../protocol/messages.js';
import type { Target, TargetInfo } from '../targets/target.js';

/** The last lines a target printed outside the protocol, for diagnostics. */
export class ConsoleLines {
  private readonly lines: string[] = [];
  constructor(private readonly keep = 200) {}

  push(line: string): void {
    // strip terminal control sequences (a login shell's line editor asks for the cursor position)
    this.lines.push(line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''));
    if (this.lines.length > this.keep) this.lines.shift();
  }

  tail(count: number): string[] {
    return this.lines.slice(-count);
  }
}

export async function startAgentLink(
  stream: Duplex,
  options: { what: string; readyTimeoutMs: number; requestTimeoutMs: number; console: ConsoleLines; started?: () => void },
): Promise<{ agent: AgentClient; hello: HelloResult; readyMs: number }> {
  const startedAt = Date.now();
  const agent = new AgentClient(stream, { defaultTimeoutMs: options.requestTimeoutMs, onNoise: (line) => options.console.push(line) });
  options.started?.();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TargetError(`the agent on ${options.what} was not ready within ${Math.round(options.readyTimeoutMs / 1000)} s`, [`last lines from ${options.what}:`, ...options.console.tail(15).map((line) => `  | ${line}`)])),
      options.readyTimeoutMs,
    );
  });
  try {
    await Promise.race([agent.ready(), timeout]);
    const readyMs = Date.now() - startedAt;
    const hello = await Promise.race([agent.request('hello', {}), timeout]);
    return { agent, hello, readyMs };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A target reached through a link the harness opened (a serial port, an SSH connection): stopping
 * says bye to the agent, then closes the agent stream and the link itself.
 */
export abstract class LinkedTarget implements Target {
  protected unregister: () => void = () => undefined;

  protected constructor(
    readonly agent: AgentClient,
    readonly info: TargetInfo,
    protected readonly console: ConsoleLines,
  ) {}

  /** close the transport's own link (port, connection) */
  protected abstract closeLink(): void;

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
