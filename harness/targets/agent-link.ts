/**
 * The last layer of every target: a byte stream on which the agent was just started (or is about
 * to be) becomes an AgentClient, waited on until it says ready and hello, within the board's
 * agent-ready timeout. Lines that are not protocol frames (a shell echo, a kernel message on a
 * serial console) are kept as console lines.
 */
import type { Duplex } from 'node:stream';
import { AgentClient, type LossyLink } from './agent-client.js';
import type { HelloResult } from '../protocol/messages.js';
import { targetErrorWithConsole, type ConsoleLines } from './console-lines.js';

export interface AgentLinkOptions {
  /** the target in messages, e.g. `pi4 (ssh root@10.0.0.2:22)` */
  what: string;
  readyTimeoutMs: number;
  requestTimeoutMs: number;
  console: ConsoleLines;
  /** called once the client listens on the stream: start the agent now (a serial shell's exec line) */
  started?: () => void;
  /** rejects when the target is gone before its agent is ready (QEMU or the agent process exited) */
  exited?: Promise<never>;
  /** put before each non-protocol line of the stream (QEMU: the link is not its console) */
  noisePrefix?: string;
  /** the link can lose bytes: nudge and resend (AgentClient) */
  lossy?: LossyLink;
  /** a slow link: request timeouts grow by the time a request takes to cross it */
  bytesPerSecond?: number;
}

export interface AgentLink {
  agent: AgentClient;
  hello: HelloResult;
  /** from the call to the agent's ready line, ms */
  readyMs: number;
}

/**
 * Wait for the agent's ready line and hello on `stream` (or on the stream `connect` resolves with,
 * the connection counted in the timeout). Rejects on the ready timeout or when `exited` rejects.
 */
export async function startAgentLink(stream: Duplex | (() => Promise<Duplex>), options: AgentLinkOptions): Promise<AgentLink> {
  const startedAt = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const seconds = Math.round(options.readyTimeoutMs / 1000);
    timer = setTimeout(() => reject(targetErrorWithConsole(`the agent on ${options.what} was not ready within ${seconds} s`, options.what, options.console)), options.readyTimeoutMs);
  });
  const ends = options.exited ? [timeout, options.exited] : [timeout];
  const within = <T>(step: Promise<T>): Promise<T> => Promise.race([step, ...ends]);
  const prefix = options.noisePrefix ?? '';
  try {
    const connected = typeof stream === 'function' ? await within(stream()) : stream;
    const agent = new AgentClient(connected, { defaultTimeoutMs: options.requestTimeoutMs, onNoise: (line) => options.console.push(`${prefix}${line}`), ...(options.lossy ? { lossy: options.lossy } : {}), ...(options.bytesPerSecond ? { bytesPerSecond: options.bytesPerSecond } : {}) });
    options.started?.();
    await within(agent.ready());
    const readyMs = Date.now() - startedAt;
    const hello = await within(agent.request('hello', {}));
    return { agent, hello, readyMs };
  } finally {
    clearTimeout(timer);
  }
}
