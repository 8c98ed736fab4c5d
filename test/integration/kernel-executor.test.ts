/**
 * The in-kernel executor on the 7.x board: AF_ALG cannot bind virtio_crypto_aes_cbc there (async),
 * the executor module reaches it through the crypto API. cbc(aes)'s NIST vectors go through it in
 * every scatterlist shape; malformed frames each get an error answer and leave the kernel unharmed.
 */
import assert from 'node:assert/strict';
import { loadBoard } from '../../harness/board/board.js';
import { RunSession } from '../../harness/execution/run-session.js';
import { decodeKexecReply, encodeKexecRequest, type KexecReply, type KexecRequest } from '../../harness/protocol/kernel-executor.js';
import type { SplitStrategy } from '../../harness/protocol/messages.js';
import { loadAlgorithmVectors } from '../../vectors/vector-sources.js';
import { buildKernelExecutor } from '../../qemu/kernel-executor-build.js';
import { vectorsDir } from '../unit/vectors/vectors-dir.js';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { readRun } from '../../harness/results/results-reader.js';
import { summarize } from '../../harness/results/summary.js';

const STRATEGIES: SplitStrategy[] = ['oneshot', 'chunks', 'page-cross', 'inplace'];
const ERRNO = { ENOENT: 2, EINVAL: 22, EBADMSG: 74, EPROTO: 71, EMSGSIZE: 90, EOPNOTSUPP: 95 };

interface CbcCase {
  id: string;
  op: 'encrypt' | 'decrypt';
  key: Buffer;
  iv: Buffer;
  input: Buffer;
  expect: Buffer;
}

function nistCbcCases(): CbcCase[] {
  const cases: CbcCase[] = [];
  for (const source of loadAlgorithmVectors('cbc(aes)', vectorsDir).sources) {
    if (source.family !== 'nist') continue;
    for (const vector of source.cases) {
      const body = vector.body;
      if (body.type !== 'skcipher' || body.expect === undefined || body.expectError !== undefined || vector.strategies) continue;
      cases.push({ id: `${source.source} ${vector.id}`, op: body.op, key: Buffer.from(body.key, 'base64'), iv: Buffer.from(body.iv ?? '', 'base64'), input: Buffer.from(body.input, 'base64'), expect: Buffer.from(body.expect, 'base64') });
    }
  }
  return cases;
}

describe('in-kernel executor on qemu-x86_64-sid (Linux 7.x)', function () {
  this.timeout(900_000);
  let session: RunSession;

  const send = async (frame: Buffer): Promise<KexecReply> => decodeKexecReply(Buffer.from((await session.target.agent.request('kexec', { frame: frame.toString('base64') })).reply, 'base64'));
  const run = (request: Omit<KexecRequest, 'timeoutMs'>): Promise<KexecReply> => send(encodeKexecRequest({ ...request, timeoutMs: 20_000 }));

  before(async () => {
    const board = loadBoard('qemu-x86_64-sid');
    const module = await buildKernelExecutor('7.2.13+deb14-amd64', 'sid', 'amd64');
    session = await RunSession.start(board, { fixtures: [], moduleFiles: [module] });
  });
  after(async () => {
    await session?.close(true);
  });

  it('AF_ALG cannot bind virtio_crypto_aes_cbc here', async () => {
    const { results } = await session.target.agent.request('bind', { probes: [{ name: 'virtio_crypto_aes_cbc', type: 'skcipher' }] });
    assert.equal(results[0]?.error, 'ENOENT');
  });

  it("passes cbc(aes)'s NIST vectors on virtio_crypto_aes_cbc in every scatterlist shape", async () => {
    const cases = nistCbcCases();
    assert.ok(cases.length > 100, `${cases.length} NIST cases`);
    const failures: string[] = [];
    for (const one of cases) {
      for (const strategy of STRATEGIES) {
        const answer = await run({ op: one.op === 'encrypt' ? 'skcipher-encrypt' : 'skcipher-decrypt', strategy, driver: 'virtio_crypto_aes_cbc', key: one.key, iv: one.iv, data: one.input });
        if (answer.status !== 0 || !answer.data.equals(one.expect)) failures.push(`${one.id} ${strategy}: status ${answer.status} at ${answer.step}`);
      }
    }
    process.stderr.write(`      ${cases.length} cases × ${STRATEGIES.length} shapes through virtio_crypto_aes_cbc, ${failures.length} failed\n`);
    assert.deepEqual(failures.slice(0, 5), []);
  });

  it('answers malformed frames with an error each, and the kernel stays healthy', async () => {
    const good = encodeKexecRequest({ op: 'skcipher-encrypt', strategy: 'oneshot', driver: 'cbc-aes-aesni', key: Buffer.alloc(16), iv: Buffer.alloc(16), data: Buffer.alloc(16), timeoutMs: 5000 });
    assert.equal((await send(good)).status, 0);
    const badMagic = Buffer.from(good);
    badMagic.writeUInt32LE(0xdeadbeef, 0);
    assert.equal((await send(badMagic)).status, -ERRNO.EPROTO);
    const badOp = Buffer.from(good);
    badOp.writeUInt32LE(99, 4);
    assert.equal((await send(badOp)).status, -ERRNO.EOPNOTSUPP);
    assert.equal((await send(good.subarray(0, good.length - 1))).status, -ERRNO.EBADMSG, 'frame shorter than its lengths');
    const oversize = Buffer.from(good);
    oversize.writeUInt32LE(2 << 20, 24);
    assert.equal((await send(oversize)).status, -ERRNO.EMSGSIZE);
    const unknown = await run({ op: 'skcipher-encrypt', strategy: 'oneshot', driver: 'no-such-driver', key: Buffer.alloc(16), iv: Buffer.alloc(16), data: Buffer.alloc(16) });
    assert.equal(unknown.status, -ERRNO.ENOENT);
    const badIv = await run({ op: 'skcipher-encrypt', strategy: 'oneshot', driver: 'virtio_crypto_aes_cbc', key: Buffer.alloc(16), iv: Buffer.alloc(8), data: Buffer.alloc(16) });
    assert.equal(badIv.status, -ERRNO.EINVAL);
    const { text } = await session.target.agent.request('proc-crypto', {});
    assert.match(text, /virtio_crypto_aes_cbc/);
    assert.doesNotMatch(session.target.consoleTail(200).join('\n'), /Oops|BUG:|Call Trace/);
  });
});

