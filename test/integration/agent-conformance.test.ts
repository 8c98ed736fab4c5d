/**
 * Conformance: the Node agent and the native agent (harness/native-agent, run from the 9p share by
 * guest-init's `native` mode) answer the same requests in the qemu-x86_64 guest, one boot each, and
 * their answers must be identical: hello (but the runtime), /proc/crypto's entries, bind probes,
 * refcnt moves, case outcomes, matrix outcomes and executed counts over real vectors and every split
 * strategy, differential mode, and the errors of bad requests. Prints each agent's executions/s on
 * the same matrix requests.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadBoard, asQemuBoard } from '../../harness/board/board.js';
import { AgentClient, AgentError } from '../../harness/targets/agent-client.js';
import { QemuTarget } from '../../harness/targets/qemu-target.js';
import { buildNativeAgent } from '../../harness/native-agent/build.js';
import { parseProcCrypto } from '../../harness/protocol/proc-crypto.js';
import { loadAlgorithmVectors } from '../../vectors/vector-sources.js';
import { resolveVectorsDir } from '../../vectors/vectors-dir.js';
import type { AfAlgType, BenchRequestBody, BenchResult, BindProbe, Case, KernelLogRecord, MatrixRequestBody, SplitStrategy } from '../../harness/protocol/messages.js';
import { buildCReference } from '../../harness/bench/c-reference.js';
import { buildFixtures } from '../../qemu/fixtures.js';
import { CHAINED_LENGTHS, chainedTranscript, IV_OUT_DRIVER } from '../support/chained-fixture.js';
import { concurrentTranscript, TFM_IV_DRIVER } from '../support/concurrent-fixture.js';

const ALL: SplitStrategy[] = ['oneshot', 'chunks', 'page-cross', 'inplace', 'zerocopy'];
/** skciphers and AEADs also run with a decoy of the same transform in flight */
const CIPHERS: SplitStrategy[] = [...ALL, 'concurrent'];
/** modes that hand back their IV also continue a message in further requests */
const CHAINING: SplitStrategy[] = [...CIPHERS, 'chained'];
const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');

/** Up to `count` vector cases of an algorithm, as matrix cases (acceptable ones reported). */
function vectorCases(algorithm: string, count: number): MatrixRequestBody['cases'] {
  const vectors = loadAlgorithmVectors(algorithm, resolveVectorsDir().dir, { mctCheckpoints: 2 });
  const cases = vectors.sources.flatMap((source) => source.cases.slice(0, Math.ceil(count / vectors.sources.length)));
  assert.ok(cases.length > 0, `vectors for ${algorithm}`);
  return cases.slice(0, count).map((one) => ({ ...one.body, ...(one.expectation === 'acceptable' ? { report: true } : {}), ...(one.strategies ? { strategies: one.strategies } : {}) }));
}

function matrixRequests(): MatrixRequestBody[] {
  const wrong = { type: 'hash' as const, msg: Buffer.from('abc').toString('base64'), expect: b64('00'.repeat(32)) };
  return [
    { algs: ['sha256', 'sha256-generic'], strategies: ALL, cases: [...vectorCases('sha256', 120), wrong] },
    { algs: ['hmac(sha256)', 'hmac(sha256-generic)'], strategies: ALL, cases: vectorCases('hmac(sha256)', 120) },
    { algs: ['cbc(aes)', 'cbc(aes-generic)'], strategies: CHAINING, cases: vectorCases('cbc(aes)', 150) },
    { algs: ['gcm(aes)', 'gcm_base(ctr(aes-generic),ghash-generic)'], strategies: CIPHERS, cases: vectorCases('gcm(aes)', 150) },
    { algs: ['xts(aes)'], strategies: ['oneshot', 'chunks'], cases: vectorCases('xts(aes)', 80), hangSec: 30 },
    // differential: the first transform's one-shot output is the expectation of every other execution
    { algs: ['ctr(aes)', 'ctr(aes-generic)'], strategies: CHAINING, differential: true, cases: vectorCases('cbc(aes)', 40).map(({ expect: _expect, ...body }) => body as MatrixRequestBody['cases'][number]) },
    // an unknown case type, an oversize case (E2BIG at send), a missing transform (ENOENT at bind)
    { algs: ['sha256'], strategies: ['oneshot'], cases: [{ type: 'teleport' } as never, { type: 'hash', msg: Buffer.alloc(200_000).toString('base64') }] },
    { algs: ['no-such(alg)'], strategies: ['oneshot'], cases: [{ type: 'hash', msg: '' }] },
  ];
}

