/**
 * AF_ALG operations on the target: binds transforms by name, keeps them (and their accepted
 * operation sockets) open across cases, and runs one case at a time through a preallocated arena.
 */
import {
  AF_ALG,
  ALG_OP_DECRYPT,
  ALG_OP_ENCRYPT,
  ALG_SET_AEAD_ASSOCLEN,
  ALG_SET_AEAD_AUTHSIZE,
  ALG_SET_IV,
  ALG_SET_KEY,
  ALG_SET_OP,
  MSG_MORE,
  NativeArena,
  SOCK_CLOEXEC,
  SOCK_SEQPACKET,
  SOL_ALG,
  errnoName,
  lastErrno,
  layout,
  sys,
} from './afalg-ffi.js';
import type { AeadCase, AfAlgType, Case, CaseOutcome, HashCase, RngCase, SkcipherCase, SplitStrategy } from '../protocol/messages.js';

/** A syscall that failed: which step, which errno. */
export class AfAlgError extends Error {
  constructor(
    readonly step: string,
    readonly errno: string,
  ) {
    super(`${step}: ${errno}`);
  }
}

/** Largest input or output one case may carry (AF_ALG's send buffer holds ~208 KiB). */
export const MAX_DATA = 128 * 1024;
const DEFAULT_CHUNKS = [1, 15, 17];
/** page-cross: buffers start this many bytes before a page boundary */
const PAGE_CROSS_OFFSET = 13;
const MAX_OPEN_TRANSFORMS = 48;

interface Transform {
  type: AfAlgType;
  name: string;
  fd: number;
  opFd: number;
  key: Buffer | null;
  authsize: number;
}

export class AfAlgSession {
  readonly pageSize: number;
  private readonly arena: NativeArena;
  private readonly transforms = new Map<string, Transform>();
  // arena layout
  private readonly addrOffset = 0; // sockaddr_alg (up to 128 bytes)
  private readonly msgOffset = 128;
  private readonly iovOffset = 256;
  private readonly cmsgOffset = 320; // up to 192 bytes of control messages
  private readonly keyOffset = 512; // up to 3.5 KiB of key
  private readonly keyMax = 4096 - 512;
  private readonly inOffset: number;
  private readonly outOffset: number;

  constructor() {
    this.pageSize = sys.getpagesize();
    const region = MAX_DATA + 2 * this.pageSize;
    this.inOffset = this.pageSize;
    this.outOffset = this.inOffset + region;
    this.arena = new NativeArena(this.outOffset + region, this.pageSize);
  }

