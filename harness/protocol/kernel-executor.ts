/**
 * Frames of the in-kernel executor (qemu/executor/kexec.h, /dev/afalg_kexec): what the host
 * encodes, the agent writes to the device as is, and the module answers. Little endian.
 *
 *   request  magic "AKX2" u32 | op u32 | shape u16 | socket u16 | timeout_ms u32 | driver_len u16 |
 *            key_len u16 | iv_len u16 | authsize u16 | assoc_len u32 | data_len u32 | driver | key | iv |
 *            assoc | data
 *   reply    magic "AKXR" u32 | status i32 (0 or -errno) | data_len u32 | step u32 | data
 *
 * Replies carry the output: skcipher the text, AEAD what follows the associated data (text and tag
 * on encryption, text on decryption), hash the digest, rng the bytes asked for. assoc and authsize
 * are for AEAD only (authsize 0 keeps the one set before, else the driver's default); 'hash' sets
 * no key, 'hash-keyed' sets one, even empty; 'rng' generates unseeded, 'rng-seeded' resets with
 * the key as seed first; an rng frame carries no data, its data_len is the length asked for.
 * The module keeps each open file's transforms across requests, one per (driver, socket) as the
 * agent keeps its AF_ALG sockets, and sets a key (or authsize, or seed) only when it changed.
 *
 * The bounds are the module's: anything beyond them is refused by both sides.
 */
import type { SplitStrategy } from './messages.js';

export const KEXEC_DEVICE = '/dev/afalg_kexec';
export const KEXEC_MODULE = 'afalg_kexec';
export const KEXEC_REQUEST_MAGIC = 0x32584b41;
export const KEXEC_REPLY_MAGIC = 0x52584b41;
export const KEXEC_REQUEST_HEADER_BYTES = 32;
export const KEXEC_REPLY_HEADER_BYTES = 16;
/** data: associated data and text together; authsize: also the largest digest */
export const KEXEC_LIMITS = { driver: 127, key: 512, iv: 64, authsize: 64, data: 1 << 20, timeoutMs: 600_000 } as const;

export type KexecOp = 'skcipher-encrypt' | 'skcipher-decrypt' | 'aead-encrypt' | 'aead-decrypt' | 'hash' | 'hash-keyed' | 'rng' | 'rng-seeded';
const OP_CODES: Record<KexecOp, number> = { 'skcipher-encrypt': 1, 'skcipher-decrypt': 2, 'aead-encrypt': 3, 'aead-decrypt': 4, hash: 5, 'hash-keyed': 6, rng: 7, 'rng-seeded': 8 };
/** Transforms of one driver the module keeps apart per open file (the state cases use three). */
export const KEXEC_MAX_SOCKET = 63;
/**
 * The split strategies as scatterlist shapes: chunks → odd-sized entries, page-cross → data across a
 * page, inplace → src == dst, chained → consecutive requests sharing the IV buffer (skcipher only),
 * zerocopy → one entry per page (what splicing user pages gives a driver), concurrent → a decoy request
 * on the same transform in flight with the case's.
 */
const SHAPE_CODES: Record<SplitStrategy, number> = { oneshot: 0, chunks: 1, 'page-cross': 2, inplace: 3, chained: 4, zerocopy: 5, concurrent: 6 };

export interface KexecRequest {
  op: KexecOp;
  strategy: SplitStrategy;
  /** the driver's unique name */
  driver: string;
  key: Buffer;
  iv: Buffer;
  /** AEAD only: the associated data, and the tag size (0 or absent: the driver's default) */
  assoc?: Buffer;
  authsize?: number;
  /** the input; empty for rng */
  data: Buffer;
  /** rng only: how many bytes to generate */
  length?: number;
  /** which of the driver's transforms (the agent's AF_ALG socket index; default 0) */
  socket?: number;
  timeoutMs: number;
}

/** Where a failed request stopped (the module's enum kexec_step). */
/** `decoy` comes with status 0: the case succeeded, the concurrent shape's decoy answered otherwise in flight with it than alone. */
export const KEXEC_STEPS = ['none', 'frame', 'alloc', 'setkey', 'request', 'crypt', 'timeout', 'authsize', 'decoy'] as const;
export type KexecStep = (typeof KEXEC_STEPS)[number];

export interface KexecReply {
  /** 0, or a negative errno */
  status: number;
  step: KexecStep;
  data: Buffer;
}

