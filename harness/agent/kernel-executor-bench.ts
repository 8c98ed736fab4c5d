/**
 * Throughput through the in-kernel executor, for drivers AF_ALG cannot reach (Linux >= 7.2): each
 * operation is one write and one read of /dev/afalg_kexec, the module running the request on the
 * transform it keeps for the open file (setkey once). The frame of each size is encoded once; the
 * loop only exchanges it and checks the status. Copy path only (the module copies the payload in
 * and the output out, as sendmsg/read do): a figure comparable with AF_ALG's copy path.
 */
import { decodeKexecReply, encodeKexecRequest, type KexecRequest } from '../protocol/kernel-executor.js';
import type { BenchPoint, BenchRequestBody, BenchResult } from '../protocol/messages.js';
import { measureOperations } from './bench-loop.js';
import { exchangeWithKernelExecutor, inKernel, kernelExecutorError } from './kernel-executor-device.js';

/** The engine a kernel-executor bench answers with. */
export const KERNEL_BENCH_ENGINE = 'agent via /dev/afalg_kexec';
const TIMEOUT_MS = 20_000;

function payload(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 131 + 7) & 0xff;
  return bytes;
}

/** The request of one operation of `size` bytes (an AEAD decryption carries a tag made by one encryption first). */
function requestOf(body: BenchRequestBody, size: number): KexecRequest {
  const key = body.key !== undefined ? Buffer.from(body.key, 'base64') : Buffer.alloc(0);
  const iv = body.iv !== undefined ? Buffer.from(body.iv, 'base64') : Buffer.alloc(0);
  const common = { strategy: 'oneshot' as const, driver: body.alg, key, iv, timeoutMs: TIMEOUT_MS };
  const decrypt = body.operation === 'decrypt';
  if (body.type === 'hash') return { ...common, op: body.key !== undefined ? 'hash-keyed' : 'hash', data: payload(size) };
  if (body.type === 'skcipher') return { ...common, op: decrypt ? 'skcipher-decrypt' : 'skcipher-encrypt', data: payload(size) };
  const aead = { ...common, assoc: payload(body.assocLength ?? 0), authsize: body.authsize ?? 16 };
  const encrypt: KexecRequest = { ...aead, op: 'aead-encrypt', data: payload(size) };
  return decrypt ? { ...aead, op: 'aead-decrypt', data: inKernel(encrypt) } : encrypt;
}

export function benchInKernel(body: BenchRequestBody): BenchResult {
  if (body.path !== 'copy') throw new Error(`bench: the in-kernel executor measures the copy path only, not ${body.path}`);
  const points: BenchPoint[] = body.sizes.map((size) => {
    const frame = encodeKexecRequest(requestOf(body, size));
    const operations = (n: number): void => {
      for (let i = 0; i < n; i++) {
        const reply = exchangeWithKernelExecutor(frame);
        const status = reply.readInt32LE(4);
        if (status !== 0) throw kernelExecutorError(decodeKexecReply(reply));
      }
    };
    return measureOperations(operations, body, size);
  });
  return { points, engine: KERNEL_BENCH_ENGINE };
}