function runCases(): Case[] {
  const gcm = { type: 'aead' as const, key: b64('00'.repeat(16)), iv: b64('00'.repeat(12)), assoc: '', authsize: 16 };
  return [
    { ...gcm, ref: 'gcm-enc', alg: 'gcm(aes)', op: 'encrypt', input: b64('00'.repeat(16)), expect: b64('0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf') },
    { ...gcm, ref: 'gcm-bad-tag', alg: 'gcm(aes)', op: 'decrypt', input: b64('0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bdde'), expectError: 'EBADMSG' },
    { ...gcm, ref: 'gcm-bad-tag-unexpected', alg: 'gcm(aes)', op: 'decrypt', input: b64('0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bdde'), expect: b64('00'.repeat(16)) },
    { ...gcm, ref: 'gcm-wrong-error', alg: 'gcm(aes)', op: 'encrypt', input: '', expectError: 'EINVAL' },
    { type: 'hash', ref: 'chunked', alg: 'sha256', msg: Buffer.from('abc').toString('base64'), strategy: 'chunks', chunks: [2, 1] },
    { type: 'hash', ref: 'bad-hmac-key', alg: 'hmac(sha256)', key: '', msg: '', expectError: 'EINVAL' },
    { type: 'skcipher', ref: 'empty', alg: 'cbc(aes)', key: b64('00'.repeat(16)), iv: b64('00'.repeat(16)), op: 'encrypt', input: '' },
    { type: 'skcipher', ref: 'bad-key', alg: 'cbc(aes)', key: b64('00'.repeat(15)), iv: b64('00'.repeat(16)), op: 'encrypt', input: b64('00'.repeat(16)) },
  ];
}

/** ops per second of each repetition of each point */
type BenchRates = Record<number, number[]>;
const ratesOf = (result: BenchResult): BenchRates => Object.fromEntries(result.points.map((point) => [point.size, point.repetitions.map((r) => r.ops / (r.ns / 1e9))]));
const BENCH = { warmupMs: 100, repetitionMs: 300, repetitions: 5, sizes: [64, 4096] };
const BENCH_REQUESTS: BenchRequestBody[] = [
  { type: 'hash', alg: 'sha256-generic', operation: 'digest', path: 'copy', ...BENCH },
  { type: 'skcipher', alg: 'cbc(aes-generic)', operation: 'encrypt', path: 'zerocopy', key: b64('00'.repeat(16)), iv: b64('00'.repeat(16)), ...BENCH },
];

interface Transcript {
  hello: Record<string, unknown>;
  entries: unknown[];
  answers: Array<{ what: string; answer: unknown }>;
  rng: unknown;
  matrixSeconds: number;
  executed: number;
  /** insmod of the xts_hang fixture (exit code, whether its log names it) and the matrix request that hangs on it */
  hang: { insmod: unknown; answer: unknown };
  /** the cbc_iv_out fixture through one-shot and chained requests (test/support/chained-fixture.ts) */
  chained?: Awaited<ReturnType<typeof chainedTranscript>>;
  concurrent?: Awaited<ReturnType<typeof concurrentTranscript>>;
  /** the kernel-log op: the test's own messages as answered and as pushed in follow mode */
  kernelLog: unknown;
  /** bench request index → the agent's own loop, and (native only) the C reference run by the agent */
  bench: Array<{ agent: BenchRates; reference?: BenchRates }>;
}

