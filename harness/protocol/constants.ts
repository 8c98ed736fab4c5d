/**
 * Facts both sides of the agent protocol share, in one place: the split strategies and data paths
 * a request may name, the size limits the agent allocates for, the default hang limit.
 */
import type { BenchPath, SplitStrategy } from './messages.js';

/** Split strategies, in the order runs use them: how the input reaches the kernel. */
export const ALL_STRATEGIES: readonly SplitStrategy[] = ['oneshot', 'chunks', 'page-cross', 'inplace', 'chained', 'zerocopy', 'concurrent'];

/**
 * The `chained` strategy's requests, in bytes, for an input of `length` and an IV of `unit` bytes
 * (the cipher's block): one block, then half the whole blocks left (at least one), then the rest;
 * under two blocks the input goes as one request. Each boundary is where the driver's output IV is
 * put to use: after one block, and deep in a long message (the second request holds more than a
 * page for inputs over two pages and 64 bytes, the boundary cases' long ones).
 * Both agents and the in-kernel executor split the same way (their conformance suite checks it).
 */
export function chainedPieces(length: number, unit: number): number[] {
  const blocks = unit > 0 ? Math.floor(length / unit) : 0;
  if (blocks < 2) return [length];
  const second = Math.max(1, Math.floor((blocks - 1) / 2)) * unit;
  const rest = length - unit - second;
  return rest > 0 ? [unit, second, rest] : [unit, second];
}

/** Most bytes of text (and of associated data) a `concurrent` decoy carries. */
export const DECOY_MAX_BYTES = 1024;

/** The decoy of a `concurrent` execution: what its request carries, derived from the case's. */
export interface ConcurrentDecoy {
  iv: Buffer;
  /** skcipher: the input; AEAD: the plaintext (the decoy always encrypts) */
  text: Buffer;
  /** AEAD: the associated data */
  assoc: Buffer;
}

/**
 * The `concurrent` strategy's second request (the decoy), on a second operation socket of the same
 * transform: the case's IV with byte 1 (byte 0 of a one-byte IV) inverted, its text's first
 * DECOY_MAX_BYTES bytes (for an AEAD decryption, of the text without the tag) each XORed with 0xa5,
 * its associated data's first DECOY_MAX_BYTES; a skcipher decoy goes the case's way, an AEAD decoy
 * always encrypts. The decoy runs alone first (its reference answer), then in flight with the case,
 * read from a second thread (an AF_ALG AIO read runs synchronously on current kernels). The case is
 * judged as usual; a case that passes while the decoy's answer changed fails: the driver mixed up
 * two requests of one transform. Both agents and the in-kernel executor derive it the same way.
 */
export function concurrentDecoy(iv: Buffer, text: Buffer, assoc: Buffer): ConcurrentDecoy {
  const decoyIv = Buffer.from(iv);
  const at = decoyIv.length >= 2 ? 1 : 0;
  if (decoyIv.length > 0) decoyIv[at] = (decoyIv[at] as number) ^ 0xff;
  const decoyText = Buffer.from(text.subarray(0, DECOY_MAX_BYTES));
  for (let i = 0; i < decoyText.length; i++) decoyText[i] = (decoyText[i] as number) ^ 0xa5;
  return { iv: decoyIv, text: decoyText, assoc: Buffer.from(assoc.subarray(0, DECOY_MAX_BYTES)) };
}

/** Bench data paths: sendmsg + read, or vmsplice + splice of page-aligned buffers. */
export const ALL_PATHS: readonly BenchPath[] = ['copy', 'zerocopy'];

/** Largest bench payload: AF_ALG's send buffer must hold a whole request (about 208 KiB by default). */
export const MAX_BENCH_SIZE = 128 * 1024;

/** Default limit on one matrix request's payload bytes (the plan cuts requests to fit it). */
export const DEFAULT_MAX_PAYLOAD = 384 * 1024;

/** The hang limit of a matrix request that names none, seconds (the run's default too). */
export const DEFAULT_HANG_SEC = 20;

/**
 * The first line of a kernel report after which the task that made the request is gone (an oops,
 * a BUG, a general protection fault, a panic): the agent ends the request in flight at once
 * instead of waiting for the hang limit. WARNINGs and lockup reports do not match: the kernel goes on.
 */
export const KERNEL_FAULT_LINE = /^(BUG: (?!soft lockup|workqueue lockup|scheduling while atomic|sleeping function)|Oops: |Oops\b|general protection fault|Unable to handle kernel|kernel BUG at |Kernel panic - not syncing)/;

/** Fewer cases than this run on one worker: the split would cost more than it saves. */
export const MIN_CASES_PER_WORKER = 8;

/** At most this many workers (threads, each with its own sockets) run one request's cases at once. */
export const MAX_WORKERS = 4;
