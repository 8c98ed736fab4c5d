/**
 * AF_ALG operations on the target: runs one case, or a matrix of cases × transforms × strategies,
 * through the transforms and arena of afalg-sockets.ts (kept open across cases).
 */
import { ALG_OP_DECRYPT, ALG_OP_ENCRYPT, errnoName, lastErrno, sys } from './afalg-ffi.js';
import { AfAlgSockets, MAX_DATA, type Transform } from './afalg-sockets.js';
import { AfAlgError, answered, readAnswer } from './afalg-wire.js';
import { decodeCase, judge, KNOWN_TYPES, toOutcome, type DecodedAead, type DecodedCase, type DecodedHash, type DecodedMct, type DecodedRng, type DecodedSkcipher, type RawOutcome } from './decoded-case.js';
import type { ProgressBeacon } from './progress-beacon.js';
import type { AfAlgType, Case, CaseOutcome, MatrixOutcome, MatrixRequestBody, MatrixResult, SplitStrategy } from '../protocol/messages.js';
import { ALL_STRATEGIES, DECOY_MAX_BYTES, chainedPieces, concurrentDecoy } from '../protocol/constants.js';
import { DecoyReader } from './decoy-reader.js';
import { DECOY_CHANGED, runInKernel } from './kernel-executor-device.js';
import { KEXEC_LIMITS } from '../protocol/kernel-executor.js';

export { AfAlgError, MAX_DATA };

/** The progress beacon names a strategy by its index in ALL_STRATEGIES. */
const STRATEGY_INDEX = Object.fromEntries(ALL_STRATEGIES.map((strategy, index) => [strategy, index])) as Record<SplitStrategy, number>;

/**
 * How long the module waits for one operation: past the hang limit, so that the agent's watchdog
 * (which looks every quarter of it, at most every 0.5 s) always reports a driver that never
 * completes as a hang, as for AF_ALG, and never races the module's own timeout; the module's wait
 * only keeps the worker from blocking for good.
 */
export function kernelWaitMs(hangSec: number): number {
  return Math.min(KEXEC_LIMITS.timeoutMs, Math.round(hangSec * 1000 * 1.5) + 1000);
}

export class AfAlgSession {
  readonly pageSize: number;
  private readonly sockets = new AfAlgSockets();
  /** where this session is in a matrix request, for the agent's hang watchdog */
  private beacon: ProgressBeacon | undefined;
  /** this matrix request's transforms served by the in-kernel executor, and its wait limit */
  private kernelAlgs = new Set<string>();
  private kernelTimeoutMs = 20_000;
  /** the `concurrent` strategy's second thread (started on first use) */
  private reader: DecoyReader | undefined;

  constructor() {
    this.pageSize = this.sockets.pageSize;
  }

  /** Mark every operation of matrix requests on this beacon (a worker's, read by the main thread). */
  watchWith(beacon: ProgressBeacon): void {
    this.beacon = beacon;
  }

  close(): void {
    this.sockets.close();
    this.reader?.close();
    this.reader = undefined;
  }