/** The answer of a request, or its error (message kept only where the agents must agree on it). */
async function ask(agent: AgentClient, op: Parameters<AgentClient['request']>[0], body: object): Promise<unknown> {
  try {
    return { ok: await agent.request(op, body as never) };
  } catch (error) {
    if (!(error instanceof AgentError)) throw error;
    return { error: true, code: error.code ?? null };
  }
}

async function transcript(agent: AgentClient, hello: Record<string, unknown>, reference: string | undefined, writer: string): Promise<Transcript> {
  const { text } = await agent.request('proc-crypto', {});
  const entries = parseProcCrypto(text);
  const types: Record<string, AfAlgType> = { shash: 'hash', ahash: 'hash', skcipher: 'skcipher', aead: 'aead', rng: 'rng' };
  const probes: BindProbe[] = entries.flatMap((entry) => (types[entry.type] && !entry.internal ? [{ type: types[entry.type] as AfAlgType, name: entry.driver }, { type: types[entry.type] as AfAlgType, name: entry.name }] : []));
  probes.push({ type: 'hash', name: 'no-such-alg' }, { type: 'skcipher', name: 'cbc(nope)' }, { type: 'aead', name: 'x'.repeat(120) });
  const answers: Transcript['answers'] = [];
  answers.push({ what: 'bind', answer: await ask(agent, 'bind', { probes }) });
  const generic: BindProbe[] = ['sha256', 'hmac(sha256)', 'cbc(aes)', 'gcm(aes)', 'xts(aes)', 'no-such-alg'].map((name) => ({ type: /aes\)$/.test(name) ? (name.startsWith('gcm') ? 'aead' : 'skcipher') : 'hash', name }));
  // the bind probes instantiate templates, whose self-tests run in cryptomgr threads that hold a
  // transform for a moment: a resolve right then may see their reference too; the second is settled
  await ask(agent, 'resolve', { probes: generic });
  answers.push({ what: 'resolve', answer: await ask(agent, 'resolve', { probes: generic }) });
  answers.push({ what: 'run', answer: await ask(agent, 'run', { cases: runCases() }) });
  const rng = await agent.request('run', { cases: [{ type: 'rng', ref: 'rng', alg: 'stdrng', seed: b64('5a'.repeat(32)), length: 48 }] });
  let executed = 0;
  const started = Date.now();
  for (const [index, request] of matrixRequests().entries()) {
    const answer = await ask(agent, 'matrix', request);
    executed += (answer as { ok?: { executed: number } }).ok?.executed ?? 0;
    answers.push({ what: `matrix ${index}`, answer });
  }
  const matrixSeconds = (Date.now() - started) / 1000;
  // requests that are bad input: the error, not its wording (the Node agent's comes from JavaScript)
  answers.push({ what: 'unknown op', answer: await ask(agent, 'teleport' as never, {}) });
  answers.push({ what: 'wrong type', answer: await ask(agent, 'bind', { probes: 'sha256' }) });
  // a line that is not JSON: answered with id -1, which fails the request waiting behind it
  (agent as unknown as { stream: { write(text: string): void } }).stream.write('@afalg1 {"id":\n');
  answers.push({ what: 'corrupt frame', answer: await ask(agent, 'hello', {}) });
  // a line whose marker was lost on the link: answered with id -1 too (a bare newline, the host's nudge, is not)
  (agent as unknown as { stream: { write(text: string): void } }).stream.write('\n"id":7,"op":"hello"}\n');
  answers.push({ what: 'line without a marker', answer: await ask(agent, 'hello', {}) });
  answers.push({ what: 'hello after bad input', answer: await ask(agent, 'hello', {}) });
  // modules: the error of a bad name, and a module that does not exist (its stderr names the module
  // directory, which differs: the Node agent runs in the host's tree)
  answers.push({ what: 'modprobe bad name', answer: await ask(agent, 'modprobe', { module: '../x', params: [] }) });
  const missing = await agent.request('modprobe', { module: 'no_such_module', params: [] });
  answers.push({ what: 'modprobe missing', answer: { exitCode: missing.exitCode, log: missing.log, stderr: missing.stderr.replace(/ in \S+$/, '') } });
  const kernelLog = await kernelLogTranscript(agent, writer);
  const bench: Transcript['bench'] = [];
  // TCG's first pass through new code and the other guests on this machine make one measurement
  // noisy: agent and reference alternate, twice, and the better of each pair counts
  const better = (a: BenchRates, b: BenchRates): BenchRates => {
    const median = (values: number[]): number => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;
    return Object.fromEntries(Object.keys(a).map((size) => [size, median(a[Number(size)] ?? []) >= median(b[Number(size)] ?? []) ? (a[Number(size)] ?? []) : (b[Number(size)] ?? [])]));
  };
  for (const request of BENCH_REQUESTS) {
    const rounds: Array<{ agent: BenchRates; reference?: BenchRates }> = [];
    for (let round = 0; round < 2; round++) {
      const own = ratesOf(await agent.request('bench', request));
      rounds.push({ agent: own, ...(reference ? { reference: ratesOf(await agent.request('bench', { ...request, program: reference })) } : {}) });
    }
    const [first, second] = rounds as [(typeof rounds)[0], (typeof rounds)[0]];
    bench.push({ agent: better(first.agent, second.agent), ...(first.reference && second.reference ? { reference: better(first.reference, second.reference) } : {}) });
  }
  return {
    hello: { ...hello, node: undefined },
    entries: entries.map(({ refcnt: _refcnt, line: _line, fields: { refcnt: _r, ...fields }, ...rest }) => ({ ...rest, fields })),
    answers: answers.map(({ what, answer }) => ({ what, answer: what === 'hello after bad input' ? { ...(answer as { ok: object }), ok: { ...(answer as { ok: object }).ok, node: undefined } } : answer })),
    rng: (rng.outcomes[0] && { status: rng.outcomes[0].status, error: rng.outcomes[0].error, step: rng.outcomes[0].step, length: Buffer.from(rng.outcomes[0].got ?? '', 'base64').length }) ?? null,
    matrixSeconds,
    executed,
    kernelLog,
    bench,
    hang: { insmod: null, answer: null },
  };
}

