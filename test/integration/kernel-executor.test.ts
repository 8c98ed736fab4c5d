/**
 * The in-kernel executor on the 7.x board: AF_ALG cannot bind virtio_crypto_aes_cbc there (async),
 * the executor module reaches it through the crypto API. cbc(aes)'s NIST vectors go through it in
 * every scatterlist shape; every driver of cbc(aes), gcm(aes) and sha256 is qualified through it;
 * malformed frames each get an error answer and leave the kernel unharmed; rng drivers and the
 * bench loop run through it too. On the 6.1 board, where AF_ALG reaches every driver, both
 * executors give the same tallies.
 */
import assert from 'node:assert/strict';
import { loadBoard } from '../../harness/board/board.js';
import { RunSession } from '../../harness/execution/run-session.js';
import { decodeKexecReply, encodeKexecRequest, type KexecReply, type KexecRequest } from '../../harness/protocol/kernel-executor.js';
import type { BenchResult, MatrixOutcome, MatrixRequestBody, SplitStrategy } from '../../harness/protocol/messages.js';
import { loadAlgorithmVectors } from '../../vectors/vector-sources.js';
import { buildKernelExecutor } from '../../qemu/kernel-executor-build.js';
import { vectorsDir } from '../unit/vectors/vectors-dir.js';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { readRun } from '../../harness/results/results-reader.js';
import { summarize } from '../../harness/results/summary.js';
import { describeFull } from '../support/test-tier.js';

const STRATEGIES: SplitStrategy[] = ['oneshot', 'chunks', 'page-cross', 'inplace', 'chained', 'zerocopy', 'concurrent'];
const ERRNO = { ENOENT: 2, EINVAL: 22, EBADMSG: 74, EPROTO: 71, EMSGSIZE: 90, EOPNOTSUPP: 95 };
/** request header offsets (harness/protocol/kernel-executor.ts) */
const AT = { op: 4, socket: 10, authsize: 22, assocLen: 24, dataLen: 28 };

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

/**
 * Three rng cases through one driver, by the module or AF_ALG: seeded twice (the second read goes on
 * from the first: a seed set on a transform stays, as on an AF_ALG socket), then unseeded on a
 * transform of its own (socket 1). The plan sends no rng cases (there are no rng vectors), so the
 * protocol's CaseBody has none; the agent's matrix runs them.
 */
async function rngOutcomes(session: RunSession, driver: string, kernel: boolean): Promise<MatrixOutcome[]> {
  const seed = Buffer.alloc(48, 0x5a).toString('base64');
  const cases = [
    // every case names its socket: state cases, which an agent runs in order on one thread (the
    // native agent's workers would otherwise take them in parallel, each on a transform of its own)
    { type: 'rng', seed, length: 300, socket: 0, report: true },
    { type: 'rng', seed, length: 300, socket: 0, report: true },
    { type: 'rng', length: 64, socket: 1, report: true },
  ] as unknown as MatrixRequestBody['cases'];
  return (await session.target.agent.request('matrix', { algs: [driver], strategies: ['oneshot'], cases, hangSec: 20, ...(kernel ? { kernelAlgs: [driver] } : {}) })).outcomes;
}
const rngShape = (one: MatrixOutcome): string => `${one.status} ${one.error ?? ''} ${Buffer.from(one.got ?? '', 'base64').length}`;

