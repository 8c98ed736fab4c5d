/**
 * AF_ALG message building shared by the case runner (afalg-session.ts) and the throughput loops
 * (afalg-bench.ts): control messages written into native memory, and reading a whole output.
 */
import { ALG_SET_AEAD_ASSOCLEN, ALG_SET_IV, ALG_SET_OP, NativeArena, SOL_ALG, errnoName, lastErrno, layout, sys } from './afalg-ffi.js';

/** A syscall that failed: which step, which errno. */
export class AfAlgError extends Error {
  constructor(
    readonly step: string,
    readonly errno: string,
  ) {
    super(`${step}: ${errno}`);
  }
}

/**
 * Control messages at `offset` of the arena: ALG_SET_OP, ALG_SET_IV (struct af_alg_iv) and
 * ALG_SET_AEAD_ASSOCLEN, each only when given. Returns their total length (msg_controllen).
 */
export function writeControlMessages(arena: NativeArena, offset: number, op: number | undefined, iv: Buffer | undefined, assoclen: number | undefined): number {
  const { cmsghdr, cmsgAlign } = layout;
  let at = offset;
  const add = (type: number, dataLength: number): number => {
    const cmsgLen = cmsghdr.size + dataLength;
    arena.bytes.fill(0, at, at + cmsgAlign(cmsgLen));
    arena.setWord(at, cmsgLen);
    arena.view.setInt32(at + cmsghdr.level, SOL_ALG, true);
    arena.view.setInt32(at + cmsghdr.type, type, true);
    const data = at + cmsghdr.size;
    at += cmsgAlign(cmsgLen);
    return data;
  };
  if (op !== undefined) arena.view.setUint32(add(ALG_SET_OP, 4), op, true);
  if (iv !== undefined) {
    const data = add(ALG_SET_IV, 4 + iv.length);
    arena.view.setUint32(data, iv.length, true);
    arena.bytes.set(iv, data + 4);
  }
  if (assoclen !== undefined) arena.view.setUint32(add(ALG_SET_AEAD_ASSOCLEN, 4), assoclen, true);
  return at - offset;
}

/** Read exactly `length` bytes of output (the kernel may hand a large output over in pieces). */
export function readFully(fd: number, addr: number, length: number): void {
  if (length > 0) answered(readAnswer(fd, addr, length), length);
}

/** A read's result (readAnswer) as the whole answer of `length` bytes, or the AfAlgError it is. */
export function answered(got: number, length: number): void {
  if (got < 0) throw new AfAlgError('read', errnoName(-got));
  if (got !== length) throw new AfAlgError('read', `short read ${got}/${length}`);
}

/** One request's answer of `length` bytes (0: offer one byte, expect none): bytes read (fewer at end of data), or -errno. */
export function readAnswer(fd: number, addr: number, length: number): number {
  let got = 0;
  do {
    const n = sys.read(fd, addr + got, length ? length - got : 1);
    if (n < 0) return -lastErrno();
    if (n === 0) break;
    got += n;
  } while (got < length);
  return got;
}
