import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../../../harness/core/errors.js';
import { readRun, resultLineProblem, runMetaProblem, upgradeLegacyMeta } from '../../../harness/results/results-reader.js';
import type { AcceptableOutcome, BatchDoneLine, BenchLine, CaseFailure, HangLine, IncidentLine, KernelEventLine, ResultLine, ResumedLine, SkipLine, TallyLine, TcryptLine, UnbindableLine, UnusableLine } from '../../../harness/results/result-model.js';
import type { RunMeta } from '../../../harness/results/run-record.js';
import { useTempDir } from '../../support/temp-dir.js';
import { fixtureLines, fixtureMeta, INCIDENT, writeRun } from './run-fixture.js';

/**
 * Every field of a model type made required: a fixture of this type stops compiling when a field
 * is added to result-model.ts, and the schema test below then fails until the schema has it too.
 */
type DeepRequired<T> = T extends ReadonlyArray<infer U> ? Array<DeepRequired<U>> : T extends object ? { [K in keyof T]-?: DeepRequired<T[K]> } : T;

const fullFailure: DeepRequired<CaseFailure> = {
  source: 'differential',
  case: 'seed 42#7',
  strategy: 'chunks',
  status: 'error',
  expectation: 'invalid',
  op: 'encrypt',
  expected: '00ff',
  got: '',
  error: 'EIO',
  step: 'read',
  comment: 'c',
  flags: ['Pseudorandom'],
  seed: 'seed 42#7',
};
const fullAcceptable: DeepRequired<AcceptableOutcome> = { source: 's', case: 'tcId 1', strategy: 'inplace', outcome: 'rejected', error: 'EBADMSG' };
const fullLines: Array<
  DeepRequired<TallyLine> | DeepRequired<SkipLine> | DeepRequired<UnusableLine> | DeepRequired<UnbindableLine> | DeepRequired<IncidentLine> | DeepRequired<HangLine> | DeepRequired<KernelEventLine> | DeepRequired<BenchLine> | DeepRequired<TcryptLine> | DeepRequired<BatchDoneLine> | DeepRequired<ResumedLine>