// both agents forward to the module (the native one's client is harness/native-agent/src/kexec-client.c): the same checks for each
for (const agent of ['native', 'node'] as const)
describe(`in-kernel executor on qemu-x86_64-sid (Linux 7.x), ${agent} agent`, function () {
  this.timeout(900_000);
  let session: RunSession;

  const send = async (frame: Buffer): Promise<KexecReply> => decodeKexecReply(Buffer.from((await session.target.agent.request('kexec', { frame: frame.toString('base64') })).reply, 'base64'));
  const run = (request: Omit<KexecRequest, 'timeoutMs'>): Promise<KexecReply> => send(encodeKexecRequest({ ...request, timeoutMs: 20_000 }));

  before(async () => {
    const board = loadBoard('qemu-x86_64-sid');
    const module = await buildKernelExecutor('7.2.13+deb14-amd64', 'sid', 'amd64');
    session = await RunSession.start(board, { fixtures: [], moduleFiles: [module], agent });
    assert.equal(session.target.info.agent?.kind, agent);
  });
  after(async () => {
    await session?.close(true);
  });

  it('AF_ALG cannot bind virtio_crypto_aes_cbc here', async () => {
    const { results } = await session.target.agent.request('bind', { probes: [{ name: 'virtio_crypto_aes_cbc', type: 'skcipher' }] });
    assert.equal(results[0]?.error, 'ENOENT');
  });

  it("passes a quarter of cbc(aes)'s NIST vectors on virtio_crypto_aes_cbc in every scatterlist shape, chained on its handed-back IV, and with a decoy in flight", async () => {
    // every fourth case keeps it short (one request per round trip over the console: ~26 ms each under TCG)
    const cases = nistCbcCases().filter((_, index) => index % 4 === 0);
    assert.ok(cases.length > 100, `${cases.length} NIST cases`);
    const failures: string[] = [];
    for (const one of cases) {
      for (const strategy of STRATEGIES) {
        const answer = await run({ op: one.op === 'encrypt' ? 'skcipher-encrypt' : 'skcipher-decrypt', strategy, driver: 'virtio_crypto_aes_cbc', key: one.key, iv: one.iv, data: one.input });
        // concurrent: the decoy in flight with the case must have answered as it did alone
        if (answer.status !== 0 || answer.step === 'decoy' || !answer.data.equals(one.expect)) failures.push(`${one.id} ${strategy}: status ${answer.status} at ${answer.step}`);
      }
    }
    process.stderr.write(`      ${cases.length} cases × ${STRATEGIES.length} shapes through virtio_crypto_aes_cbc, ${failures.length} failed\n`);
    assert.deepEqual(failures.slice(0, 5), []);
  });

  it('verifies AEAD tags and keys HMAC as AF_ALG does: EBADMSG on a forged tag, an empty HMAC key allowed', async () => {
    const gcm = { driver: 'gcm(aes)', key: Buffer.alloc(16, 7), iv: Buffer.alloc(12, 9), assoc: Buffer.from('header'), authsize: 16 };
    const sealed = await run({ ...gcm, op: 'aead-encrypt', strategy: 'chunks', data: Buffer.from('sixteen byte msg') });
    assert.equal(sealed.status, 0, `gcm encrypt: ${sealed.status} at ${sealed.step}`);
    assert.equal(sealed.data.length, 16 + 16, 'text and tag');
    const opened = await run({ ...gcm, op: 'aead-decrypt', strategy: 'inplace', data: sealed.data });
    assert.equal(opened.data.toString(), 'sixteen byte msg');
    const forged = Buffer.from(sealed.data);
    forged.writeUInt8((forged.at(-1) as number) ^ 1, forged.length - 1);
    const refused = await run({ ...gcm, op: 'aead-decrypt', strategy: 'page-cross', data: forged });
    assert.deepEqual([refused.status, refused.step], [-ERRNO.EBADMSG, 'crypt']);
    const hmac = await run({ op: 'hash-keyed', strategy: 'chunks', driver: 'hmac(sha256)', key: Buffer.alloc(0), iv: Buffer.alloc(0), data: Buffer.alloc(300, 1) });
    assert.equal(hmac.status, 0, `hmac: ${hmac.status} at ${hmac.step}`);
    assert.equal(hmac.data.length, 32);
    const unkeyed = await run({ op: 'hash', strategy: 'oneshot', driver: 'hmac(sha256)', key: Buffer.alloc(0), iv: Buffer.alloc(0), data: Buffer.alloc(3) });
    assert.equal(unkeyed.status, -126, 'ENOKEY, as AF_ALG answers an unkeyed HMAC');
  });

  it('generates rng bytes by driver name with the outcomes of the AF_ALG rng path', async () => {
    const jitter = await rngOutcomes(session, 'jitterentropy_rng', true);
    assert.deepEqual(jitter.map(rngShape), ['pass  300', 'pass  300', 'pass  64'], 'jitterentropy takes a seed and needs none');
    assert.notEqual(jitter[0]?.got, jitter[1]?.got);
    assert.deepEqual((await rngOutcomes(session, 'jitterentropy_rng', false)).map(rngShape), jitter.map(rngShape), 'AF_ALG answers the same');
    // Debian's 7.2 has no DRBG (stdrng): ENOENT from both, at the allocation and at the bind
    const drbg = await rngOutcomes(session, 'drbg_nopr_sha256', true);
    assert.deepEqual(drbg.map((one) => `${one.error} ${one.step}`), Array(3).fill('ENOENT kernel-alloc'));
    assert.deepEqual((await rngOutcomes(session, 'drbg_nopr_sha256', false)).map((one) => `${one.error} ${one.step}`), Array(3).fill('ENOENT bind'));
  });

  it('measures throughput through the module where AF_ALG cannot: virtio_crypto_aes_cbc, and an AEAD decryption with a genuine tag', async () => {
    const bench = (alg: string, type: 'skcipher' | 'aead', operation: 'encrypt' | 'decrypt', extra: object): Promise<BenchResult> =>
      session.target.agent.request('bench', { type, alg, operation, path: 'copy', sizes: [16, 4096], warmupMs: 20, repetitionMs: 60, repetitions: 2, executor: 'kernel', ...extra });
    const virtio = await bench('virtio_crypto_aes_cbc', 'skcipher', 'encrypt', { key: Buffer.alloc(16, 1).toString('base64'), iv: Buffer.alloc(16, 2).toString('base64') });
    assert.match(virtio.engine, /afalg_kexec/);
    assert.deepEqual(virtio.points.map((point) => point.size), [16, 4096]);
    for (const point of virtio.points) assert.ok(point.repetitions.length >= 2 && point.repetitions.every((one) => one.ops > 0 && one.ns > 0), JSON.stringify(point));
    const gcm = await bench('gcm(aes)', 'aead', 'decrypt', { key: Buffer.alloc(16, 1).toString('base64'), iv: Buffer.alloc(12, 2).toString('base64'), assocLength: 16, authsize: 16 });
    assert.ok(gcm.points.every((point) => point.repetitions.every((one) => one.ops > 0)), 'every decryption verified its tag');
    await assert.rejects(bench('virtio_crypto_aes_cbc', 'skcipher', 'encrypt', { key: Buffer.alloc(16, 1).toString('base64'), iv: Buffer.alloc(16, 2).toString('base64'), executor: undefined }), /ENOENT/, 'AF_ALG cannot bind it');
  });

  it('answers malformed frames with an error each, and the kernel stays healthy', async () => {
    const good = encodeKexecRequest({ op: 'skcipher-encrypt', strategy: 'oneshot', driver: 'cbc(aes)', key: Buffer.alloc(16), iv: Buffer.alloc(16), data: Buffer.alloc(16), timeoutMs: 5000 });
    assert.equal((await send(good)).status, 0);
    const altered = (offset: number, value: number, width: 2 | 4 = 4): Buffer => {
      const frame = Buffer.from(good);
      if (width === 2) frame.writeUInt16LE(value, offset);
      else frame.writeUInt32LE(value, offset);
      return frame;
    };
    assert.equal((await send(altered(0, 0xdeadbeef))).status, -ERRNO.EPROTO, 'bad magic');
    assert.equal((await send(altered(AT.op, 99))).status, -ERRNO.EOPNOTSUPP, 'unknown op');
    assert.equal((await send(good.subarray(0, good.length - 1))).status, -ERRNO.EBADMSG, 'frame shorter than its lengths');
    assert.equal((await send(altered(AT.dataLen, 2 << 20))).status, -ERRNO.EMSGSIZE, 'oversize data');
    assert.equal((await send(altered(AT.assocLen, 0xffffffff))).status, -ERRNO.EMSGSIZE, 'associated data length at the top of u32');
    assert.equal((await send(altered(AT.authsize, 65, 2))).status, -ERRNO.EMSGSIZE, 'authsize past 64');
    assert.equal((await send(altered(AT.authsize, 16, 2))).status, -ERRNO.EINVAL, 'an authsize on an skcipher request');
    const hashWithIv = altered(AT.op, 5);
    assert.equal((await send(hashWithIv)).status, -ERRNO.EINVAL, 'hash with a key and an iv');
    assert.equal((await send(altered(AT.socket, 64, 2))).status, -ERRNO.EINVAL, 'socket past 63');
    assert.equal((await send(altered(AT.op, 8))).status, -ERRNO.EINVAL, 'rng with an iv');
    const rng = encodeKexecRequest({ op: 'rng-seeded', strategy: 'oneshot', driver: 'jitterentropy_rng', key: Buffer.alloc(8), iv: Buffer.alloc(0), data: Buffer.alloc(0), length: 16, timeoutMs: 5000 });
    assert.equal((await send(rng)).status, 0);
    assert.equal((await send(Buffer.concat([rng, Buffer.alloc(16)]))).status, -ERRNO.EBADMSG, 'an rng frame carrying data');
    const unknown = await run({ op: 'aead-decrypt', strategy: 'oneshot', driver: 'no-such-driver', key: Buffer.alloc(16), iv: Buffer.alloc(12), data: Buffer.alloc(16) });
    assert.deepEqual([unknown.status, unknown.step], [-ERRNO.ENOENT, 'alloc']);
    const badIv = await run({ op: 'skcipher-encrypt', strategy: 'oneshot', driver: 'virtio_crypto_aes_cbc', key: Buffer.alloc(16), iv: Buffer.alloc(8), data: Buffer.alloc(16) });
    assert.equal(badIv.status, -ERRNO.EINVAL);
    const shortTag = await run({ op: 'aead-decrypt', strategy: 'oneshot', driver: 'gcm(aes)', key: Buffer.alloc(16), iv: Buffer.alloc(12), authsize: 16, data: Buffer.alloc(15) });
    assert.deepEqual([shortTag.status, shortTag.step], [-ERRNO.EINVAL, 'request'], 'input shorter than the tag');
    const badAuthsize = await run({ op: 'aead-encrypt', strategy: 'oneshot', driver: 'gcm(aes)', key: Buffer.alloc(16), iv: Buffer.alloc(12), authsize: 3, data: Buffer.alloc(16) });
    assert.deepEqual([badAuthsize.status, badAuthsize.step], [-ERRNO.EINVAL, 'authsize']);
    const { text } = await session.target.agent.request('proc-crypto', {});
    assert.match(text, /virtio_crypto_aes_cbc/);
    assert.doesNotMatch(session.target.consoleTail(200).join('\n'), /Oops|BUG:|Call Trace/);
    // the console shows errors only: the kernel log since the module loaded has no WARNING either (every test above included)
    const { records } = await session.target.agent.request('kernel-log', { since: 0, max: 100_000 });
    const loaded = records.findIndex((record) => /afalg_kexec: loading out-of-tree module/.test(record.text));
    assert.ok(loaded >= 0, 'the module load is in the kernel log');
    assert.deepEqual(records.slice(loaded).filter((record) => /WARNING|BUG|Oops|Call Trace|refcount_t/.test(record.text)).map((record) => record.text), []);
  });
});