  /** bind a socket to `name`; the caller owns the returned fd */
  bindSocket(type: AfAlgType, name: string): number {
    return this.sockets.bindSocket(type, name);
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
    this.kernelTimeoutMs = kernelWaitMs(body.hangSec ?? 20);
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
      if (this.kernelAlgs.has(alg)) return runInKernel(d, alg, strategy, this.kernelTimeoutMs, () => this.beacon?.beat());
      switch (d.type) {
        case 'hash':
          return this.runHash(d, alg, strategy, chunks);
        case 'skcipher':
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

  private runHash(d: DecodedHash, alg: string, strategy: SplitStrategy, chunks: number[] | undefined): RawOutcome {
    const io = this.sockets;
    const transform = io.transform('hash', alg, d.socket);
    const msg = d.msg;
    return io.withOperation(transform, d.key, 0, (opFd) => {
      const { inAddr, inIndex, outAddr, outIndex } = io.placement(strategy, msg.length);
      io.arena.bytes.set(msg, inIndex);
      // with no data at all, read() alone yields the digest of the empty message
      if (msg.length > 0) io.send(opFd, inAddr, msg.length, 0, strategy, chunks);
      const n = sys.read(opFd, outAddr, 256);
      if (n < 0) throw new AfAlgError('read', errnoName(lastErrno()));
      const compared = d.expect && d.expect.length > 0 ? Math.min(n, d.expect.length) : n;
      return judge(io.arena.bytes.subarray(outIndex, outIndex + compared), d);
    });
  }

  private runSkcipher(d: DecodedSkcipher, alg: string, strategy: SplitStrategy, chunks: number[] | undefined): RawOutcome {
    const io = this.sockets;
    const transform = io.transform('skcipher', alg, d.socket);
    const input = d.input;
    if (input.length === 0) throw new AfAlgError('send', 'EMSGSIZE');
    const op = d.op === 'encrypt' ? ALG_OP_ENCRYPT : ALG_OP_DECRYPT;
    return io.withOperation(transform, d.key, 0, (opFd) => {
      const { inAddr, inIndex, outAddr, outIndex } = io.placement(strategy, input.length);
      io.arena.bytes.set(input, inIndex);
      if (strategy === 'concurrent') {
        const decoy = concurrentDecoy(d.iv ?? Buffer.alloc(0), input, Buffer.alloc(0));
        return this.concurrently(
          transform,
          () => io.sendmsg(opFd, inAddr, input.length, io.control(op, d.iv, undefined), 0),
          { fd: opFd, addr: outAddr, length: input.length },
          () => judge(io.arena.bytes.subarray(outIndex, outIndex + input.length), d),
          { op, iv: d.iv ? decoy.iv : undefined, assoc: undefined, text: decoy.text, outLength: decoy.text.length },
        );
      }
      if (strategy === 'chained') {
        // one request per piece; the IV only with the first: the others continue from the IV the driver handed back
        let offset = 0;
        for (const size of chainedPieces(input.length, d.iv?.length ?? 0)) {
          io.sendmsg(opFd, inAddr + offset, size, io.control(op, offset === 0 ? d.iv : undefined, undefined), 0);
          io.readAll(opFd, outAddr + offset, size);
          offset += size;
        }
      } else {
        io.send(opFd, inAddr, input.length, io.control(op, d.iv, undefined), strategy, chunks);
        io.readAll(opFd, outAddr, input.length);
      }
      return judge(io.arena.bytes.subarray(outIndex, outIndex + input.length), d);
    });
  }

  private runAead(d: DecodedAead, alg: string, strategy: SplitStrategy, chunks: number[] | undefined): RawOutcome {
    const io = this.sockets;
    const transform = io.transform('aead', alg, d.socket);
    const { assoc, input } = d;
    const total = assoc.length + input.length;
    const outLength = d.op === 'encrypt' ? total + d.authsize : total - d.authsize;
    if (outLength < assoc.length) throw new AfAlgError('send', 'EINVAL');
    return io.withOperation(transform, d.key, d.authsize, (opFd) => {
      const { inAddr, inIndex, outAddr, outIndex } = io.placement(strategy, Math.max(total, outLength));
      io.arena.bytes.set(assoc, inIndex);
      io.arena.bytes.set(input, inIndex + assoc.length);
      const controlLength = io.control(d.op === 'encrypt' ? ALG_OP_ENCRYPT : ALG_OP_DECRYPT, d.iv, assoc.length);
      if (strategy === 'concurrent') {
        const text = d.op === 'encrypt' ? input : input.subarray(0, Math.max(0, input.length - d.authsize));
        const decoy = concurrentDecoy(d.iv ?? Buffer.alloc(0), text, assoc);
        return this.concurrently(
          transform,
          // the control messages again: the decoy's, sent first, took their room
          () => io.sendmsg(opFd, inAddr, total, io.control(d.op === 'encrypt' ? ALG_OP_ENCRYPT : ALG_OP_DECRYPT, d.iv, assoc.length), 0),
          { fd: opFd, addr: outAddr, length: outLength },
          () => judge(io.arena.bytes.subarray(outIndex + assoc.length, outIndex + outLength), d),
          { op: ALG_OP_ENCRYPT, iv: d.iv ? decoy.iv : undefined, assoc: decoy.assoc, text: decoy.text, outLength: decoy.assoc.length + decoy.text.length + d.authsize },
        );
      }
      if (total > 0) io.send(opFd, inAddr, total, controlLength, strategy, chunks);
      else io.sendmsg(opFd, inAddr, 0, controlLength, 0);
      if (outLength === 0) io.readEmpty(opFd, outAddr);
      else io.readAll(opFd, outAddr, outLength);
      // the output repeats the associated data first; compare what follows it
      return judge(io.arena.bytes.subarray(outIndex + assoc.length, outIndex + outLength), d);
    });
  }

  /**
   * concurrent: the decoy alone on a second operation socket of the transform (its reference
   * answer; one the driver refuses leaves the case to run alone), then the case's request and the
   * decoy's again, the decoy's read by the reader thread while this one reads the case's. Returns
   * the case's outcome: judged as usual, and failed when it passed while the decoy's answer changed.
   */
  private concurrently(
    transform: Transform,
    sendCase: () => void,
    caseRead: { fd: number; addr: number; length: number },
    judged: () => RawOutcome,
    decoy: { op: number; iv: Buffer | undefined; assoc: Buffer | undefined; text: Buffer; outLength: number },
  ): RawOutcome {
    const io = this.sockets;
    const room = io.decoyPlacement();
    const assocLength = decoy.assoc?.length ?? 0;
    const sendDecoy = (fd: number): void => {
      if (decoy.assoc) io.arena.bytes.set(decoy.assoc, room.inIndex);
      io.arena.bytes.set(decoy.text, room.inIndex + assocLength);
      io.sendmsg(fd, room.inAddr, assocLength + decoy.text.length, io.control(decoy.op, decoy.iv, decoy.assoc ? assocLength : undefined), 0);
    };
    let decoyFd = io.decoyOperation(transform);
    let alone: Buffer | undefined;
    try {
      sendDecoy(decoyFd);
      if (readAnswer(decoyFd, room.outAddr, decoy.outLength) === decoy.outLength) alone = Buffer.from(io.arena.bytes.subarray(room.outIndex, room.outIndex + decoy.outLength));
    } catch (error) {
      if (!(error instanceof AfAlgError)) throw error;
    }
    if (!alone) {
      io.closeDecoy(transform);
      decoyFd = -1;
    }
    sendCase();
    if (alone) {
      sendDecoy(decoyFd);
      this.reader ??= new DecoyReader(2 * DECOY_MAX_BYTES + 64);
      this.reader.start(decoyFd, decoy.outLength);
    }
    const got = readAnswer(caseRead.fd, caseRead.addr, caseRead.length);
    const together = alone ? this.reader?.finish() : undefined;
    answered(got, caseRead.length);
    const outcome = judged();
    if (!alone || !together || outcome.status !== 'pass') return outcome;
    if (together.result === decoy.outLength && together.bytes.equals(alone)) return outcome;
    // the case's own answer was right: the request in flight with it went wrong
    io.closeDecoy(transform);
    const error = together.result < 0 ? `the decoy in flight with it failed (${errnoName(-together.result)}); alone it did not` : DECOY_CHANGED;
    return { ...outcome, status: 'fail', error };
  }

  private runRng(d: DecodedRng, alg: string): RawOutcome {
    const io = this.sockets;
    const transform = io.transform('rng', alg, d.socket);
    if (d.length > MAX_DATA) throw new AfAlgError('read', 'E2BIG');
    return io.withOperation(transform, d.seed, 0, (opFd) => {
      const { outAddr, outIndex } = io.placement(undefined, d.length);
      io.readAll(opFd, outAddr, d.length);
      return judge(io.arena.bytes.subarray(outIndex, outIndex + d.length), d);
    });
  }

  /** CAVP Monte-Carlo: 1,000 chained digests per checkpoint, all inside the agent. */
  private runMct(d: DecodedMct, alg: string): RawOutcome {
    const io = this.sockets;
    const transform = io.transform('hash', alg, d.socket);
    return io.withOperation(transform, null, 0, (opFd) => {
      const { inAddr, inIndex, outAddr, outIndex } = io.placement(undefined, 3 * d.seed.length);
      const bytes = io.arena.bytes;
      const size = d.seed.length;
      let seed: Uint8Array = d.seed;
      for (let checkpoint = 0; checkpoint < d.checkpoints.length; checkpoint++) {
        const window = d.variant === 'sha2' ? 3 : 1;
        for (let k = 0; k < window; k++) bytes.set(seed, inIndex + k * size);
        this.beacon?.beat();
        for (let i = 0; i < 1000; i++) {
          io.sendmsg(opFd, inAddr, window * size, 0, 0);
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
