/**
 * Host side of the agent protocol: sends framed requests over any byte stream and matches answers
 * by id. Knows nothing of how the stream reaches the target.
 */
import type { Duplex } from 'node:stream';
import { FrameDecoder, encodeFrame } from '../protocol/codec.js';
import type { AgentMessage, KernelLogEvent, MatrixHang, ReadyEvent, Request, RequestOp, ResultOf } from '../protocol/messages.js';
import { TargetError } from '../core/errors.js';

type RequestBody<Op extends RequestOp> = Omit<Extract<Request, { op: Op }>, 'id' | 'op'>;

interface Pending {
  op: RequestOp;
  /** the frame as written: what a lossy link sends again */
  frame: string;
  sent: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  nudge?: NodeJS.Timeout;
}

/**
 * A link that can lose bytes (a UART without flow control). While a request is unanswered the
 * client writes a bare newline every `nudgeEveryMs`: the agents ignore empty lines, but one that
 * holds the start of a request whose end was lost now sees a damaged frame and says so at once.
 * A request that reached the agent damaged is written again up to `resends` times, when sending
 * it twice is harmless (everything but loading modules).
 */
export interface LossyLink {
  nudgeEveryMs: number;
  resends: number;
  /**
   * After this many nudges with no byte back at all, the request is written again (when it may be):
   * the whole request may have been lost, or the agent's answer may sit in the board's UART until
   * its next write (a lost transmit interrupt) — the second request makes it write. An agent that
   * was only slow answers twice; the second answer is ignored.
   */
  silentNudges: number;
}

const PEER_GONE = new Set(['ECONNRESET', 'EPIPE']);

/** The JSON of an answer (its marker lost on the link): `"ok":true` or `"ok":false` */
const ANSWER_FRAGMENT = /"ok":(?:true|false)/;

/** Requests the agent can be asked again without changing the target (not module loading). */
const SAFE_TO_RESEND: ReadonlySet<RequestOp> = new Set<RequestOp>(['hello', 'proc-crypto', 'kernel-config', 'bind', 'resolve', 'run', 'matrix', 'bench', 'kernel-log']);

export class AgentError extends Error {
  constructor(
    readonly op: string,
    message: string,
    /** the agent's error code, e.g. 'hang' */
    readonly code?: string,
    /** code 'hang': the operation that never returned (the target must be restarted) */
    readonly hang?: MatrixHang,
  ) {
    super(`agent ${op}: ${message}`);
  }
}