/** The kernel messages the test writes to the guest's /dev/kmsg (kmsg escapes the tab, the backslash and the UTF-8 bytes). */
const KMSG_MARK = 'afalg-conformance';
const KMSG_LINES = [`<3>${KMSG_MARK}: error level`, `<6>${KMSG_MARK}: tab\there, back\\slash, caf\u00e9`, `<4>${KMSG_MARK}: last`];

/**
 * A program that writes KMSG_LINES to /dev/kmsg, run by the agent as a bench request's `program`
 * (the C reference's hook: both agents run a host path): the guest's kernel log gets the test's messages.
 */
function kmsgWriter(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-kmsg-writer-'));
  const script = path.join(dir, 'kmsg-writer.sh');
  const quoted = KMSG_LINES.map((line) => `'${line.replace(/'/g, `'\\''`)}'`).join(' ');
  fs.writeFileSync(script, `#!/bin/sh\nfor line in ${quoted}; do printf '%s\\n' "$line" > /dev/kmsg; done\n`, { mode: 0o755 });
  return script;
}

/**
 * The kernel-log op: follow from the end of the log, have the test's messages written, and take them
 * as pushed and as answered from the cursor; then stop following. Sequence numbers count from the first.
 */
async function kernelLogTranscript(agent: AgentClient, writer: string): Promise<unknown> {
  const pushed: KernelLogRecord[] = [];
  const eventFields = new Set<string>();
  const unsubscribe = agent.onKernelLog((event) => {
    Object.keys(event).forEach((key) => eventFields.add(key));
    pushed.push(...event.records);
  });
  try {
    const start = await agent.request('kernel-log', { follow: true, max: 0 });
    await ask(agent, 'bench', { ...BENCH_REQUESTS[0], program: writer });
    const marked = (records: KernelLogRecord[]): KernelLogRecord[] => records.filter((record) => record.text.startsWith(KMSG_MARK));
    for (const started = Date.now(); marked(pushed).length < KMSG_LINES.length && Date.now() - started < 5000; ) await new Promise((resolve) => setTimeout(resolve, 100));
    const answered = await agent.request('kernel-log', { since: start.next });
    const stopped = await agent.request('kernel-log', { since: answered.next, follow: false });
    const relative = (records: KernelLogRecord[]) => {
      const mine = marked(records);
      return { records: mine.map(({ seq, level, text }) => ({ seq: seq - (mine[0]?.seq ?? 0), level, text })), usecRise: mine.every((record, i) => i === 0 || record.usec >= (mine[i - 1] as KernelLogRecord).usec) };
    };
    return {
      start: { records: start.records, dropped: start.dropped > 0, following: start.following, tainted: start.tainted },
      pushed: relative(pushed),
      eventFields: [...eventFields].sort(),
      answered: { ...relative(answered.records), dropped: answered.dropped, following: answered.following, nextAfterLast: answered.next === (answered.records.at(-1)?.seq ?? -2) + 1 },
      stopped: { records: stopped.records.length, following: stopped.following, next: stopped.next === answered.next },
    };
  } finally {
    unsubscribe();
  }
}

/**
 * Last (the guest is lost after it): load the xts_hang fixture (a driver that never completes a
 * 68-byte request) and send a matrix request that reaches it. Both watchdogs must give up after the
 * hang limit and name the transform, case, strategy, operation and length.
 */
async function hangTranscript(agent: AgentClient, kernelRelease: string): Promise<Transcript['hang']> {
  const [ko] = await buildFixtures(['xts_hang'], kernelRelease);
  const loaded = await agent.request('insmod', { path: ko as string, params: [] });
  const insmod = { exitCode: loaded.exitCode, stderr: loaded.stderr, logNamesIt: loaded.log.some((line) => /xts|fixture/i.test(line)) };
  const block = (length: number): string => Buffer.alloc(length, 7).toString('base64');
  const xts = (length: number): MatrixRequestBody['cases'][number] => ({ type: 'skcipher', key: block(32), iv: block(16), op: 'encrypt', input: block(length) });
  const request: MatrixRequestBody = { algs: ['xts-aes-fixture-hang'], strategies: ['oneshot'], hangSec: 3, cases: [xts(64), xts(80), xts(68), xts(96)] };
  try {
    return { insmod, answer: { ok: await agent.request('matrix', request, 60_000) } };
  } catch (error) {
    if (!(error instanceof AgentError)) throw error;
    return { insmod, answer: { code: error.code, hang: error.hang, message: error.message } };
  }
}

/** AFALG_CONFORMANCE_BOARD=qemu-aarch64 runs the same suite with the cross-built agent (no fixture, no C reference there) */
const BOARD = process.env.AFALG_CONFORMANCE_BOARD ?? 'qemu-x86_64';

describe(`agent conformance: Node agent and native agent in the ${BOARD} guest`, function () {
  this.timeout(3_600_000);
  const board = asQemuBoard(loadBoard(BOARD));
  // the hang fixture and the C reference are built for the host: x86_64 guests only
  const hostBuilt = board.arch === 'x86_64';
  const results: Record<'node' | 'native', Transcript | undefined> = { node: undefined, native: undefined };

  before(async () => {
    const native = await buildNativeAgent(board.arch);
    const reference = hostBuilt ? await buildCReference() : { unavailable: 'not built for this architecture' };
    const program = 'program' in reference ? reference.program : undefined;
    const writer = kmsgWriter();
    for (const kind of ['node', 'native'] as const) {
      const target = await QemuTarget.start(board, kind === 'native' ? { nativeAgent: native.program } : { agent: 'node' });
      try {
        const t = await transcript(target.agent, target.info.hello as unknown as Record<string, unknown>, kind === 'native' ? program : undefined, writer);
        if (hostBuilt) t.chained = await chainedTranscript(target.agent, target.info.hello.kernelRelease);
        if (hostBuilt) t.concurrent = await concurrentTranscript(target.agent, target.info.hello.kernelRelease);
        if (hostBuilt) t.hang = await hangTranscript(target.agent, target.info.hello.kernelRelease);
        results[kind] = t;
      } finally {
        // a worker is asleep in the kernel for good after a hang: no orderly stop
        target.kill();
      }
      const t = results[kind] as Transcript;
      process.stdout.write(`      [${kind} agent: ${t.executed} executions in ${t.matrixSeconds.toFixed(1)} s: ${Math.round(t.executed / t.matrixSeconds)} executions/s]\n`);
      const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
      t.bench.forEach(({ agent, reference }, index) => {
        for (const size of BENCH.sizes) {
          const own = median(agent[size] ?? []);
          const ref = reference ? median(reference[size] ?? []) : undefined;
          const request = BENCH_REQUESTS[index] as BenchRequestBody;
          process.stdout.write(`      [${kind} bench ${request.alg} ${request.path} ${size} B: ${Math.round(own)} ops/s${ref ? `, C reference ${Math.round(ref)} ops/s, ratio ${(own / ref).toFixed(3)}` : ''}]\n`);
        }
      });
    }
  });

  it('the native agent says hello like the Node agent, naming itself native', () => {
    assert.deepEqual(results.native?.hello, results.node?.hello);
  });

  it('both read the same /proc/crypto entries', () => {
    assert.deepEqual(results.native?.entries, results.node?.entries);
  });

  for (const what of ['bind', 'resolve', 'run', ...matrixRequests().map((_, index) => `matrix ${index}`), 'unknown op', 'wrong type', 'corrupt frame', 'line without a marker', 'hello after bad input', 'modprobe bad name', 'modprobe missing']) {
    it(`answers ${what} identically`, () => {
      const answer = (kind: 'node' | 'native'): unknown => results[kind]?.answers.find((one) => one.what === what)?.answer;
      assert.ok(answer('node') !== undefined);
      assert.deepEqual(answer('native'), answer('node'));
    });
  }

  it('both answer a line without the marker (its first bytes lost on a link) as damaged: the request behind it fails', () => {
    for (const kind of ['node', 'native'] as const) assert.deepEqual(results[kind]?.answers.find((one) => one.what === 'line without a marker')?.answer, { error: true, code: null });
  });

  it('answers kernel-log identically: the records since a cursor, and the same ones pushed in follow mode', () => {
    const expected = KMSG_LINES.map((line, seq) => ({ seq, level: Number(/^<(\d)>/.exec(line)?.[1]), text: line.replace(/^<\d>/, '') }));
    const native = results.native?.kernelLog as { pushed: unknown; answered: { records: unknown } } | undefined;
    assert.deepEqual(native?.pushed, { records: expected, usecRise: true });
    assert.deepEqual(native?.answered.records, expected);
    assert.deepEqual(results.native?.kernelLog, results.node?.kernelLog);
  });

  it('measures with its own loop and runs the C reference: a rate per size and repetition', () => {
    for (const kind of ['node', 'native'] as const) {
      for (const { agent } of results[kind]?.bench ?? []) assert.deepEqual(Object.keys(agent).map(Number), BENCH.sizes);
    }
    for (const { agent, reference } of results.native?.bench ?? []) {
      for (const size of BENCH.sizes) {
        assert.equal(agent[size]?.length, BENCH.repetitions);
        assert.ok((agent[size] ?? []).every((rate) => rate > 0));
        if (reference) assert.equal(reference[size]?.length, BENCH.repetitions);
      }
    }
  });

  it('loads a module from a host path and captures its kernel log', function () {
    if (!hostBuilt) this.skip();
    assert.deepEqual(results.native?.hang.insmod, { exitCode: 0, stderr: '', logNamesIt: results.node?.hang.insmod && (results.node.hang.insmod as { logNamesIt: boolean }).logNamesIt });
    assert.deepEqual(results.native?.hang.insmod, results.node?.hang.insmod);
  });

  it('both chain a message the same way: a wrong IV handed back after a long request spoils the rest, one-shot passes', function () {
    if (!hostBuilt) this.skip();
    const native = results.native?.chained;
    assert.equal(native?.insmod, 0);
    assert.equal(native?.answer.executed, CHAINED_LENGTHS.length * 2 * 2);
    // only the longest message's two cases (encrypt, decrypt), and only chained
    assert.deepEqual(native?.answer.outcomes.map(({ index, alg, strategy, status }) => ({ index, alg, strategy, status })), [4, 5].map((index) => ({ index, alg: IV_OUT_DRIVER, strategy: 'chained', status: 'fail' })));
    assert.deepEqual(native, results.node?.chained, 'the same outputs: the same requests');
  });

  it("both catch a driver that keeps a request's IV in the transform, under concurrent only; the software driver passes", function () {
    if (!hostBuilt) this.skip();
    for (const kind of ['native', 'node'] as const) {
      const t = results[kind]?.concurrent;
      assert.equal(t?.insmod, 0, kind);
      assert.equal(t?.executed, t.cases * 2 * 2, kind);
      // which of the two requests in flight gets the other's IV is a race: most cases lose it, none alone
      assert.deepEqual(Object.keys(t.failed), [`${TFM_IV_DRIVER} concurrent`], `${kind}: ${JSON.stringify(t.failed)}`);
      assert.ok((t.failed[`${TFM_IV_DRIVER} concurrent`] ?? 0) >= t.cases / 2, `${kind}: ${JSON.stringify(t.failed)}`);
      assert.ok(t.errors.every((error) => error === 'wrong answer' || error === 'the decoy in flight with it got another answer than alone'), `${kind}: ${t.errors.join(' | ')}`);
    }
  });

  it('reports the same hang: transform, case, strategy, operation, length and the limit', function () {
    if (!hostBuilt) this.skip();
    type HangAnswer = { code?: string; hang?: { seconds: number }; message?: string };
    const native = results.native?.hang.answer as HangAnswer;
    const node = results.node?.hang.answer as HangAnswer;
    assert.equal(native.code, 'hang');
    // both watchdogs read the beacons on ticks of a quarter of the limit: the stall is 3 s, rarely 4 under load
    const seconds = (answer: HangAnswer): number => answer.hang?.seconds ?? -1;
    assert.ok(seconds(native) >= 3 && seconds(native) <= 4 && Math.abs(seconds(native) - seconds(node)) <= 1, `${seconds(native)} s and ${seconds(node)} s`);
    const timeless = (answer: HangAnswer): unknown => ({ ...answer, hang: { ...answer.hang, seconds: 0 }, message: answer.message?.replace(/within \d+ s/, 'within N s') });
    assert.deepEqual(timeless(native), { code: 'hang', hang: { alg: 'xts-aes-fixture-hang', strategy: 'oneshot', index: 2, op: 'encrypt', bytes: 68, seconds: 0 }, message: (timeless(node) as HangAnswer).message });
    assert.deepEqual(timeless(native), timeless(node));
  });

  it('reads random bytes of the asked length from stdrng', () => {
    assert.deepEqual(results.native?.rng, { status: 'pass', error: undefined, step: undefined, length: 48 });
    assert.deepEqual(results.native?.rng, results.node?.rng);
  });
});
