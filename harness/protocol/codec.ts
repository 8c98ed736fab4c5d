/**
 * Framing for the agent protocol. Each message is one line: a marker, then JSON.
 * Anything else on the stream (kernel printk on a serial console, a shell echo) is noise:
 * the decoder hands it to `onNoise` and keeps going, so console chatter cannot corrupt the protocol.
 */

import { StringDecoder } from 'node:string_decoder';

export const FRAME_MARKER = '@afalg1 ';

/**
 * The agents' answer (id -1) to a line without the marker: the host writes only frames and bare
 * newlines (nudges), so such a line is a request that lost its first bytes on the link; the host
 * resends the request waiting longest (AgentClient's lossy link), where it would otherwise wait forever.
 */
export const DAMAGED_LINE_ERROR = 'damaged request: a line without the frame marker';

export function encodeFrame(message: unknown): string {
  return FRAME_MARKER + JSON.stringify(message) + '\n';
}

export interface DecoderHandlers {
  onMessage(message: unknown): void;
  /** a line (or the part of a line before the marker) that is not protocol */
  onNoise?(text: string): void;
  /**
   * a whole non-empty line without the marker (also given to onNoise). An agent reads only what the
   * host writes, so there it is a request whose marker was lost on the link (DAMAGED_LINE_ERROR)
   */
  onUnframedLine?(line: string): void;
  /** a line that carries the marker but whose JSON does not parse */
  onCorrupt?(line: string, error: Error): void;
}

/** Incremental line decoder: feed it chunks as they arrive. */
export class FrameDecoder {
  private pending = '';
  /** keeps a multi-byte character that a chunk boundary split until its last byte arrives */
  private readonly utf8 = new StringDecoder('utf8');

  constructor(private readonly handlers: DecoderHandlers) {}

  push(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.utf8.write(chunk);
    let newline = this.pending.indexOf('\n');
    while (newline >= 0) {
      const line = this.pending.slice(0, newline).replace(/\r$/, '');
      this.pending = this.pending.slice(newline + 1);
      this.line(line);
      newline = this.pending.indexOf('\n');
    }
  }

  /** what is buffered without a newline yet (for diagnostics) */
  get buffered(): string {
    return this.pending;
  }

  private line(line: string): void {
    const at = line.indexOf(FRAME_MARKER);
    if (at < 0) {
      if (line.length > 0) this.handlers.onNoise?.(line);
      if (line.trim().length > 0) this.handlers.onUnframedLine?.(line);
      return;
    }
    if (at > 0) this.handlers.onNoise?.(line.slice(0, at));
    const json = line.slice(at + FRAME_MARKER.length);
    let message: unknown;
    try {
      message = JSON.parse(json);
    } catch (error) {
      this.handlers.onCorrupt?.(line, error as Error);
      return;
    }
    this.handlers.onMessage(message);
  }
}