> = [
  { kind: 'tally', algorithm: 'gcm(aes)', target: 'gcm(aes)', generic: true, boundDriver: 'generic-gcm-aesni', executor: 'kernel', source: 's', strategy: 'oneshot', passed: 1, failed: 1, acceptable: 1, failures: [fullFailure], acceptables: [fullAcceptable] },
  { kind: 'skip', algorithm: 'gcm(aes)', source: 's', reason: 'r', count: 1, cases: ['tcId 2'] },
  { kind: 'unusable', algorithm: 'gcm(aes)', source: 's', error: 'not JSON' },
  { kind: 'unbindable', algorithm: 'cbc(aes)', target: 'virtio_crypto_aes_cbc', error: 'ENOENT', afalgReach: { reason: 'async', detail: 'asynchronous (CRYPTO_ALG_ASYNC)' } },
  { kind: 'incident', algorithm: 'gcm(aes)', target: 't', source: 's', message: 'm', link: true },
  {
    kind: 'hang',
    algorithm: 'xts(aes)',
    target: 'xts(aes)',
    generic: true,
    boundDriver: 'xts-aes-fixture-hang',
    source: 'wycheproof/testvectors_v1/aes_xts_test.json',
    case: 'tcId 7',
    strategy: 'oneshot',
    op: 'encrypt',
    expectation: 'valid',
    bytes: 68,
    seconds: 20,
    seed: 'fx#3',
    then: 'restarted',
    fault: 'BUG: kernel NULL pointer dereference, address: 0000000000000000',
  },
  {
    kind: 'kernel-event',
    event: 'null-deref',
    title: 'BUG: kernel NULL pointer dereference, address: 0000000000000000',
    function: 'fixture_oops_submit',
    module: 'afalg_fixture_oops',
    phase: 'vectors',
    algorithm: 'ecb(aes)',
    source: 'nist/ECBMMT128.rsp',
    targets: ['ecb(aes)', 'ecb-aes-fixture-oops'],
    driver: 'ecb-aes-fixture-oops',
    taint: ['O', 'E'],
    text: 'BUG: kernel NULL pointer dereference\nRIP: 0010:fixture_oops_submit+0x12/0x40 [afalg_fixture_oops]',
  },
  { kind: 'done', batch: 'gcm(aes)|s|tcId 1…tcId 9|9|gcm(aes)|oneshot', executions: 9 },
  { kind: 'resumed', at: '2025-03-14T09:30:00.000Z', after: 'the agent link closed' },
  {
    kind: 'bench',
    algorithm: 'gcm(aes)',
    target: 'gcm(aes)',
    generic: true,
    boundDriver: 'generic-gcm-aesni',
    op: 'decrypt',
    path: 'zerocopy',
    engine: 'c-reference',
    executor: 'kernel',
    keyBytes: 16,
    assocBytes: 16,
    authsize: 16,
    points: [{ size: 4096, repetitions: [{ ops: 100, ns: 100_000_000 }], stopped: 'precise', opsPerSecond: 1000, ci95: [1000, 1000] }],
    seconds: 0.4,
  },
  {
    kind: 'tcrypt',
    params: ['mode=211', 'sec=1'],
    seconds: 12.5,
    figures: [{ algorithm: 'gcm(aes)', driver: 'generic-gcm-aesni', op: 'encrypt', keyBits: 128, size: 16, opsPerSecond: 1000, cycles: 2000, updateSize: 16 }],
    error: 'e',
    cycleHz: 2_994_000_000,
  },
];
const fullMeta: DeepRequired<RunMeta> = {
  harnessVersion: '0.1.0',
  runId: 'r1',
  startedAt: '2025-03-14T09:26:53.000Z',
  finishedAt: '2025-03-14T09:27:53.000Z',
  complete: false,
  incompleteReason: 'r',
  board: { name: 'b', transport: 'qemu', arch: 'x86_64', file: '/b.json' },
  procCrypto: '',
  planned: { batches: 1, executions: 2, maxRequestBytes: 32768 },
  resumed: [{ at: '2025-03-14T09:30:00.000Z', after: 'the agent link closed' }],
  spec: { file: '/work/main/drivers-spec/qemu-x86_64.json', content: { name: 'qemu-x86_64', requirements: [] } },
  coverage: [
    {
      algorithm: 'ctr(aes)',
      target: 'ctr-aes-aesni',
      cases: 180,
      executions: 720,
      strategies: ['oneshot', 'chunks'],
      length: { min: 0, max: 65536 },
      beyondPage: 12,
      keySizes: [16, 24, 32],
      refusals: 3,
      counterWidths: [16, 32, 64, 128],
      wrapPoints: [1, 3, 300],
      aad: { min: 0, max: 65280 },
      authsizes: [16],
      forgedTags: 2,
      sockets: 3,
      threads: 2,
      bySource: { vectors: 100, boundary: 72, differential: 8 },
    },
  ],
  kernelTaint: { before: ['E'], after: ['D', 'O', 'E'] },
  phases: { target: 6.8, discovery: 5, vectors: 160, bench: 480, tcrypt: 360 },
  benchCuts: ['sizes 16 not measured'],
  execution: { executed: 2, seconds: 0.5, perSecond: 4 },
  target: { kernelRelease: '6.8', arch: 'x86_64', accel: 'tcg', accelReason: 'no /dev/kvm', agentVersion: '0.1.0', node: 'v20', agent: 'node', agentReason: 'auto: the host node runs in the x86_64 guest over 9p', agentReadyMs: 8000, bootMs: 4000 },
  discovery: [{ name: 'gcm(aes)', afalgType: 'aead', bound: 'x', drivers: [{ driver: 'x', priority: 1, selftest: 'passed', module: 'kernel', internal: false, async: true, bind: 'ENOENT', afalgReach: { reason: 'async', detail: 'd' } }] }],
  vectors: { dir: '/v', sources: [{ family: 'nist', origin: 'https://csrc.nist.gov', commit: 'abc', version: '38.0.4-1', fetchedAt: '2026-11-23T00:00:00Z' }] },
  settings: {
    board: '/work/main/boards/qemu-x86_64.json',
    alg: ['gcm(*)'],
    driver: ['*'],
    vectorsDir: '/v',
    strategies: ['oneshot', 'chunks', 'page-cross', 'inplace'],
    differential: 10,
    seed: '42',
    boundary: { thorough: false },
    bench: { sizes: [16, 4096], seconds: 0.5, repetitions: 5, maxRepetitions: 10, precision: 0.03, budget: 90, paths: ['copy', 'zerocopy'], tcryptSec: 1, cReference: true },
    mctCheckpoints: 10,
    hangSec: 20,
    sample: 25,
    cases: ['tcId 1*'],
    fixtures: ['sha256_odd'],
    executor: 'auto',
    loadModules: ['/work/main/x.ko'],
    agent: 'auto',
  },
  cReference: '/cache/afalg-speed',
};