/** The rows of a finished run, and its summary. */
function rowsOf(out: string): ReturnType<typeof summarize>['rows'] {
  const run = readRun(out);
  return summarize(run.meta, run.lines).rows;
}

describe('run --executor kernel on qemu-x86_64-sid: the issue\'s drivers through the in-kernel executor', function () {
  this.timeout(1_800_000);
  const tmp = useTempDir('afalg-kexec-sid-');

  it('qualifies every driver of cbc(aes), gcm(aes) and sha256, virtio_crypto_aes_cbc included', async () => {
    const out = path.join(tmp.path, 'run');
    const result = await runCli(['run', '--board', 'qemu-x86_64-sid', '--vectors', vectorsDir, '--out', out, '--alg', 'cbc(aes)', 'gcm(aes)', 'sha256', '--executor', 'kernel', '--sample', '8', '--strategies', 'oneshot,chunks', '--differential', '2', '--seed', 'issue-19']);
    const drivers = rowsOf(out).filter((row) => !row.generic);
    for (const algorithm of ['cbc(aes)', 'gcm(aes)', 'sha256']) assert.ok(drivers.some((row) => row.algorithm === algorithm), `${algorithm}: no driver row (${result.stderr.slice(-400)})`);
    assert.ok(drivers.some((row) => row.target === 'virtio_crypto_aes_cbc'), drivers.map((row) => row.target).join(', '));
    const wrong = drivers.filter((row) => row.executor !== 'kernel' || row.passed === 0 || row.failed > 0 || row.fault || row.hung);
    assert.deepEqual(wrong.map((row) => `${row.target}: ${row.executor ?? 'afalg'} ${row.passed}/${row.failed} ${row.fault ?? ''}`), []);
  });
});