describe('run --executor auto on qemu-x86_64-sid', function () {
  this.timeout(900_000);
  const tmp = useTempDir('afalg-kexec-run-');

  it('qualifies virtio_crypto_aes_cbc through the in-kernel executor and says so per driver', async () => {
    const out = path.join(tmp.path, 'run');
    const result = await runCli(['run', '--board', 'qemu-x86_64-sid', '--vectors', vectorsDir, '--out', out, '--alg', 'cbc(aes)', '--executor', 'auto', '--sample', '40']);
    const run = readRun(out);
    const summary = summarize(run.meta, run.lines);
    const rowOf = (target: string) => summary.rows.find((row) => row.target === target);
    const virtio = rowOf('virtio_crypto_aes_cbc');
    assert.equal(virtio?.executor, 'kernel');
    assert.ok((virtio?.passed ?? 0) > 0 && virtio?.failed === 0, JSON.stringify(virtio && { passed: virtio.passed, failed: virtio.failed }));
    assert.equal(rowOf('cbc-aes-aesni')?.executor, undefined, 'AF_ALG serves what it can reach');
    assert.equal(run.meta.settings.executor, 'auto');
    assert.ok(!summary.unbindable.some((line) => line.target === 'virtio_crypto_aes_cbc'));
    assert.match(result.stdout, /virtio_crypto_aes_cbc \[in-kernel executor\]/);
  });
});

describe('both executors on qemu-x86_64 (Linux 6.1, where AF_ALG reaches every driver)', function () {
  this.timeout(900_000);
  const tmp = useTempDir('afalg-kexec-conformance-');

  it('give identical tallies for every cbc(aes) driver', async () => {
    const tallies = async (executor: 'afalg' | 'kernel'): Promise<Map<string, string>> => {
      const out = path.join(tmp.path, executor);
      await runCli(['run', '--board', 'qemu-x86_64', '--vectors', vectorsDir, '--out', out, '--alg', 'cbc(aes)', '--executor', executor, '--sample', '30', '--seed', 'conformance']);
      const run = readRun(out);
      const rows = summarize(run.meta, run.lines).rows;
      if (executor === 'kernel') assert.ok(rows.filter((row) => !row.generic).every((row) => row.executor === 'kernel'), 'every driver row served by the module');
      return new Map(rows.map((row) => [row.target, `${row.passed}/${row.failed}/${row.skipped}/${row.acceptable}`]));
    };
    const viaAfalg = await tallies('afalg');
    const viaKernel = await tallies('kernel');
    assert.ok(viaAfalg.has('virtio_crypto_aes_cbc') && viaAfalg.size >= 3, [...viaAfalg.keys()].join(', '));
    assert.deepEqual([...viaKernel], [...viaAfalg]);
  });
});
