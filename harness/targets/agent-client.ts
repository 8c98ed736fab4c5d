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
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

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

  constructor(
    private readonly stream: Duplex,
    private readonly options: { defaultTimeoutMs: number; onNoise?: (line: string) => void },
  ) {
    this.decoder = new FrameDecoder({
      onMessage: (message) => this.dispatch(message as AgentMessage),
      onNoise: (line) => this.options.onNoise?.(line),
      onCorrupt: (line) => this.options.onNoise?.(`[corrupt frame] ${line}`),
    });
    stream.on('data', (chunk: Buffer) => this.decoder.push(chunk));
    stream.on('close', () => this.failAll('the agent link closed'));
    stream.on('error', (error) => this.failAll(`the agent link failed: ${error.message}`));
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
    return new Promise<ResultOf[Op]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new TargetError(`the agent did not answer '${op}' within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.pending.set(id, { op, resolve: resolve as (value: unknown) => void, reject, timer });
      this.stream.write(encodeFrame({ id, op, ...body }));
    });
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
      const [oldestId, oldest] = this.pending.entries().next().value as [number, Pending];
      this.pending.delete(oldestId);
      clearTimeout(oldest.timer);
      oldest.reject(new AgentError(oldest.op, `the request reached the agent damaged (${message.error.message.slice(0, 60)}): bytes were lost on the link`));
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) {
      if (!message.ok) this.options.onNoise?.(`[agent error] ${message.error.message}`);
      return;
    }
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new AgentError(pending.op, message.error.message, message.error.code, message.error.hang));
  }

  private failAll(reason: string): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new TargetError(`${reason} while waiting for '${pending.op}'`));
      this.pending.delete(id);
    }
  }
}