describe('results/results-reader', () => {
  const tmp = useTempDir('afalg-results-reader-');

  describe('the schema', () => {
    it('accepts every field of every model type', () => {
      assert.equal(runMetaProblem(fullMeta), undefined);
      for (const line of fullLines) assert.equal(resultLineProblem(line), undefined, line.kind);
    });

    it('rejects unknown fields, unknown kinds and bad values, naming the field', () => {
      assert.equal(resultLineProblem({ ...fullLines[0], passd: 3 }), "unknown field '/passd'");
      assert.equal(resultLineProblem({ kind: 'tallies' }), 'field \'/kind\' must be one of "tally", "skip", "unusable", "unbindable", "incident", "hang", "kernel-event", "bench", "tcrypt", "done", "resumed"');
      assert.equal(resultLineProblem({ ...fullLines[0], strategy: 'sideways' }), "field '/strategy' must be one of \"oneshot\", \"chunks\", \"page-cross\", \"inplace\", \"chained\", \"zerocopy\", \"concurrent\"");
      assert.match(resultLineProblem({ ...fullLines[0], passed: -1 }) ?? '', /^field '\/passed' must be >= 0/);
      assert.match(resultLineProblem({ ...fullLines[0], failures: [{ ...fullFailure, got: 'xyz' }] }) ?? '', /^field '\/failures\/0\/got' must match pattern/);
      assert.equal(resultLineProblem([1]), 'not a JSON object');
      assert.equal(runMetaProblem({ ...fullMeta, complete: undefined }), "missing field '/complete'");
    });

    it('lets discovery entries carry extra fields from /proc/crypto', () => {
      const meta = fixtureMeta();
      const discovered = meta.discovery[0] as unknown as Record<string, unknown>;
      discovered.boundProblem = 'none';
      assert.equal(runMetaProblem(meta), undefined);
    });
  });

  it('reads the run.json of a harness before RunSettings (options, no board file) as settings', () => {
    const { settings, cReference: _cReference, ...rest } = fixtureMeta();
    const legacy = {
      ...rest,
      options: { strategies: ['oneshot'], differential: 3, seed: 'abc', bench: { sizes: [64], seconds: 1, repetitions: 2, paths: ['copy'], tcrypt: false, cReference: 'off (--no-c-reference)' }, vectors: true },
    };
    const upgraded = upgradeLegacyMeta(legacy) as RunMeta;
    assert.equal(runMetaProblem(upgraded), undefined);
    assert.equal(upgraded.settings.board, rest.board.file);
    assert.equal(upgraded.settings.vectorsDir, rest.vectors.dir);
    assert.deepEqual([upgraded.settings.strategies, upgraded.settings.differential, upgraded.settings.seed], [['oneshot'], 3, 'abc']);
    assert.deepEqual(upgraded.settings.bench, { sizes: [64], seconds: 1, repetitions: 2, paths: ['copy'], cReference: false });
    assert.equal(upgraded.cReference, 'off (--no-c-reference)');
    // a current run.json is left alone
    const current = { ...rest, settings };
    assert.equal(upgradeLegacyMeta(current), current);
  });

  it('reads run.json and every line of results.jsonl', () => {
    const dir = writeRun(path.join(tmp.path, 'whole'), fixtureMeta(), [...fixtureLines(), INCIDENT]);
    const run = readRun(dir);
    assert.equal(run.meta.board.name, 'qemu-x86_64');
    assert.equal(run.lines.length, fixtureLines().length + 1);
    assert.deepEqual(run.lines.at(-1), INCIDENT);
    assert.equal(run.damagedLines, 0);
  });

  it('tolerates a last line cut short by a killed run, and counts it', () => {
    const lines = fixtureLines();
    const cut = JSON.stringify(lines[1]).slice(0, 57);
    const dir = writeRun(path.join(tmp.path, 'killed'), fixtureMeta({ complete: false }), lines, cut);
    const run = readRun(dir);
    assert.equal(run.lines.length, lines.length);
    assert.equal(run.damagedLines, 1);
  });

  it('tolerates blank lines and a NUL-filled tail, but not a damaged line in the middle', () => {
    const lines = fixtureLines();
    const nul = writeRun(path.join(tmp.path, 'nul'), fixtureMeta({ complete: false }), lines, '\n\u0000\u0000\u0000\u0000');
    assert.equal(readRun(nul).damagedLines, 1);

    const dir = path.join(tmp.path, 'middle');
    writeRun(dir, fixtureMeta(), lines);
    const physical = fs.readFileSync(path.join(dir, 'results.jsonl'), 'utf8').split('\n');
    physical[3] = (physical[3] as string).slice(0, 40);
    fs.writeFileSync(path.join(dir, 'results.jsonl'), physical.join('\n'));
    assert.throws(
      () => readRun(dir),
      (error: Error) => error instanceof BadInputError && error.message.startsWith(`${path.join(dir, 'results.jsonl')}:4: not valid JSON`),
    );
  });

  it('rejects a line that parses but breaks the schema, even the last one, with its line number', () => {
    const lines: ResultLine[] = [...fixtureLines(), { ...INCIDENT, message: 7 } as unknown as ResultLine];
    const dir = writeRun(path.join(tmp.path, 'schema'), fixtureMeta(), lines);
    assert.throws(() => readRun(dir), { name: 'BadInputError', message: `${path.join(dir, 'results.jsonl')}:${lines.length}: field '/message' must be string` });
  });

  it('names run.json and the field when run.json is missing or invalid', () => {
    const missing = path.join(tmp.path, 'nothing-here');
    fs.mkdirSync(missing);
    assert.throws(() => readRun(missing), { name: 'BadInputError', message: `${path.join(missing, 'run.json')}: not found (is ${missing} a run directory?)` });

    const bad = { ...fixtureMeta(), board: { name: 'x', transport: 'qemu', arch: 'x86_64' } };
    const dir = writeRun(path.join(tmp.path, 'bad-meta'), bad as unknown as RunMeta, fixtureLines());
    assert.throws(() => readRun(dir), { name: 'BadInputError', message: `${path.join(dir, 'run.json')}: missing field '/board/file'` });

    const broken = path.join(tmp.path, 'broken-meta');
    writeRun(broken, fixtureMeta(), []);
    fs.writeFileSync(path.join(broken, 'run.json'), '{"harnessVersion": ');
    assert.throws(() => readRun(broken), (error: Error) => error instanceof BadInputError && error.message.startsWith(`${path.join(broken, 'run.json')}: not valid JSON`));
  });

  it('a partial run without results.jsonl has no lines; a complete one must have the file', () => {
    const partial = writeRun(path.join(tmp.path, 'no-results'), fixtureMeta({ complete: false, incompleteReason: 'boot failed' }), []);
    fs.rmSync(path.join(partial, 'results.jsonl'));
    assert.deepEqual(readRun(partial).lines, []);
    const complete = writeRun(path.join(tmp.path, 'no-results-complete'), fixtureMeta(), []);
    fs.rmSync(path.join(complete, 'results.jsonl'));
    assert.throws(() => readRun(complete), BadInputError);
  });
});