describe('run on qemu-x86_64-sid with its default executor (the board says auto; no --executor given)', function () {
  this.timeout(900_000);
  const tmp = useTempDir('afalg-kexec-run-');

  it('qualifies virtio_crypto_aes_cbc through the in-kernel executor and says so per driver', async () => {
    const out = path.join(tmp.path, 'run');
    const result = await runCli(['run', '--board', 'qemu-x86_64-sid', '--vectors', vectorsDir, '--out', out, '--alg', 'cbc(aes)', '--sample', '40', '--bench', '--sizes', '4096', '--seconds', '0.2', '--paths', 'copy', '--no-tcrypt', '--no-c-reference']);
    const run = readRun(out);
    const summary = summarize(run.meta, run.lines);
    const rowOf = (target: string) => summary.rows.find((row) => row.target === target);
    const virtio = rowOf('virtio_crypto_aes_cbc');
    assert.equal(virtio?.executor, 'kernel');
    assert.ok((virtio?.passed ?? 0) > 0 && virtio?.failed === 0, JSON.stringify(virtio && { passed: virtio.passed, failed: virtio.failed }));
    assert.equal(rowOf('cbc-aes-aesni')?.executor, undefined, 'AF_ALG serves what it can reach');
    assert.equal(run.meta.settings.executor, 'auto', "the board's qemu.executor");
    assert.ok(!summary.unbindable.some((line) => line.target === 'virtio_crypto_aes_cbc'));
    assert.match(result.stdout, /virtio_crypto_aes_cbc \[in-kernel executor\]/);
    // the bench measures it through the module too, and says so
    const benchOf = (target: string) => summary.bench?.series.filter((one) => one.target === target) ?? [];
    assert.deepEqual(benchOf('virtio_crypto_aes_cbc').map((one) => `${one.op} ${one.path} ${one.executor}`).sort(), ['decrypt copy kernel', 'encrypt copy kernel']);
    assert.ok(benchOf('virtio_crypto_aes_cbc').every((one) => (one.points[0]?.mbPerSecond ?? 0) > 0));
    assert.ok(benchOf('cbc-aes-aesni').length > 0 && benchOf('cbc-aes-aesni').every((one) => one.executor === undefined), 'AF_ALG measures what it reaches');
  });
});