export class AgentClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly decoder: FrameDecoder;
  private readyWaiters: Array<(event: ReadyEvent) => void> = [];
  private readyEvent: ReadyEvent | undefined;
  private closedReason: string | undefined;
  private readonly kernelLogListeners = new Set<(event: KernelLogEvent) => void>();
  /** what the target sent, and when last: a timeout says whether the link went silent */
  private bytesIn = 0;
  private lastBytesAt = Date.now();

  constructor(
    private readonly stream: Duplex,
    private readonly options: {
      defaultTimeoutMs: number;
      onNoise?: (line: string) => void;
      lossy?: LossyLink;
      /** a slow link (a UART's baud / 10): each request's timeout grows by the time its frame takes to cross it */
      bytesPerSecond?: number;
    },
  ) {
    this.decoder = new FrameDecoder({
      onMessage: (message) => this.dispatch(message as AgentMessage),
      onNoise: (line) => {
        this.options.onNoise?.(line);
        // an answer that lost its marker on the link: its request is asked again
        if (ANSWER_FRAGMENT.test(line)) this.answerLost();
      },
      onCorrupt: (line) => {
        this.options.onNoise?.(`[corrupt frame] ${line}`);
        this.answerLost();
      },
    });
    stream.on('data', (chunk: Buffer) => {
      this.bytesIn += chunk.length;
      this.lastBytesAt = Date.now();
      this.decoder.push(chunk);
    });
    stream.on('close', () => this.failAll('the agent link closed'));
    // the other end gone (a target killed or powered off) shows as a reset as often as a close: the same loss
    stream.on('error', (error: NodeJS.ErrnoException) =>
      this.failAll(PEER_GONE.has(error.code ?? '') ? `the agent link closed (${error.message})` : `the agent link failed: ${error.message}`),
    );
  }

  /** Resolves when the agent announces itself (it may have done so already). */
  ready(): Promise<ReadyEvent> {
    if (this.readyEvent) return Promise.resolve(this.readyEvent);
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /**
   * Call `listener` with every batch of kernel log records the agent pushes (after a `kernel-log`
   * request with follow: true). Returns the function that removes it.
   */
  onKernelLog(listener: (event: KernelLogEvent) => void): () => void {
    this.kernelLogListeners.add(listener);
    return () => this.kernelLogListeners.delete(listener);
  }

  get closed(): string | undefined {
    return this.closedReason;
  }

  request<Op extends RequestOp>(op: Op, body: RequestBody<Op>, timeoutMs = this.options.defaultTimeoutMs): Promise<ResultOf[Op]> {
    if (this.closedReason) return Promise.reject(new TargetError(this.closedReason));
    const id = this.nextId++;
    const frame = encodeFrame({ id, op, ...body });
    const bytesBefore = this.bytesIn;
    const crossingMs = this.options.bytesPerSecond ? Math.ceil((frame.length * 1000) / this.options.bytesPerSecond) : 0;
    const limitMs = timeoutMs + crossingMs;
    return new Promise<ResultOf[Op]>((resolve, reject) => {
      const timer = setTimeout(() => {
        const pending = this.pending.get(id);
        if (pending) this.settle(id, pending);
        const silence = this.bytesIn === bytesBefore ? 'nothing came back since it was sent' : `the link last carried bytes from the target ${Math.round((Date.now() - this.lastBytesAt) / 1000)} s ago`;
        reject(new TargetError(`the agent did not answer '${op}' within ${Math.round(limitMs / 1000)} s (${silence})`));
      }, limitMs);
      const pending: Pending = { op, frame, sent: 1, resolve: resolve as (value: unknown) => void, reject, timer };
      const lossy = this.options.lossy;
      if (lossy) {
        // nudges in a row that met no byte from the target (the interval ends when the request settles)
        let bytesSeen = this.bytesIn;
        let silent = 0;
        pending.nudge = setInterval(() => {
          this.stream.write('\n');
          silent = this.bytesIn === bytesSeen ? silent + 1 : 0;
          bytesSeen = this.bytesIn;
          if (silent >= lossy.silentNudges && this.resend(id, pending, `met ${silent} nudges with no byte back`)) silent = 0;
        }, lossy.nudgeEveryMs);
        pending.nudge.unref();
      }
      this.pending.set(id, pending);
      this.stream.write(frame);
    });
  }

  /**
   * The agent is gone without its link saying so (the target's kernel panicked, a serial port stays
   * open): every pending request fails now instead of at its timeout, and so does every later one.
   * The stream is left to its owner to close.
   */
  abandon(reason: string): void {
    this.failAll(reason);
  }

  /** Close our end: an agent blocked reading its port sees end-of-file and can exit. */
  close(): void {
    this.failAll('the agent link was closed by the host');
    this.stream.destroy();
  }

  private dispatch(message: AgentMessage): void {
    if ('event' in message) {
      if (message.event === 'ready') {
        this.readyEvent = message;
        for (const waiter of this.readyWaiters) waiter(message);
        this.readyWaiters = [];
      } else if (message.event === 'kernel-log') {
        for (const listener of this.kernelLogListeners) listener(message);
      }
      return;
    }
    if (message.id === -1 && !message.ok && this.pending.size > 0) {
      // the agent could not read a request (bytes lost or mangled on the link): fail the oldest now
      // rather than let it wait out its timeout
      const [oldestId, oldest] = this.oldest() as [number, Pending];
      if (this.resend(oldestId, oldest, `reached the agent damaged (${message.error.message.slice(0, 60)})`)) return;
      this.settle(oldestId, oldest);
      oldest.reject(new AgentError(oldest.op, `the request reached the agent damaged (${message.error.message.slice(0, 60)}): bytes were lost on the link`));
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) {
      if (!message.ok) this.options.onNoise?.(`[agent error] ${message.error.message}`);
      return;
    }
    this.settle(message.id, pending);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new AgentError(pending.op, message.error.message, message.error.code, message.error.hang));
  }

  /** Write a pending request again when the link is lossy, the op safe to repeat and resends are left. */
  private resend(id: number, pending: Pending, why: string): boolean {
    const resends = this.options.lossy?.resends ?? 0;
    if (pending.sent > resends || !SAFE_TO_RESEND.has(pending.op)) return false;
    pending.sent++;
    this.options.onNoise?.(`[link] request ${id} ('${pending.op}') ${why}: sent again (${pending.sent} of ${resends + 1})`);
    this.stream.write(pending.frame);
    return true;
  }

  /**
   * On a lossy link, an answer that arrived damaged (a frame that does not parse, or its JSON without
   * the marker) cannot be matched to its request: the oldest one is asked again (an agent answers
   * in order), or left to its timeout when it cannot be. A second answer to a request is ignored.
   */
  private answerLost(): void {
    const oldest = this.options.lossy ? this.oldest() : undefined;
    if (oldest) this.resend(oldest[0], oldest[1], 'has an answer that arrived damaged');
  }

  /** The request waiting longest (an agent answers in order), if any. */
  private oldest(): [number, Pending] | undefined {
    return this.pending.entries().next().value;
  }

  private failAll(reason: string): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    for (const [id, pending] of this.pending) {
      this.settle(id, pending);
      pending.reject(new TargetError(`${reason} while waiting for '${pending.op}'`));
    }
  }

  private settle(id: number, pending: Pending): void {
    this.pending.delete(id);
    clearTimeout(pending.timer);
    clearInterval(pending.nudge);
  }
}
