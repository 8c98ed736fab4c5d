/**
 * The agent's side of the in-kernel executor: forwards a request frame (harness/protocol/
 * kernel-executor.ts) to /dev/afalg_kexec as is and returns the module's reply frame. The device
 * is opened on first use and kept open; the module bounds the wait of every operation itself.
 * runInKernel runs a decoded matrix case through it with the outcomes the AF_ALG path gives: the
 * same output compared the same way, the same errno (a failed step is named `kernel-<step>`), the
 * case's socket naming the module's transform as it names the agent's AF_ALG socket.
 */
import fs from 'node:fs';
import os from 'node:os';
import { KEXEC_DEVICE, KEXEC_MAX_REPLY_BYTES, decodeKexecReply, encodeKexecRequest, type KexecReply, type KexecRequest } from '../protocol/kernel-executor.js';
import type { SplitStrategy } from '../protocol/messages.js';
import { AfAlgError } from './afalg-wire.js';
import { judge, type DecodedAead, type DecodedHash, type DecodedMct, type DecodedRng, type DecodedSkcipher, type RawOutcome } from './decoded-case.js';
import { MAX_DATA } from './afalg-sockets.js';

let deviceFd: number | undefined;
const replyBuffer = Buffer.alloc(KEXEC_MAX_REPLY_BYTES);

/** One request and its reply, which stays valid only until the next exchange (no copy: the bench loop's). */
export function exchangeWithKernelExecutor(frame: Buffer, device = KEXEC_DEVICE): Buffer {
  if (deviceFd === undefined) {
    try {
      deviceFd = fs.openSync(device, 'r+');
    } catch (error) {
      throw new Error(`${device}: ${(error as Error).message} (is the afalg_kexec module loaded?)`);
    }
  }
  fs.writeSync(deviceFd, frame);
  const length = fs.readSync(deviceFd, replyBuffer, 0, replyBuffer.length, null);
  return replyBuffer.subarray(0, length);
}

export function forwardToKernelExecutor(frame: Buffer, device = KEXEC_DEVICE): Buffer {
  return Buffer.from(exchangeWithKernelExecutor(frame, device));
}

const ERRNO_NAMES = new Map(Object.entries(os.constants.errno).map(([name, number]) => [number, name]));

/** The error of a failed reply, naming step and errno as AF_ALG failures do. */
export function kernelExecutorError(reply: KexecReply): AfAlgError {
  return new AfAlgError(`kernel-${reply.step}`, ERRNO_NAMES.get(-reply.status) ?? `errno ${-reply.status}`);
}

/** One request through the module: its reply, or its kernelExecutorError. */
function inKernelReply(request: KexecRequest): KexecReply {
  const reply = decodeKexecReply(forwardToKernelExecutor(encodeKexecRequest(request)));
  if (reply.status < 0) throw kernelExecutorError(reply);
  return reply;
}

/** One request through the module: its output, or its kernelExecutorError. */
export function inKernel(request: KexecRequest): Buffer {
  return inKernelReply(request).data;
}

/** What the AF_ALG path's concurrent strategy says of a case that passed while its decoy's answer changed. */
export const DECOY_CHANGED = 'the decoy in flight with it got another answer than alone';

/** A skcipher or AEAD case's reply judged; a pass whose concurrent decoy answered otherwise fails. */
function judgedWithDecoy(reply: KexecReply, d: DecodedSkcipher | DecodedAead): RawOutcome {
  const outcome = judge(reply.data, d);
  return reply.step === 'decoy' && outcome.status === 'pass' ? { ...outcome, status: 'fail', error: DECOY_CHANGED } : outcome;
}

/** The matrix case types the module runs: every one. */
export type KernelCase = DecodedSkcipher | DecodedAead | DecodedHash | DecodedMct | DecodedRng;

/**
 * A case through the in-kernel executor, judged as the AF_ALG path judges it; AfAlgError on a
 * failed request (the caller turns it into an outcome as for AF_ALG). The AF_ALG path's own
 * refusals (an empty skcipher input, an AEAD input shorter than its tag) are given alike.
 */
export function runInKernel(d: KernelCase, driver: string, strategy: SplitStrategy, timeoutMs: number, beat?: () => void): RawOutcome {
  const common = { driver, strategy, timeoutMs, ...(d.socket ? { socket: d.socket } : {}) };
  switch (d.type) {
    case 'skcipher':
      if (d.input.length === 0) throw new AfAlgError('send', 'EMSGSIZE');
      return judgedWithDecoy(inKernelReply({ ...common, op: d.op === 'encrypt' ? 'skcipher-encrypt' : 'skcipher-decrypt', key: d.key, iv: d.iv ?? Buffer.alloc(0), data: d.input }), d);
    case 'aead':
      if (d.op === 'decrypt' && d.input.length < d.authsize) throw new AfAlgError('send', 'EINVAL');
      return judgedWithDecoy(inKernelReply({ ...common, op: d.op === 'encrypt' ? 'aead-encrypt' : 'aead-decrypt', key: d.key, iv: d.iv, assoc: d.assoc, authsize: d.authsize, data: d.input }), d);
    case 'hash': {
      const digest = inKernel({ ...common, op: d.key ? 'hash-keyed' : 'hash', key: d.key ?? Buffer.alloc(0), iv: Buffer.alloc(0), data: d.msg });
      // a truncated expectation (HMAC-SHA-256-128) is compared over its length, as AF_ALG's is
      return judge(d.expect && d.expect.length > 0 ? digest.subarray(0, Math.min(digest.length, d.expect.length)) : digest, d);
    }
    case 'hash-mct':
      return mctInKernel(d, common, beat);
    case 'rng':
      // as the AF_ALG path: seeded (ALG_SET_KEY) when the case brings a seed, else generating unseeded
      if (d.length > MAX_DATA) throw new AfAlgError('read', 'E2BIG');
      return judge(inKernel({ ...common, op: d.seed ? 'rng-seeded' : 'rng', key: d.seed ?? Buffer.alloc(0), iv: Buffer.alloc(0), data: Buffer.alloc(0), length: d.length }), d);
  }
}

/** CAVP Monte-Carlo as the AF_ALG path runs it: 1,000 chained digests per checkpoint, one request each. */
function mctInKernel(d: DecodedMct, common: { driver: string; strategy: SplitStrategy; timeoutMs: number; socket?: number }, beat?: () => void): RawOutcome {
  const window = d.variant === 'sha2' ? 3 : 1;
  let seed: Buffer = d.seed;
  for (let checkpoint = 0; checkpoint < d.checkpoints.length; checkpoint++) {
    const messages: Buffer[] = Array.from({ length: window }, () => seed);
    beat?.();
    let digest = seed;
    for (let i = 0; i < 1000; i++) {
      digest = inKernel({ ...common, op: 'hash', key: Buffer.alloc(0), iv: Buffer.alloc(0), data: Buffer.concat(messages) });
      if (digest.length !== d.seed.length) throw new AfAlgError('kernel-crypt', `short digest ${digest.length}/${d.seed.length}`);
      messages.shift();
      messages.push(digest);
    }
    if (!digest.equals(d.checkpoints[checkpoint] as Buffer)) return { status: 'fail', step: `checkpoint ${checkpoint}`, output: digest };
    seed = digest;
  }
  return { status: 'pass' };
}
