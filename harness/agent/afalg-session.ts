/**
 * AF_ALG operations on the target: binds transforms by name, keeps them (and their accepted
 * operation sockets) open across cases, and runs one case at a time through a preallocated arena.
 */
import {
  AF_ALG,
  ALG_OP_DECRYPT,
  ALG_OP_ENCRYPT,
  ALG_SET_AEAD_AUTHSIZE,
  ALG_SET_KEY,
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
import { AfAlgError, readFully, writeControlMessages } from './afalg-wire.js';
import type { ProgressBeacon } from './progress-beacon.js';
import type { AfAlgType, Case, CaseBody, CaseOutcome, CaseStatus, MatrixOutcome, MatrixRequestBody, MatrixResult, SplitStrategy } from '../protocol/messages.js';
import { skcipherInKernel } from './kernel-executor-device.js';

export { AfAlgError };

/** Strategies by the index a progress beacon carries. */
export const STRATEGY_CODES: readonly SplitStrategy[] = ['oneshot', 'chunks', 'page-cross', 'inplace'];
const STRATEGY_INDEX = Object.fromEntries(STRATEGY_CODES.map((strategy, index) => [strategy, index])) as Record<SplitStrategy, number>;

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
  /** this matrix request's transforms served by the in-kernel executor, and its wait limit */
  private kernelAlgs = new Set<string>();
  private kernelTimeoutMs = 20_000;
  // arena layout
  private readonly addrOffset = 0; // sockaddr_alg (up to 128 bytes)
  private readonly msgOffset = 128;
  private readonly iovOffset = 256;
  private readonly cmsgOffset = 320; // up to 192 bytes of control messages
  private readonly keyOffset = 512; // up to 3.5 KiB of key
  private readonly keyMax = 4096 - 512;
  private readonly inOffset: number;
  private readonly outOffset: number;
  /** where this session is in a matrix request, for the agent's hang watchdog */
  private beacon: ProgressBeacon | undefined;

  constructor() {
    this.pageSize = sys.getpagesize();
    const region = MAX_DATA + 2 * this.pageSize;
    this.inOffset = this.pageSize;
    this.outOffset = this.inOffset + region;
    this.arena = new NativeArena(this.outOffset + region, this.pageSize);
  }

  /** Mark every operation of matrix requests on this beacon (a worker's, read by the main thread). */
  watchWith(beacon: ProgressBeacon): void {
    this.beacon = beacon;
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

  /** Run one self-contained case (the `run` request). */
  runCase(c: Case): CaseOutcome {
    if (!KNOWN_TYPES.has(c.type)) return { ref: (c as { ref: string }).ref, status: 'error', error: `unknown case type ${(c as { type: string }).type}` };
    const raw = this.execute(decodeCase(c), c.alg, c.strategy ?? 'oneshot', c.chunks);
    return { ref: c.ref, ...toOutcome(raw) };
  }

  /**
   * Every case × transform × strategy of a matrix request. Answers only what is not a plain pass
   * (and everything of cases marked `report`). Differential: the first transform's one-shot output
   * is the expected value of every execution of that case.
   */
  runMatrix(body: MatrixRequestBody): MatrixResult {
    this.kernelAlgs = new Set(body.kernelAlgs ?? []);
    this.kernelTimeoutMs = (body.hangSec ?? 20) * 1000;
    const outcomes: MatrixOutcome[] = [];
    let executed = 0;
    body.cases.forEach((wire, index) => {
      const strategies = wire.strategies ?? body.strategies;
      if (!KNOWN_TYPES.has(wire.type)) {
        outcomes.push({ index, ref: String(index), alg: body.algs[0] ?? '', strategy: 'oneshot', status: 'error', error: `unknown case type ${wire.type}` });
        return;
      }
      const decoded = decodeCase(wire);
      let algs = body.algs;
      if (body.differential) {
        const reference = body.algs[0] ?? '';
        this.beacon?.mark(index, 0, STRATEGY_INDEX.oneshot);
        const raw = this.execute(decoded, reference, 'oneshot', undefined);
        executed++;
        if (raw.status !== 'pass' || raw.output === undefined) {
          outcomes.push({ index, ref: String(index), alg: reference, strategy: 'oneshot', ...toOutcome(raw) });
          return;
        }
        decoded.expect = raw.output;
        algs = body.algs.slice(1);
        // the reference's other strategies are compared with its own one-shot output
        if (strategies.some((strategy) => strategy !== 'oneshot')) algs = [reference, ...algs];
      }
      for (const alg of algs) {
        const algIndex = this.beacon ? body.algs.indexOf(alg) : 0;
        for (const strategy of strategies) {
          if (body.differential && alg === body.algs[0] && strategy === 'oneshot') continue;
          this.beacon?.mark(index, algIndex, STRATEGY_INDEX[strategy]);
          const raw = this.execute(decoded, alg, strategy, undefined);
          executed++;
          if (raw.status === 'pass' && !wire.report) continue;
          const outcome: MatrixOutcome = { index, ref: String(index), alg, strategy, ...toOutcome(raw) };
          if (body.differential && raw.status === 'fail' && decoded.expect) outcome.expected = Buffer.from(decoded.expect).toString('base64');
          outcomes.push(outcome);
        }
      }
    });
    return { executed, outcomes };
  }

  /** One execution; AF_ALG failures become an outcome, anything else is a bug and throws. */
  private execute(d: DecodedCase, alg: string, strategy: SplitStrategy, chunks: number[] | undefined): RawOutcome {
    try {
      switch (d.type) {
        case 'hash':
          return this.runHash(d, alg, strategy, chunks);
        case 'skcipher':
          if (this.kernelAlgs.has(alg)) return this.judge(skcipherInKernel(d, alg, strategy, this.kernelTimeoutMs), d);
          return this.runSkcipher(d, alg, strategy, chunks);
        case 'aead':
          return this.runAead(d, alg, strategy, chunks);
        case 'rng':
          return this.runRng(d, alg);
        case 'hash-mct':
          return this.runMct(d, alg);
      }
    } catch (error) {
      if (!(error instanceof AfAlgError)) throw error;
      if (d.expectError !== undefined) {
        return error.errno === d.expectError
          ? { status: 'pass', error: error.errno, step: error.step }
          : { status: 'fail', error: `${error.errno}, expected ${d.expectError}`, step: error.step };
      }
      return { status: 'error', error: error.errno, step: error.step };
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
    return writeControlMessages(this.arena, this.cmsgOffset, op, iv, assoclen);
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

  /**
   * An operation whose output is empty (decrypting a bare tag with no AAD): the kernel runs a
   * request only when the read has room for something, and an unread request makes the next
   * sendmsg fail with EINVAL. Offer one byte; the answer is 0 bytes or the operation's error.
   */
  private readEmpty(fd: number, addr: number): void {
    const n = sys.read(fd, addr, 1);
    if (n < 0) throw new AfAlgError('read', errnoName(lastErrno()));
    if (n !== 0) throw new AfAlgError('read', `${n} bytes where none were due`);
  }

  private readAll(fd: number, addr: number, length: number): void {
    readFully(fd, addr, length);
  }

  /** Compare an output with the case's expectation; the output is copied only when it is needed. */
  private judge(actual: Uint8Array, d: DecodedCase): RawOutcome {
    if (d.expectError !== undefined) return { status: 'fail', error: `succeeded, expected ${d.expectError}`, output: Buffer.from(actual) };
    if (d.expect === undefined) return { status: 'pass', output: Buffer.from(actual) };
    const equal = Buffer.compare(actual, d.expect) === 0;
    if (equal !== Boolean(d.expectMismatch)) return { status: 'pass' };
    return { status: 'fail', output: Buffer.from(actual) };
  }

  private runHash(d: DecodedHash, alg: string, strategy: SplitStrategy, chunks: number[] | undefined): RawOutcome {
    const transform = this.transform('hash', alg);
    const msg = d.msg;
    return this.withOperation(transform, d.key, 0, (opFd) => {
      const { inAddr, inIndex, outAddr, outIndex } = this.placement(strategy, msg.length);
      this.arena.bytes.set(msg, inIndex);
      // with no data at all, read() alone yields the digest of the empty message
      if (msg.length > 0) this.send(opFd, inAddr, msg.length, 0, strategy, chunks);
      const n = sys.read(opFd, outAddr, 256);
      if (n < 0) throw new AfAlgError('read', errnoName(lastErrno()));
      const compared = d.expect && d.expect.length > 0 ? Math.min(n, d.expect.length) : n;
      return this.judge(this.arena.bytes.subarray(outIndex, outIndex + compared), d);
    });
  }

  private runSkcipher(d: DecodedSkcipher, alg: string, strategy: SplitStrategy, chunks: number[] | undefined): RawOutcome {
    const transform = this.transform('skcipher', alg);
    const input = d.input;
    if (input.length === 0) throw new AfAlgError('send', 'EMSGSIZE');
    return this.withOperation(transform, d.key, 0, (opFd) => {
      const { inAddr, inIndex, outAddr, outIndex } = this.placement(strategy, input.length);
      this.arena.bytes.set(input, inIndex);
      const controlLength = this.control(d.op === 'encrypt' ? ALG_OP_ENCRYPT : ALG_OP_DECRYPT, d.iv, undefined);
      this.send(opFd, inAddr, input.length, controlLength, strategy, chunks);
      this.readAll(opFd, outAddr, input.length);
      return this.judge(this.arena.bytes.subarray(outIndex, outIndex + input.length), d);
    });
  }

  private runAead(d: DecodedAead, alg: string, strategy: SplitStrategy, chunks: number[] | undefined): RawOutcome {
    const transform = this.transform('aead', alg);
    const { assoc, input } = d;
    const total = assoc.length + input.length;
    const outLength = d.op === 'encrypt' ? total + d.authsize : total - d.authsize;
    if (outLength < assoc.length) throw new AfAlgError('send', 'EINVAL');
    return this.withOperation(transform, d.key, d.authsize, (opFd) => {
      const { inAddr, inIndex, outAddr, outIndex } = this.placement(strategy, Math.max(total, outLength));
      this.arena.bytes.set(assoc, inIndex);
      this.arena.bytes.set(input, inIndex + assoc.length);
      const controlLength = this.control(d.op === 'encrypt' ? ALG_OP_ENCRYPT : ALG_OP_DECRYPT, d.iv, assoc.length);
      if (total > 0) this.send(opFd, inAddr, total, controlLength, strategy, chunks);
      else this.sendmsg(opFd, inAddr, 0, controlLength, 0);
      if (outLength === 0) this.readEmpty(opFd, outAddr);
      else this.readAll(opFd, outAddr, outLength);
      // the output repeats the associated data first; compare what follows it
      return this.judge(this.arena.bytes.subarray(outIndex + assoc.length, outIndex + outLength), d);
    });
  }

  private runRng(d: DecodedRng, alg: string): RawOutcome {
    const transform = this.transform('rng', alg);
    if (d.length > MAX_DATA) throw new AfAlgError('read', 'E2BIG');
    return this.withOperation(transform, d.seed, 0, (opFd) => {
      const { outAddr, outIndex } = this.placement(undefined, d.length);
      this.readAll(opFd, outAddr, d.length);
      return this.judge(this.arena.bytes.subarray(outIndex, outIndex + d.length), d);
    });
  }

  /** CAVP Monte-Carlo: 1,000 chained digests per checkpoint, all inside the agent. */
  private runMct(d: DecodedMct, alg: string): RawOutcome {
    const transform = this.transform('hash', alg);
    return this.withOperation(transform, null, 0, (opFd) => {
      const { inAddr, inIndex, outAddr, outIndex } = this.placement(undefined, 3 * d.seed.length);
      const bytes = this.arena.bytes;
      const size = d.seed.length;
      let seed: Uint8Array = d.seed;
      for (let checkpoint = 0; checkpoint < d.checkpoints.length; checkpoint++) {
        const window = d.variant === 'sha2' ? 3 : 1;
        for (let k = 0; k < window; k++) bytes.set(seed, inIndex + k * size);
        this.beacon?.beat();
        for (let i = 0; i < 1000; i++) {
          this.sendmsg(opFd, inAddr, window * size, 0, 0);
          const n = sys.read(opFd, outAddr, size);
          if (n !== size) throw new AfAlgError('read', n < 0 ? errnoName(lastErrno()) : `short digest ${n}/${size}`);
          if (window === 3) bytes.copyWithin(inIndex, inIndex + size, inIndex + 3 * size);
          bytes.copyWithin(inIndex + (window - 1) * size, outIndex, outIndex + size);
        }
        const digest = bytes.subarray(outIndex, outIndex + size);
        const expected = d.checkpoints[checkpoint] as Buffer;
        if (Buffer.compare(digest, expected) !== 0) {
          return { status: 'fail', step: `checkpoint ${checkpoint}`, output: Buffer.from(digest) };
        }
        seed = Buffer.from(digest);
      }
      return { status: 'pass' };
    });
  }
}

/** The result of one execution, before it is put on the wire. */
interface RawOutcome {
  status: CaseStatus;
  error?: string;
  step?: string;
  /** the output, when it is needed: a mismatch, or no expectation to compare with */
  output?: Buffer;
}

function toOutcome(raw: RawOutcome): Omit<CaseOutcome, 'ref'> {
  const outcome: Omit<CaseOutcome, 'ref'> = { status: raw.status };
  if (raw.error !== undefined) outcome.error = raw.error;
  if (raw.step !== undefined) outcome.step = raw.step;
  if (raw.output !== undefined) outcome.got = raw.output.toString('base64');
  return outcome;
}

const KNOWN_TYPES = new Set(['hash', 'skcipher', 'aead', 'rng', 'hash-mct']);

interface DecodedCommon {
  expect?: Buffer;
  expectError?: string;
  expectMismatch?: boolean;
}
interface DecodedHash extends DecodedCommon {
  type: 'hash';
  key: Buffer | null;
  msg: Buffer;
}
interface DecodedSkcipher extends DecodedCommon {
  type: 'skcipher';
  key: Buffer;
  iv: Buffer | undefined;
  op: 'encrypt' | 'decrypt';
  input: Buffer;
}
interface DecodedAead extends DecodedCommon {
  type: 'aead';
  key: Buffer;
  iv: Buffer;
  assoc: Buffer;
  authsize: number;
  op: 'encrypt' | 'decrypt';
  input: Buffer;
}
interface DecodedRng extends DecodedCommon {
  type: 'rng';
  seed: Buffer | null;
  length: number;
}
interface DecodedMct extends DecodedCommon {
  type: 'hash-mct';
  variant: 'sha2' | 'sha3';
  seed: Buffer;
  checkpoints: Buffer[];
}
type DecodedCase = DecodedHash | DecodedSkcipher | DecodedAead | DecodedRng | DecodedMct;

const b64 = (text: string): Buffer => Buffer.from(text, 'base64');

/** Decode a case's base64 fields once, however many transforms and strategies it runs through. */
function decodeCase(c: CaseBody | Case): DecodedCase {
  const common = (expect: string | undefined, expectError?: string, expectMismatch?: boolean): DecodedCommon => ({
    ...(expect !== undefined ? { expect: b64(expect) } : {}),
    ...(expectError !== undefined ? { expectError } : {}),
    ...(expectMismatch ? { expectMismatch } : {}),
  });
  switch (c.type) {
    case 'hash':
      return { type: 'hash', key: c.key !== undefined ? b64(c.key) : null, msg: b64(c.msg), ...common(c.expect, c.expectError, c.expectMismatch) };
    case 'skcipher':
      return { type: 'skcipher', key: b64(c.key), iv: c.iv !== undefined ? b64(c.iv) : undefined, op: c.op, input: b64(c.input), ...common(c.expect, c.expectError) };
    case 'aead':
      return { type: 'aead', key: b64(c.key), iv: b64(c.iv), assoc: b64(c.assoc), authsize: c.authsize, op: c.op, input: b64(c.input), ...common(c.expect, c.expectError) };
    case 'rng':
      return { type: 'rng', seed: c.seed !== undefined ? b64(c.seed) : null, length: c.length };
    case 'hash-mct':
      return { type: 'hash-mct', variant: c.variant, seed: b64(c.seed), checkpoints: c.expect.map(b64) };
  }
}
