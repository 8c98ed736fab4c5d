/**
 * AF_ALG sockets on the target: binds transforms by name and keeps them (and their accepted
 * operation sockets, keyed) open across cases, and moves one case's bytes through a preallocated
 * arena: where input and output sit for a strategy, and sends split the strategy's way.
 */
import {
  AF_ALG,
  ALG_SET_AEAD_AUTHSIZE,
  ALG_SET_KEY,
  MSG_MORE,
  NativeArena,
  O_CLOEXEC,
  PIPE_PAGES,
  SPLICE_F_MORE,
  SOCK_CLOEXEC,
  SOCK_SEQPACKET,
  SOL_ALG,
  errnoName,
  lastErrno,
  layout,
  sys,
} from './afalg-ffi.js';
import { AfAlgError, readFully, writeControlMessages } from './afalg-wire.js';
import type { AfAlgType, SplitStrategy } from '../protocol/messages.js';

/** Largest input or output one case may carry (AF_ALG's send buffer holds ~208 KiB). */
export const MAX_DATA = 128 * 1024;
const DEFAULT_CHUNKS = [1, 15, 17];
/** page-cross: buffers start this many bytes before a page boundary */
const PAGE_CROSS_OFFSET = 13;
const MAX_OPEN_TRANSFORMS = 48;

/** A bound transform socket, and its operation socket (-1: none) with the key and authsize set on it. */
export interface Transform {
  type: AfAlgType;
  name: string;
  fd: number;
  opFd: number;
  /** the `concurrent` strategy's second operation socket of the same transform (-1: none) */
  decoyFd: number;
  key: Buffer | null;
  authsize: number;
}

/** Where a case's input and output sit in the arena: absolute addresses and arena indexes. */
export interface Placement {
  inAddr: number;
  inIndex: number;
  outAddr: number;
  outIndex: number;
}

export class AfAlgSockets {
  readonly pageSize: number;
  readonly arena: NativeArena;
  private readonly transforms = new Map<string, Transform>();
  // arena layout
  private readonly addrOffset = 0; // sockaddr_alg (up to 128 bytes)
  private readonly msgOffset = 128;
  private readonly iovOffset = 256;
  private readonly spliceIovOffset = 288; // zerocopy: the iovec of one vmsplice
  private readonly pipeFdsOffset = 304; // pipe2's two fds
  /** zerocopy's pipe (read end, write end), made on first use */
  private pipe: [number, number] | undefined;
  private readonly cmsgOffset = 320; // up to 192 bytes of control messages
  private readonly keyOffset = 512; // up to 3.5 KiB of key
  private readonly keyMax = 4096 - 512;
  private readonly inOffset: number;
  private readonly outOffset: number;

  constructor() {
    this.pageSize = sys.getpagesize();
    // each region: MAX_DATA of a case (page-cross shifts it by under a page); after it, a `concurrent` decoy's input, or its two answers
    const region = MAX_DATA + 2 * this.pageSize;
    this.inOffset = this.pageSize;
    this.outOffset = this.inOffset + region;
    this.arena = new NativeArena(this.outOffset + region, this.pageSize);
  }

  /** Close every transform and operation socket. */
  close(): void {
    for (const transform of this.transforms.values()) this.closeTransform(transform);
    this.transforms.clear();
    this.closePipe();
  }

  /** the arena's room for a `concurrent` decoy: its input, and its answer alone (the one in flight with the case is the reader thread's) */
  decoyPlacement(): Placement {
    const inIndex = this.inOffset + MAX_DATA;
    const outIndex = this.outOffset + MAX_DATA;
    return { inAddr: this.arena.base + inIndex, inIndex, outAddr: this.arena.base + outIndex, outIndex };
  }

  /** A second operation socket of the transform (its key and authsize set already by `withOperation`). */
  decoyOperation(transform: Transform): number {
    if (transform.decoyFd < 0) {
      const fd = sys.accept(transform.fd, 0, 0);
      if (fd < 0) throw new AfAlgError('accept', errnoName(lastErrno()));
      transform.decoyFd = fd;
    }
    return transform.decoyFd;
  }

  /** Drop the decoy's socket (after a failed request it may hold data not read). */
  closeDecoy(transform: Transform): void {
    if (transform.decoyFd >= 0) sys.close(transform.decoyFd);
    transform.decoyFd = -1;
  }

  private closePipe(): void {
    if (this.pipe) for (const fd of this.pipe) sys.close(fd);
    this.pipe = undefined;
  }

