/**
 * Throughput loops on the target. Everything an operation needs (message header, control messages,
 * iovecs, page-aligned input and output) is laid out in native memory once per size; an operation
 * is then two or three libc calls with integer arguments and nothing allocated.
 *
 * copy:     sendmsg(payload + control messages), read(output)
 * zerocopy: sendmsg(control messages only, MSG_MORE), vmsplice+splice the payload into the op
 *           socket (at most 16 pages per splice, the size of a pipe), read(output)
 */
import {
  ALG_OP_DECRYPT,
  ALG_OP_ENCRYPT,
  ALG_SET_AEAD_AUTHSIZE,
  ALG_SET_KEY,
  MSG_MORE,
  NativeArena,
  O_CLOEXEC,
  PIPE_PAGES,
  SOL_ALG,
  SPLICE_F_MORE,
  errnoName,
  lastErrno,
  layout,
  sys,
} from './afalg-ffi.js';
import type { AfAlgSession } from './afalg-session.js';
import { AfAlgError, readFully, writeControlMessages } from './afalg-wire.js';
import type { BenchPoint, BenchRequestBody, BenchResult } from '../protocol/messages.js';
import { MAX_BENCH_SIZE } from '../protocol/constants.js';
import { benchInKernel } from './kernel-executor-bench.js';
import { measureOperations } from './bench-loop.js';

const MAX_EXTRA = 256; // AAD and tag room
const MAX_DIGEST = 64;

// page 0 of the arena
const MSG = 0; // msghdr with the payload
const CTL_MSG = 128; // msghdr with control messages only (zerocopy)
const IOV = 256; // the payload's iovec
const CMSG = 320; // control messages, up to 192 bytes
const PIPE_FDS = 512;
const KEY = 1024; // up to 3 KiB
const SPLICE_IOVS = 2048; // one iovec per splice chunk, up to 64 of them

export class AfAlgBench {
  private readonly pageSize: number;
  private readonly arena: NativeArena;
  private readonly inOffset: number;
  private readonly outOffset: number;

  constructor(private readonly session: AfAlgSession) {
    this.pageSize = session.pageSize;
    const region = Math.ceil((MAX_BENCH_SIZE + MAX_EXTRA) / this.pageSize) * this.pageSize;
    this.inOffset = this.pageSize;
    this.outOffset = this.inOffset + region;
    this.arena = new NativeArena(this.outOffset + region, this.pageSize);
    for (let i = 0; i < region; i++) this.arena.bytes[this.inOffset + i] = (i * 131 + 7) & 0xff;
  }

  run(body: BenchRequestBody): BenchResult {
    for (const size of body.sizes) {
      if (!Number.isInteger(size) || size < 1 || size > MAX_BENCH_SIZE) throw new Error(`bench: size ${size} outside 1..${MAX_BENCH_SIZE}`);
    }
    if (body.executor === 'kernel') return benchInKernel(body);
    const fd = this.session.bindSocket(body.type, body.alg);
    let opFd = -1;
    let pipeRead = -1;
    let pipeWrite = -1;
    try {
      const key = body.key !== undefined ? Buffer.from(body.key, 'base64') : undefined;
      if (key) {
        if (key.length > 3072) throw new AfAlgError('setkey', 'E2BIG');
        this.arena.bytes.set(key, KEY);
        if (sys.setsockopt(fd, SOL_ALG, ALG_SET_KEY, this.arena.base + KEY, key.length) < 0) throw new AfAlgError('setkey', errnoName(lastErrno()));
      }
      if (body.type === 'aead' && sys.setsockopt(fd, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, 0, body.authsize ?? 16) < 0) {
        throw new AfAlgError('authsize', errnoName(lastErrno()));
      }
      opFd = sys.accept(fd, 0, 0);
      if (opFd < 0) throw new AfAlgError('accept', errnoName(lastErrno()));
      if (body.path === 'zerocopy') {
        if (sys.pipe2(this.arena.base + PIPE_FDS, O_CLOEXEC) < 0) throw new AfAlgError('pipe', errnoName(lastErrno()));
        pipeRead = this.arena.view.getInt32(PIPE_FDS, true);
        pipeWrite = this.arena.view.getInt32(PIPE_FDS + 4, true);
      }
      const points: BenchPoint[] = body.sizes.map((size) => this.measureSize(body, opFd, pipeRead, pipeWrite, size));
      return { points, engine: 'agent' };
    } finally {
      if (pipeRead >= 0) sys.close(pipeRead);
      if (pipeWrite >= 0) sys.close(pipeWrite);
      if (opFd >= 0) sys.close(opFd);
      sys.close(fd);
    }
  }