  close(): void {
    for (const transform of this.transforms.values()) this.closeTransform(transform);
    this.transforms.clear();
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

  runCase(c: Case): CaseOutcome {
    try {
      switch (c.type) {
        case 'hash':
          return this.runHash(c);
        case 'skcipher':
          return this.runSkcipher(c);
        case 'aead':
          return this.runAead(c);
        case 'rng':
          return this.runRng(c);
        default:
          return { ref: (c as { ref: string }).ref, status: 'error', error: `unknown case type ${(c as { type: string }).type}` };
      }
    } catch (error) {
      if (!(error instanceof AfAlgError)) throw error;
      const expected = 'expectError' in c ? c.expectError : undefined;
      if (expected !== undefined) {
        return { ref: c.ref, status: error.errno === expected ? 'pass' : 'fail', error: error.errno, step: error.step };
      }
      return { ref: c.ref, status: 'error', error: error.errno, step: error.step };
    }
  }

  private transform(type: AfAlgType, name: string): Transform {
    const cacheKey = `${type}\0${name}`;
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
    transform = { type, name, fd: this.bindSocket(type, name), opFd: -1, key: null, authsize: 0 };
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
  private withOperation<T>(transform: Transform, key: Buffer | null, authsize: number, body: (opFd: number) => T): T {
    const opFd = this.operation(transform, key, authsize);
    try {
      return body(opFd);
    } catch (error) {
      this.closeOp(transform);
      throw error;
    }
  }

  private placement(strategy: SplitStrategy | undefined, length: number): { inAddr: number; inIndex: number; outAddr: number; outIndex: number } {
    if (length > MAX_DATA) throw new AfAlgError('send', 'E2BIG');
    const shift = strategy === 'page-cross' ? this.pageSize - PAGE_CROSS_OFFSET : 0;
    const inIndex = this.inOffset + shift;
    const outIndex = strategy === 'inplace' ? inIndex : this.outOffset + shift;
    return { inAddr: this.arena.base + inIndex, inIndex, outAddr: this.arena.base + outIndex, outIndex };
  }

  /** Build the control messages for the first sendmsg; returns their total length. */
  private control(op: number | undefined, iv: Buffer | undefined, assoclen: number | undefined): number {
    const { cmsghdr, cmsgAlign } = layout;
    let at = this.cmsgOffset;
    const add = (type: number, dataLength: number): number => {
      const cmsgLen = cmsghdr.size + dataLength;
      this.arena.bytes.fill(0, at, at + cmsgAlign(cmsgLen));
      this.arena.setWord(at, cmsgLen);
      this.arena.view.setInt32(at + cmsghdr.level, SOL_ALG, true);
      this.arena.view.setInt32(at + cmsghdr.type, type, true);
      const data = at + cmsghdr.size;
      at += cmsgAlign(cmsgLen);
      return data;
    };
    if (op !== undefined) this.arena.view.setUint32(add(ALG_SET_OP, 4), op, true);
    if (iv !== undefined) {
      const data = add(ALG_SET_IV, 4 + iv.length);
      this.arena.view.setUint32(data, iv.length, true);
      this.arena.bytes.set(iv, data + 4);
    }
    if (assoclen !== undefined) this.arena.view.setUint32(add(ALG_SET_AEAD_ASSOCLEN, 4), assoclen, true);
    return at - this.cmsgOffset;
  }

  private sendmsg(fd: number, addr: number, length: number, controlLength: number, flags: number): void {
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
  private send(fd: number, addr: number, length: number, controlLength: number, strategy: SplitStrategy | undefined, chunks: number[] | undefined): void {
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

  private readAll(fd: number, addr: number, length: number): void {
    let got = 0;
    while (got < length) {
      const n = sys.read(fd, addr + got, length - got);
      if (n < 0) throw new AfAlgError('read', errnoName(lastErrno()));
      if (n === 0) throw new AfAlgError('read', `short read ${got}/${length}`);
      got += n;
    }
  }

  private outcome(ref: string, actual: Uint8Array, expected: Buffer | undefined, expectError: string | undefined, expectMismatch = false): CaseOutcome {
    if (expectError !== undefined) return { ref, status: 'fail', error: `succeeded, expected ${expectError}`, got: Buffer.from(actual).toString('base64') };
    if (expected === undefined) return { ref, status: 'pass', got: Buffer.from(actual).toString('base64') };
    const equal = Buffer.compare(actual, expected) === 0;
    if (equal !== expectMismatch) return { ref, status: 'pass' };
    return { ref, status: 'fail', got: Buffer.from(actual).toString('base64') };
  }

  private runHash(c: HashCase): CaseOutcome {
    const transform = this.transform('hash', c.alg);
    const key = c.key !== undefined ? Buffer.from(c.key, 'base64') : null;
    const msg = Buffer.from(c.msg, 'base64');
    const expect = Buffer.from(c.expect, 'base64');
    return this.withOperation(transform, key, 0, (opFd) => {
      const { inAddr, inIndex, outAddr, outIndex } = this.placement(c.strategy, msg.length);
      this.arena.bytes.set(msg, inIndex);
      // with no data at all, read() alone yields the digest of the empty message
      if (msg.length > 0) this.send(opFd, inAddr, msg.length, 0, c.strategy, c.chunks);
      const n = sys.read(opFd, outAddr, 256);
      if (n < 0) throw new AfAlgError('read', errnoName(lastErrno()));
      const digest = this.arena.bytes.subarray(outIndex, outIndex + Math.min(n, expect.length || n));
      return this.outcome(c.ref, digest, expect, undefined, c.expectMismatch);
    });
  }

  private runSkcipher(c: SkcipherCase): CaseOutcome {
    const transform = this.transform('skcipher', c.alg);
    const input = Buffer.from(c.input, 'base64');
    const expect = c.expect !== undefined ? Buffer.from(c.expect, 'base64') : undefined;
    if (input.length === 0) throw new AfAlgError('send', 'EMSGSIZE');
    return this.withOperation(transform, Buffer.from(c.key, 'base64'), 0, (opFd) => {
      const { inAddr, inIndex, outAddr, outIndex } = this.placement(c.strategy, input.length);
      this.arena.bytes.set(input, inIndex);
      const iv = c.iv !== undefined ? Buffer.from(c.iv, 'base64') : undefined;
      const controlLength = this.control(c.op === 'encrypt' ? ALG_OP_ENCRYPT : ALG_OP_DECRYPT, iv, undefined);
      this.send(opFd, inAddr, input.length, controlLength, c.strategy, c.chunks);
      this.readAll(opFd, outAddr, input.length);
      return this.outcome(c.ref, this.arena.bytes.subarray(outIndex, outIndex + input.length), expect, c.expectError);
    });
  }

  private runAead(c: AeadCase): CaseOutcome {
    const transform = this.transform('aead', c.alg);
    const assoc = Buffer.from(c.assoc, 'base64');
    const input = Buffer.from(c.input, 'base64');
    const expect = c.expect !== undefined ? Buffer.from(c.expect, 'base64') : undefined;
    const total = assoc.length + input.length;
    const outLength = c.op === 'encrypt' ? total + c.authsize : total - c.authsize;
    if (outLength < assoc.length) throw new AfAlgError('send', 'EINVAL');
    return this.withOperation(transform, Buffer.from(c.key, 'base64'), c.authsize, (opFd) => {
      const { inAddr, inIndex, outAddr, outIndex } = this.placement(c.strategy, Math.max(total, outLength));
      this.arena.bytes.set(assoc, inIndex);
      this.arena.bytes.set(input, inIndex + assoc.length);
      const controlLength = this.control(c.op === 'encrypt' ? ALG_OP_ENCRYPT : ALG_OP_DECRYPT, Buffer.from(c.iv, 'base64'), assoc.length);
      if (total > 0) this.send(opFd, inAddr, total, controlLength, c.strategy, c.chunks);
      else this.sendmsg(opFd, inAddr, 0, controlLength, 0);
      this.readAll(opFd, outAddr, outLength);
      // the output repeats the associated data first; compare what follows it
      return this.outcome(c.ref, this.arena.bytes.subarray(outIndex + assoc.length, outIndex + outLength), expect, c.expectError);
    });
  }

  private runRng(c: RngCase): CaseOutcome {
    const transform = this.transform('rng', c.alg);
    const seed = c.seed !== undefined ? Buffer.from(c.seed, 'base64') : null;
    if (c.length > MAX_DATA) throw new AfAlgError('read', 'E2BIG');
    return this.withOperation(transform, seed, 0, (opFd) => {
      const { outAddr, outIndex } = this.placement(undefined, c.length);
      this.readAll(opFd, outAddr, c.length);
      return this.outcome(c.ref, this.arena.bytes.subarray(outIndex, outIndex + c.length), undefined, undefined);
    });
  }
}