describeFull('both executors on qemu-x86_64 (Linux 6.1, where AF_ALG reaches every driver)', function () {
  this.timeout(1_800_000);
  const tmp = useTempDir('afalg-kexec-conformance-');

  it('give identical tallies and acceptable outcomes for every driver of cbc(aes), gcm(aes), sha256 and hmac(sha256)', async () => {
    const tallies = async (executor: 'afalg' | 'kernel'): Promise<Map<string, string>> => {
      const out = path.join(tmp.path, executor);
      await runCli(['run', '--board', 'qemu-x86_64', '--vectors', vectorsDir, '--out', out, '--alg', 'cbc(aes)', 'gcm(aes)', 'sha256', 'hmac(sha256)', '--executor', executor, '--sample', '10', '--differential', '4', '--seed', 'conformance']);
      const rows = rowsOf(out);
      if (executor === 'kernel') assert.ok(rows.filter((row) => !row.generic).every((row) => row.executor === 'kernel'), 'every driver row served by the module');
      // an acceptable case's step names differ (read vs kernel-crypt); what was accepted or rejected, and with which errno, must not
      const acceptables = (row: (typeof rows)[number]): string => row.acceptables.map((one) => `${one.source} ${one.case} ${one.strategy} ${one.outcome} ${one.error ?? ''}`).sort().join('; ');
      return new Map(rows.map((row) => [`${row.algorithm} ${row.target}`, `${row.passed}/${row.failed}/${row.skipped}/${row.acceptable} ${row.fault ?? ''} ${acceptables(row)}`]));
    };
    const viaAfalg = await tallies('afalg');
    const viaKernel = await tallies('kernel');
    assert.ok(viaAfalg.has('cbc(aes) virtio_crypto_aes_cbc') && viaAfalg.size >= 12, [...viaAfalg.keys()].join(', '));
    assert.deepEqual([...viaKernel], [...viaAfalg]);
  });
});

describeFull('rng through both executors on qemu-x86_64 (Linux 6.1, with its DRBG)', function () {
  this.timeout(300_000);
  let session: RunSession;
  before(async () => {
    session = await RunSession.start(loadBoard('qemu-x86_64'), { fixtures: [], moduleFiles: [await buildKernelExecutor('6.1.0-56-amd64', 'bookworm', 'amd64')] });
  });
  after(async () => {
    await session?.close(true);
  });

  it('seeded DRBG bytes, an unseeded DRBG refused with EINVAL, jitterentropy unseeded: the same outcomes from both', async () => {
    const drivers = ['drbg_nopr_sha256', 'drbg_pr_hmac_sha512', 'jitterentropy_rng'];
    // bound once first, as a run's discovery binds every driver: the drbg module autoloads on the first
    // allocation, and an allocation moments later (the native agent's next case) was seen to fail with
    // ENOENT while the module's other DRBGs ran their self-tests
    await session.target.agent.request('bind', { probes: drivers.map((name) => ({ type: 'rng' as const, name })) });
    for (const driver of drivers) {
      const viaKernel = await rngOutcomes(session, driver, true);
      const unseeded = driver.startsWith('drbg') ? 'error EINVAL 0' : 'pass  64';
      assert.deepEqual(viaKernel.map(rngShape), ['pass  300', 'pass  300', unseeded], driver);
      assert.deepEqual((await rngOutcomes(session, driver, false)).map(rngShape), viaKernel.map(rngShape), `${driver}: AF_ALG answers the same`);
    }
  });
});