  private measureSize(body: BenchRequestBody, opFd: number, pipeRead: number, pipeWrite: number, size: number): BenchPoint {
    const assoc = body.type === 'aead' ? (body.assocLength ?? 0) : 0;
    const authsize = body.type === 'aead' ? (body.authsize ?? 16) : 0;
    const iv = body.iv !== undefined ? Buffer.from(body.iv, 'base64') : undefined;
    const decrypt = body.operation === 'decrypt';
    const inAddr = this.arena.base + this.inOffset;
    const outAddr = this.arena.base + this.outOffset;
    const inLength = assoc + size + (body.type === 'aead' && decrypt ? authsize : 0);
    const outLength = body.type === 'hash' ? MAX_DIGEST : body.type === 'skcipher' ? size : decrypt ? assoc + size : assoc + size + authsize;
    const exactRead = body.type !== 'hash';

    const controlLength = body.type === 'hash' ? 0 : this.control(decrypt ? ALG_OP_DECRYPT : ALG_OP_ENCRYPT, iv, body.type === 'aead' ? assoc : undefined);
    if (body.type === 'aead' && decrypt) {
      // a valid tag to decrypt: encrypt assoc||payload once with the same key, IV and AAD
      const encryptControl = this.control(ALG_OP_ENCRYPT, iv, assoc);
      this.setMessage(MSG, inAddr, assoc + size, encryptControl);
      this.sendmsg(opFd, MSG, 0);
      this.readAll(opFd, outAddr, assoc + size + authsize);
      this.arena.bytes.copyWithin(this.inOffset, this.outOffset, this.outOffset + inLength);
      this.control(ALG_OP_DECRYPT, iv, assoc);
    }
    this.setMessage(MSG, inAddr, inLength, controlLength);
    this.setMessage(CTL_MSG, 0, 0, controlLength);

    // a batch of `n` operations in one tight loop: no closure call or clock read per operation
    let operations: (n: number) => void;
    if (body.path === 'copy') {
      const msgAddr = this.arena.base + MSG;
      operations = (n) => {
        for (let i = 0; i < n; i++) {
          if (sys.sendmsg(opFd, msgAddr, 0) < 0) throw new AfAlgError('send', errnoName(lastErrno()));
          const got = sys.read(opFd, outAddr, outLength);
          if (got !== outLength) this.afterShortRead(opFd, outAddr, outLength, got, exactRead);
        }
      };
    } else {
      const chunkMax = PIPE_PAGES * this.pageSize;
      const chunks: number[] = [];
      for (let offset = 0; offset < inLength; offset += chunkMax) {
        const length = Math.min(chunkMax, inLength - offset);
        const iov = SPLICE_IOVS + chunks.length * layout.iovec.size;
        this.arena.setWord(iov, inAddr + offset);
        this.arena.setWord(iov + layout.iovec.len, length);
        chunks.push(length);
      }
      const base = this.arena.base;
      const ctlAddr = base + CTL_MSG;
      operations = (n) => {
        for (let op = 0; op < n; op++) {
          if (controlLength > 0 && sys.sendmsg(opFd, ctlAddr, MSG_MORE) < 0) throw new AfAlgError('send', errnoName(lastErrno()));
          for (let i = 0; i < chunks.length; i++) {
            const length = chunks[i] as number;
            const mapped = sys.vmsplice(pipeWrite, base + SPLICE_IOVS + i * layout.iovec.size, 1, 0);
            if (mapped !== length) throw new AfAlgError('vmsplice', mapped < 0 ? errnoName(lastErrno()) : `short ${mapped}/${length}`);
            const moved = sys.splice(pipeRead, 0, opFd, 0, length, i < chunks.length - 1 ? SPLICE_F_MORE : 0);
            if (moved !== length) throw new AfAlgError('splice', moved < 0 ? errnoName(lastErrno()) : `short ${moved}/${length}`);
          }
          const got = sys.read(opFd, outAddr, outLength);
          if (got !== outLength) this.afterShortRead(opFd, outAddr, outLength, got, exactRead);
        }
      };
    }

    return measureOperations(operations, body, size);
  }

  /** Control messages at CMSG: op, IV, assoclen. Returns their length. */
  private control(op: number, iv: Buffer | undefined, assoclen: number | undefined): number {
    const length = writeControlMessages(this.arena, CMSG, op, iv, assoclen);
    if (length > 192) throw new AfAlgError('send', 'control messages too long');
    return length;
  }

  /** A msghdr at `offset`: one iovec (or none) and the control messages at CMSG. */
  private setMessage(offset: number, dataAddr: number, length: number, controlLength: number): void {
    const { msghdr, iovec } = layout;
    this.arena.bytes.fill(0, offset, offset + msghdr.size);
    if (length > 0) {
      const iov = offset === MSG ? IOV : IOV + iovec.size;
      this.arena.setWord(iov, dataAddr);
      this.arena.setWord(iov + iovec.len, length);
      this.arena.setWord(offset + msghdr.iov, this.arena.base + iov);
      this.arena.setWord(offset + msghdr.iovlen, 1);
    }
    if (controlLength > 0) {
      this.arena.setWord(offset + msghdr.control, this.arena.base + CMSG);
      this.arena.setWord(offset + msghdr.controllen, controlLength);
    }
  }

  private sendmsg(fd: number, msgOffset: number, flags: number): void {
    if (sys.sendmsg(fd, this.arena.base + msgOffset, flags) < 0) throw new AfAlgError('send', errnoName(lastErrno()));
  }

  /** A read that did not return the whole output: an error, or (skcipher, aead) read the rest. */
  private afterShortRead(fd: number, addr: number, length: number, got: number, exact: boolean): void {
    if (got < 0) throw new AfAlgError('read', errnoName(lastErrno()));
    if (exact) this.readAll(fd, addr + got, length - got);
  }

  private readAll(fd: number, addr: number, length: number): void {
    readFully(fd, addr, length);
  }

  close(): void {
    this.arena.free();
  }
}