export function encodeKexecRequest(request: KexecRequest): Buffer {
  const driver = Buffer.from(request.driver, 'utf8');
  const assoc = request.assoc ?? Buffer.alloc(0);
  const authsize = request.authsize ?? 0;
  const rng = request.op.startsWith('rng');
  const dataLength = rng ? (request.length ?? 0) : request.data.length;
  const socket = request.socket ?? 0;
  const sizes: Array<[string, number, number]> = [
    ['driver name', driver.length, KEXEC_LIMITS.driver],
    ['key', request.key.length, KEXEC_LIMITS.key],
    ['iv', request.iv.length, KEXEC_LIMITS.iv],
    ['authsize', authsize, KEXEC_LIMITS.authsize],
    ['data', assoc.length + dataLength, KEXEC_LIMITS.data],
  ];
  for (const [what, size, max] of sizes) if (size > max) throw new RangeError(`kernel executor: ${what} of ${size} bytes exceeds ${max}`);
  if (driver.length === 0) throw new RangeError('kernel executor: empty driver name');
  if (!(request.timeoutMs >= 1 && request.timeoutMs <= KEXEC_LIMITS.timeoutMs)) throw new RangeError(`kernel executor: timeout ${request.timeoutMs} ms out of 1..${KEXEC_LIMITS.timeoutMs}`);
  if (!request.op.startsWith('aead') && (assoc.length > 0 || authsize > 0)) throw new RangeError(`kernel executor: ${request.op} takes no associated data or authsize`);
  if ((request.op.startsWith('hash') || rng) && request.iv.length > 0) throw new RangeError(`kernel executor: ${request.op} takes no iv`);
  if ((request.op === 'hash' || request.op === 'rng') && request.key.length > 0) throw new RangeError(`kernel executor: '${request.op}' sets no key (use '${request.op}-${request.op === 'rng' ? 'seeded' : 'keyed'}')`);
  if (rng ? request.data.length > 0 : request.length !== undefined) throw new RangeError(`kernel executor: ${request.op} takes ${rng ? 'a length, no data' : 'data, no length'}`);
  if (!(Number.isInteger(socket) && socket >= 0 && socket <= KEXEC_MAX_SOCKET)) throw new RangeError(`kernel executor: socket ${socket} out of 0..${KEXEC_MAX_SOCKET}`);
  const header = Buffer.alloc(KEXEC_REQUEST_HEADER_BYTES);
  header.writeUInt32LE(KEXEC_REQUEST_MAGIC, 0);
  header.writeUInt32LE(OP_CODES[request.op], 4);
  header.writeUInt16LE(SHAPE_CODES[request.strategy], 8);
  header.writeUInt16LE(socket, 10);
  header.writeUInt32LE(Math.round(request.timeoutMs), 12);
  header.writeUInt16LE(driver.length, 16);
  header.writeUInt16LE(request.key.length, 18);
  header.writeUInt16LE(request.iv.length, 20);
  header.writeUInt16LE(authsize, 22);
  header.writeUInt32LE(assoc.length, 24);
  header.writeUInt32LE(dataLength, 28);
  return Buffer.concat([header, driver, request.key, request.iv, assoc, request.data]);
}

export function decodeKexecReply(frame: Buffer): KexecReply {
  if (frame.length < KEXEC_REPLY_HEADER_BYTES) throw new Error(`kernel executor: reply of ${frame.length} bytes is shorter than its header`);
  if (frame.readUInt32LE(0) !== KEXEC_REPLY_MAGIC) throw new Error(`kernel executor: reply magic 0x${frame.readUInt32LE(0).toString(16)} is not AKXR`);
  const length = frame.readUInt32LE(8);
  if (frame.length !== KEXEC_REPLY_HEADER_BYTES + length) throw new Error(`kernel executor: reply says ${length} data bytes, frame holds ${frame.length - KEXEC_REPLY_HEADER_BYTES}`);
  const step = KEXEC_STEPS[frame.readUInt32LE(12)];
  if (!step) throw new Error(`kernel executor: reply step ${frame.readUInt32LE(12)} is unknown`);
  return { status: frame.readInt32LE(4), step, data: frame.subarray(KEXEC_REPLY_HEADER_BYTES) };
}

/** Largest reply the module writes (an AEAD encryption's text and tag). */
export const KEXEC_MAX_REPLY_BYTES = KEXEC_REPLY_HEADER_BYTES + KEXEC_LIMITS.data + KEXEC_LIMITS.authsize;