  /** bind a socket to `name`; the caller owns the returned fd */
  bindSocket(type: AfAlgType, name: string): number {
    const fd = sys.socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0) throw new AfAlgError('socket', errnoName(lastErrno()));
    const bytes = this.arena.bytes;
    const typeBytes = Buffer.from(type, 'utf8');
    const nameBytes = Buffer.from(name, 'utf8');
    // struct sockaddr_alg_new: family u16, type[14], feat u32, mask u32, name[] (NUL-terminated)
    const length = Math.max(88, 24 + nameBytes.length + 1);
    if (length > 128 || typeBytes.length > 13) {
      sys.close(fd);
      throw new AfAlgError('bind', 'ENAMETOOLONG');
    }
    bytes.fill(0, this.addrOffset, this.addrOffset + 128);
    this.arena.view.setUint16(this.addrOffset, AF_ALG, true);
    bytes.set(typeBytes, this.addrOffset + 2);
    bytes.set(nameBytes, this.addrOffset + 24);
    if (sys.bind(fd, this.arena.base + this.addrOffset, length) < 0) {
      const errno = errnoName(lastErrno());
      sys.close(fd);
      throw new AfAlgError('bind', errno);
    }
    return fd;
  }

  /** the bound socket of `name`; `socket` tells apart several sockets of one transform (state cases interleave them) */
  transform(type: AfAlgType, name: string, socket = 0): Transform {
    const cacheKey = `${type}\0${name}\0${socket}`;
    let transform = this.transforms.get(cacheKey);
    if (transform) {
      // most recently used last
      this.transforms.delete(cacheKey);
      this.transforms.set(cacheKey, transform);
      return transform;
    }
    if (this.transforms.size >= MAX_OPEN_TRANSFORMS) {
      const [oldestKey, oldest] = this.transforms.entries().next().value as [string, Transform];
      this.closeTransform(oldest);
      this.transforms.delete(oldestKey);
    }
    transform = { type, name, fd: this.bindSocket(type, name), opFd: -1, decoyFd: -1, key: null, authsize: 0 };
    this.transforms.set(cacheKey, transform);
    return transform;
  }

  private closeTransform(transform: Transform): void {
    this.closeOp(transform);
    sys.close(transform.fd);
  }

  private closeOp(transform: Transform): void {
    if (transform.opFd >= 0) sys.close(transform.opFd);
    transform.opFd = -1;
    this.closeDecoy(transform);
  }

  /**
   * An operation socket with this key and authsize. The kernel refuses setsockopt on the parent
   * while an operation socket is open (EBUSY), so a change of key closes it first.
   */
  private operation(transform: Transform, key: Buffer | null, authsize = 0): number {
    if (key && (!transform.key || !transform.key.equals(key))) {
      this.closeOp(transform);
      transform.key = null;
      if (key.length > this.keyMax) throw new AfAlgError('setkey', 'E2BIG');
      this.arena.bytes.set(key, this.keyOffset);
      if (sys.setsockopt(transform.fd, SOL_ALG, ALG_SET_KEY, this.arena.base + this.keyOffset, key.length) < 0) {
        throw new AfAlgError('setkey', errnoName(lastErrno()));
      }
      transform.key = key;
    }
    if (authsize && transform.authsize !== authsize) {
      this.closeOp(transform);
      transform.authsize = 0;
      // ALG_SET_AEAD_AUTHSIZE carries the size in optlen, with a NULL optval
      if (sys.setsockopt(transform.fd, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, 0, authsize) < 0) {
        throw new AfAlgError('authsize', errnoName(lastErrno()));
      }
      transform.authsize = authsize;
    }
    if (transform.opFd < 0) {
      const opFd = sys.accept(transform.fd, 0, 0);
      if (opFd < 0) throw new AfAlgError('accept', errnoName(lastErrno()));
      transform.opFd = opFd;
    }
    return transform.opFd;
  }

  /** Run `body` with the op socket; any failure closes the op socket so no stale state leaks. */
  withOperation<T>(transform: Transform, key: Buffer | null, authsize: number, body: (opFd: number) => T): T {
    const opFd = this.operation(transform, key, authsize);
    try {
      return body(opFd);
    } catch (error) {
      this.closeOp(transform);
      throw error;
    }
  }

  placement(strategy: SplitStrategy | undefined, length: number): Placement {
    if (length > MAX_DATA) throw new AfAlgError('send', 'E2BIG');
    const shift = strategy === 'page-cross' ? this.pageSize - PAGE_CROSS_OFFSET : 0;
    const inIndex = this.inOffset + shift;
    const outIndex = strategy === 'inplace' ? inIndex : this.outOffset + shift;
    return { inAddr: this.arena.base + inIndex, inIndex, outAddr: this.arena.base + outIndex, outIndex };
  }

  /** Build the control messages for the first sendmsg; returns their total length. */
  control(op: number | undefined, iv: Buffer | undefined, assoclen: number | undefined): number {
    return writeControlMessages(this.arena, this.cmsgOffset, op, iv, assoclen);
  }

  sendmsg(fd: number, addr: number, length: number, controlLength: number, flags: number): void {
    const { msghdr, iovec } = layout;
    const msg = this.msgOffset;
    this.arena.bytes.fill(0, msg, msg + msghdr.size);
    this.arena.setWord(this.iovOffset, addr);
    this.arena.setWord(this.iovOffset + iovec.len, length);
    this.arena.setWord(msg + msghdr.iov, this.arena.base + this.iovOffset);
    this.arena.setWord(msg + msghdr.iovlen, 1);
    if (controlLength > 0) {
      this.arena.setWord(msg + msghdr.control, this.arena.base + this.cmsgOffset);
      this.arena.setWord(msg + msghdr.controllen, controlLength);
    }
    const sent = sys.sendmsg(fd, this.arena.base + msg, flags);
    if (sent < 0) throw new AfAlgError('send', errnoName(lastErrno()));
    if (sent !== length) throw new AfAlgError('send', `short send ${sent}/${length}`);
  }

  /** Send `length` bytes at `addr` according to the strategy; control messages ride on the first send. */
  send(fd: number, addr: number, length: number, controlLength: number, strategy: SplitStrategy | undefined, chunks: number[] | undefined): void {
    if (strategy === 'zerocopy' && length > 0) {
      this.splice(fd, addr, length, controlLength);
      return;
    }
    if (strategy !== 'chunks' && strategy !== 'page-cross') {
      this.sendmsg(fd, addr, length, controlLength, 0);
      return;
    }
    const sizes = strategy === 'chunks' ? (chunks && chunks.length > 0 ? chunks : DEFAULT_CHUNKS) : [PAGE_CROSS_OFFSET, this.pageSize - 3];
    let offset = 0;
    let index = 0;
    let control = controlLength;
    do {
      const size = Math.min(sizes[index % sizes.length] ?? 1, length - offset);
      index++;
      const last = offset + size >= length;
      this.sendmsg(fd, addr + offset, size, control, last ? 0 : MSG_MORE);
      control = 0;
      offset += size;
    } while (offset < length);
  }

  /**
   * zerocopy: the control messages alone (MSG_MORE), then the data at `addr` (page-aligned)
   * vmspliced into a pipe and spliced into the socket, a pipe's 16 pages at a time, SPLICE_F_MORE
   * on all but the last. A failure drops the pipe, which may still hold the pages not moved.
   */
  private splice(fd: number, addr: number, length: number, controlLength: number): void {
    if (controlLength > 0) this.sendmsg(fd, addr, 0, controlLength, MSG_MORE);
    if (!this.pipe) {
      if (sys.pipe2(this.arena.base + this.pipeFdsOffset, O_CLOEXEC) < 0) throw new AfAlgError('pipe', errnoName(lastErrno()));
      this.pipe = [this.arena.view.getInt32(this.pipeFdsOffset, true), this.arena.view.getInt32(this.pipeFdsOffset + 4, true)];
    }
    const [pipeRead, pipeWrite] = this.pipe;
    const most = PIPE_PAGES * this.pageSize;
    try {
      for (let offset = 0; offset < length; offset += most) {
        const size = Math.min(most, length - offset);
        this.arena.setWord(this.spliceIovOffset, addr + offset);
        this.arena.setWord(this.spliceIovOffset + layout.iovec.len, size);
        const mapped = sys.vmsplice(pipeWrite, this.arena.base + this.spliceIovOffset, 1, 0);
        if (mapped !== size) throw new AfAlgError('vmsplice', mapped < 0 ? errnoName(lastErrno()) : `short ${mapped}/${size}`);
        const moved = sys.splice(pipeRead, 0, fd, 0, size, offset + size < length ? SPLICE_F_MORE : 0);
        if (moved !== size) throw new AfAlgError('send', moved < 0 ? errnoName(lastErrno()) : `short splice ${moved}/${size}`);
      }
    } catch (error) {
      this.closePipe();
      throw error;
    }
  }

  /**
   * An operation whose output is empty (decrypting a bare tag with no AAD): the kernel runs a
   * request only when the read has room for something, and an unread request makes the next
   * sendmsg fail with EINVAL. Offer one byte; the answer is 0 bytes or the operation's error.
   */
  readEmpty(fd: number, addr: number): void {
    const n = sys.read(fd, addr, 1);
    if (n < 0) throw new AfAlgError('read', errnoName(lastErrno()));
    if (n !== 0) throw new AfAlgError('read', `${n} bytes where none were due`);
  }

  readAll(fd: number, addr: number, length: number): void {
    readFully(fd, addr, length);
  }
}
