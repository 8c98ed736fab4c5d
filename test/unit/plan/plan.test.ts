import assert from 'node:assert/strict';
import { ALL_STRATEGIES as STRATEGY_LIST } from '../../../harness/protocol/constants.js';
const ALL_STRATEGIES = [...STRATEGY_LIST];
import { CONCURRENT_PER_FILE, planRun, referenceOf, sampleCases, strategiesFor, targetsOf, UnknownAlgorithmError } from '../../../harness/plan/plan.js';
import { catalog } from '../../../vectors/catalog.js';
import { loadAlgorithmVectors } from '../../../vectors/vector-sources.js';
import { vectorsDir } from '../vectors/vectors-dir.js';
import { matchesAny, namePattern } from '../../../harness/plan/name-pattern.js';
import type { DiscoveredAlgorithm, DiscoveredDriver } from '../../../harness/discovery/discover.js';
import type { CatalogAlgorithm } from '../../../vectors/catalog.js';
import type { AlgorithmVectors, VectorCase } from '../../../vectors/vector-case.js';

const driver = (name: string, priority: number, extra: Partial<DiscoveredDriver> = {}): DiscoveredDriver => ({
  driver: name,
  type: 'skcipher',
  priority,
  selftest: 'passed',
  module: 'kernel',
  internal: false,
  refcnt: 1,
  bind: 'ok',
  ...extra,
});

const cbcAes: DiscoveredAlgorithm = {
  name: 'cbc(aes)',
  afalgType: 'skcipher',
  bound: 'cbc-aes-aesni',
  inCatalog: true,
  drivers: [
    driver('cbc-aes-aesni', 400),
    driver('cbc(aes-aesni)', 300),
    driver('__cbc-aes-aesni', 400, { internal: true, bind: undefined }),
    driver('virtio_crypto_aes_cbc', 150),
    driver('cbc-broken', 500, { selftest: 'unknown', bind: 'ELIBBAD' }),
    driver('cbc(aes-generic)', 100),
  ],
};
const sha256: DiscoveredAlgorithm = {
  name: 'sha256',
  afalgType: 'hash',
  bound: 'sha256-avx2',
  inCatalog: true,
  drivers: [driver('sha256-avx2', 170, { type: 'shash' }), driver('sha256-generic', 100, { type: 'shash' })],
};

const testCatalog: CatalogAlgorithm[] = [
  { name: 'cbc(aes)', type: 'skcipher' },
  { name: 'sha256', type: 'hash' },
  { name: 'xts(aes)', type: 'skcipher' },
  { name: 'stdrng', type: 'rng' },
];

const skcipherCase = (id: string, bytes = 16): VectorCase => ({
  id,
  expectation: 'valid',
  body: { type: 'skcipher', key: 'AAAAAAAAAAAAAAAAAAAAAA==', iv: 'AAAAAAAAAAAAAAAAAAAAAA==', op: 'encrypt', input: Buffer.alloc(bytes).toString('base64'), expect: Buffer.alloc(bytes).toString('base64') },
});

const vectors = (algorithm: string, count: number): AlgorithmVectors => ({
  algorithm,
  sources: [
    {
      source: 'nist/ciphers/AES/CBC/CBCGFSbox128.rsp',
      family: 'nist',
      cases: Array.from({ length: count }, (_, i) => skcipherCase(`line ${i}`)),
      skipped: [
        { id: 'tcId 1', reason: 'IV of 8 bytes' },
        { id: 'tcId 2', reason: 'IV of 8 bytes' },
        { id: 'tcId 3', reason: 'empty input' },
      ],
    },
  ],
  unusable: [{ source: 'wycheproof/testvectors_v1/aes_cbc_pkcs5_test.json', error: 'aes_cbc_pkcs5_test.json: /testGroups/0/tests/3/iv must match format "HexBytes"' }],
});

describe('plan/name-pattern', () => {
  it('treats parentheses and commas literally and * as a wildcard', () => {
    assert.ok(namePattern('cbc(aes)').test('cbc(aes)'));
    assert.ok(!namePattern('cbc(aes)').test('cbcaes'));
    assert.ok(namePattern('cbc(*)').test('cbc(des3_ede)'));
    assert.ok(namePattern('rfc7539(chacha20,poly1305)').test('rfc7539(chacha20,poly1305)'));
    assert.ok(namePattern('virtio_crypto_*').test('virtio_crypto_aes_cbc'));
    assert.ok(!namePattern('sha256').test('sha256-generic'));
  });
  it('matches everything when no pattern is given', () => {
    assert.ok(matchesAny('anything', undefined));
    assert.ok(matchesAny('anything', []));
    assert.ok(!matchesAny('anything', ['other']));
  });
});

describe('plan/plan', () => {
  it('targets the generic name first, then every public bindable driver; unbindable drivers become findings', () => {
    const { targets, unbindable } = targetsOf(cbcAes, undefined);
    assert.deepEqual(
      targets.map((target) => target.name),
      ['cbc(aes)', 'cbc-aes-aesni', 'cbc(aes-aesni)', 'virtio_crypto_aes_cbc', 'cbc(aes-generic)'],
    );
    assert.equal(targets[0]?.generic, true);
    assert.equal(targets[0]?.boundDriver, 'cbc-aes-aesni');
    assert.deepEqual(unbindable, [{ kind: 'unbindable', algorithm: 'cbc(aes)', target: 'cbc-broken', error: 'ELIBBAD' }]);
  });

  it('--driver narrows the drivers and drops the generic row unless it matches', () => {
    assert.deepEqual(
      targetsOf(cbcAes, ['virtio_*']).targets.map((target) => target.name),
      ['virtio_crypto_aes_cbc'],
    );
    assert.deepEqual(
      targetsOf(cbcAes, ['cbc(aes)', 'virtio_*']).targets.map((target) => target.name),
      ['cbc(aes)', 'virtio_crypto_aes_cbc'],
    );
  });

  it("compares with the software reference as this kernel names it: 7.x's -lib twins stand for -generic", () => {
    const onSid = { ...cbcAes, drivers: cbcAes.drivers.map((driver) => ({ ...driver, driver: driver.driver.replace('aes-generic', 'aes-lib') })) };
    assert.equal(referenceOf('cbc(aes-generic)', cbcAes), 'cbc(aes-generic)');
    assert.equal(referenceOf('cbc(aes-generic)', onSid), 'cbc(aes-lib)');
    assert.equal(referenceOf('cbc(des-generic)', onSid), 'cbc(des-generic)', 'neither found: the catalog name, which then fails to bind and says so');
    assert.equal(referenceOf(undefined, onSid), undefined);
  });

  it('hashes run without the in-place and concurrent strategies; only modes that hand back their IV run chained', () => {
    const byName = (name: string): CatalogAlgorithm => catalog.find((entry) => entry.name === name) ?? assert.fail(name);
    assert.deepEqual(strategiesFor(byName('sha256'), ALL_STRATEGIES), ['oneshot', 'chunks', 'page-cross', 'zerocopy']);
    assert.deepEqual(strategiesFor(byName('hmac(sha256)'), ALL_STRATEGIES), ['oneshot', 'chunks', 'page-cross', 'zerocopy']);
    assert.deepEqual(strategiesFor(byName('gcm(aes)'), ALL_STRATEGIES), ['oneshot', 'chunks', 'page-cross', 'inplace', 'zerocopy', 'concurrent']);
    for (const name of ['cbc(aes)', 'ctr(aes)', 'cbc(des3_ede)', 'cbc(sm4)', 'ctr(sm4)']) assert.deepEqual(strategiesFor(byName(name), ALL_STRATEGIES), ALL_STRATEGIES, name);
    for (const name of ['ecb(aes)', 'xts(aes)', 'cts(cbc(aes))', 'rfc3686(ctr(aes))', 'chacha20']) {
      assert.deepEqual(strategiesFor(byName(name), ALL_STRATEGIES), ['oneshot', 'chunks', 'page-cross', 'inplace', 'zerocopy', 'concurrent'], name);
    }
  });

  it('an algorithm none of the run\'s strategies applies to: a skip saying why, no batch', () => {
    const sha = catalog.find((entry) => entry.name === 'sha256') as CatalogAlgorithm;
    const plan = planRun([sha256], { catalog: [sha], strategies: ['chained', 'inplace'], vectorsOf: () => vectors('sha256', 3), differential: 0 });
    assert.deepEqual(plan.batches, []);
    assert.deepEqual(plan.algorithms, []);
    assert.deepEqual(plan.notes.map((note) => (note.kind === 'skip' ? note.reason : note.kind)), ['none of --strategies chained,inplace applies to a hash (chained: cbc and ctr modes only; inplace: not hashes; concurrent: skciphers and AEADs)']);
  });

  it(`concurrent runs on ${CONCURRENT_PER_FILE} cases of each vector file, spread over it, and on every generated case`, () => {
    const cbc = { name: 'cbc(aes)', type: 'skcipher' as const, reference: 'cbc(aes-generic)' };
    const generatedCases = Array.from({ length: 30 }, (_, i) => skcipherCase(`b:s#${i} len 16`));
    const options = { catalog: [cbc], strategies: ['oneshot' as const, 'concurrent' as const], differential: 0, boundaryOf: () => ({ oracle: generatedCases, differential: [] }) };
    const concurrentIds = (plan: ReturnType<typeof planRun>): string[] => plan.batches.filter((batch) => batch.strategies.includes('concurrent')).flatMap((batch) => batch.cases.map((c) => c.id));
    const long = planRun([cbcAes], { ...options, vectorsOf: () => vectors('cbc(aes)', 160) });
    const fromFile = concurrentIds(long).filter((id) => id.startsWith('line'));
    assert.deepEqual(fromFile, sampleCases(vectors('cbc(aes)', 160).sources[0]?.cases ?? [], CONCURRENT_PER_FILE).map((c) => c.id));
    assert.equal(fromFile.length, CONCURRENT_PER_FILE);
    assert.equal(fromFile.at(-1), 'line 150', 'spread over the file');
    assert.equal(concurrentIds(long).filter((id) => id.startsWith('b:')).length, 30, 'every generated case');
    // the other cases of the file still run every other strategy, and nothing is counted as skipped
    assert.equal(long.batches.filter((batch) => batch.source.startsWith('nist')).reduce((sum, batch) => sum + batch.cases.length, 0), 160);
    assert.ok(!long.notes.some((note) => note.kind === 'skip' && /concurrent/.test(note.reason)));
    const short = planRun([cbcAes], { ...options, vectorsOf: () => vectors('cbc(aes)', CONCURRENT_PER_FILE) });
    assert.equal(concurrentIds(short).filter((id) => id.startsWith('line')).length, CONCURRENT_PER_FILE, 'a short file runs it on every case');
    const alone = planRun([cbcAes], { ...options, strategies: ['concurrent' as const], vectorsOf: () => vectors('cbc(aes)', 160) });
    assert.equal(alone.batches.filter((batch) => batch.source.startsWith('nist')).reduce((sum, batch) => sum + batch.cases.length, 0), CONCURRENT_PER_FILE, '--strategies concurrent alone: the sample only');
  });

  it('--case keeps only the cases whose ids match, in vector files and generated sets alike', () => {
    const cbc = { name: 'cbc(aes)', type: 'skcipher' as const, reference: 'cbc(aes-generic)' };
    const options = {
      catalog: [cbc],
      strategies: ['oneshot' as const],
      vectorsOf: () => vectors('cbc(aes)', 20),
      differential: 0,
      boundaryOf: () => ({ oracle: [skcipherCase('b:s#0 len 16'), skcipherCase('b:s#1 len 32'), skcipherCase('b:s#11 len 48')], differential: [] }),
    };
    const plan = planRun([cbcAes], { ...options, casePatterns: ['line 3', 'b:s#1*'] });
    assert.deepEqual(plan.batches.flatMap((batch) => batch.cases.map((c) => c.id)), ['line 3', 'b:s#1 len 32', 'b:s#11 len 48']);
    assert.deepEqual(plan.notes, planRun([cbcAes], options).notes, 'cases left out by --case are out of scope, not skipped');
  });

  it('rejects an unknown --alg with the list of known names', () => {
    assert.throws(
      () => planRun([cbcAes], { catalog: testCatalog, algPatterns: ['cbc(aez)'], strategies: ALL_STRATEGIES, vectorsOf: () => undefined, differential: 0 }),
      (error: unknown) => error instanceof UnknownAlgorithmError && /unknown algorithm 'cbc\(aez\)'; known: cbc\(aes\), sha256, xts\(aes\)$/.test(error.message),
    );
  });

  it('batches every case for every target and strategy, records skips by reason, unusable files and absent algorithms', () => {
    const plan = planRun([cbcAes, sha256], {
      catalog: testCatalog,
      strategies: ['oneshot', 'chunks', 'page-cross', 'inplace'],
      vectorsOf: (algorithm) => (algorithm === 'cbc(aes)' ? vectors(algorithm, 700) : undefined),
      differential: 0,
      maxExecutions: 6000,
    });
    assert.deepEqual(plan.algorithms, ['cbc(aes)', 'sha256']);
    assert.deepEqual(plan.absent, ['xts(aes)']);
    // 700 cases × 5 targets × 4 strategies = 14,000 executions, at most 6,000 per request (300 cases)
    assert.equal(plan.executions, 14000);
    assert.deepEqual(
      plan.batches.map((batch) => batch.cases.length),
      [300, 300, 100],
    );
    for (const batch of plan.batches) assert.equal(batch.executions, batch.cases.length * 20);
    const skips = plan.notes.filter((note) => note.kind === 'skip');
    assert.deepEqual(
      skips.map((skip) => (skip.kind === 'skip' ? [skip.algorithm, skip.reason, skip.count] : [])),
      [
        ['cbc(aes)', 'IV of 8 bytes', 2],
        ['cbc(aes)', 'empty input', 1],
        ['sha256', 'no vectors for this algorithm (add --differential N to compare drivers with the software one)', 0],
      ],
    );
    assert.equal(plan.notes.filter((note) => note.kind === 'unusable').length, 1);
    assert.equal(plan.notes.filter((note) => note.kind === 'unbindable').length, 1);
  });

  it('splits requests by payload size too', () => {
    const plan = planRun([cbcAes], {
      catalog: testCatalog,
      strategies: ['oneshot'],
      vectorsOf: () => ({ algorithm: 'cbc(aes)', unusable: [], sources: [{ source: 's', family: 'nist', skipped: [], cases: [skcipherCase('a', 60000), skcipherCase('b', 60000), skcipherCase('c', 60000)] }] }),
      differential: 0,
      maxPayloadBytes: 200_000,
    });
    assert.deepEqual(
      plan.batches.map((batch) => batch.cases.map((c) => c.id)),
      [['a'], ['b'], ['c']],
    );
  });

  it('differential batches put the software reference first, even when discovery did not list it', () => {
    const withReference: CatalogAlgorithm[] = [{ name: 'cbc(aes)', type: 'skcipher', reference: 'cbc(aes-generic)', params: { keySizes: [16] } } as CatalogAlgorithm];
    const plan = planRun([cbcAes], {
      catalog: withReference,
      strategies: ['oneshot'],
      vectorsOf: () => undefined,
      differential: 3,
      differentialOf: (_algorithm, count) => Array.from({ length: count }, (_, i) => skcipherCase(`seed s#${i}`)),
    });
    assert.equal(plan.batches.length, 1);
    const [batch] = plan.batches;
    assert.equal(batch?.differential, true);
    assert.equal(batch?.source, 'differential');
    assert.deepEqual(
      batch?.targets.map((target) => target.name),
      ['cbc(aes-generic)', 'cbc(aes)', 'cbc-aes-aesni', 'cbc(aes-aesni)', 'virtio_crypto_aes_cbc'],
    );
  });

  it('boundary cases: the ones with an expectation on every target, the others against the reference first; no "no vectors" note', () => {
    const withReference: CatalogAlgorithm[] = [{ name: 'cbc(aes)', type: 'skcipher', reference: 'cbc(aes-generic)', params: { keySizes: [16] } } as CatalogAlgorithm];
    const plan = planRun([cbcAes], {
      catalog: withReference,
      strategies: ['oneshot', 'chunks'],
      vectorsOf: () => undefined,
      differential: 0,
      boundaryOf: () => ({ oracle: [skcipherCase('b:s#0 len 16'), skcipherCase('b:s#1 len 4097', 4097)], differential: [skcipherCase('b:s#2 len 17', 17)] }),
    });
    assert.deepEqual(plan.batches.map((batch) => [batch.source, batch.differential, batch.cases.length, batch.targets[0]?.name]), [
      ['boundary', false, 2, 'cbc(aes)'],
      ['boundary-differential', true, 1, 'cbc(aes-generic)'],
    ]);
    assert.equal(plan.batches[0]?.executions, 2 * 5 * 2, 'every case on the generic name and the four bindable drivers, both strategies');
    assert.equal(plan.notes.filter((note) => note.kind === 'skip' && note.source === '-').length, 0);
  });

  it('generated cases larger than one request of the link are left out with a skip note (a serial console takes 32 KiB)', () => {
    const withReference: CatalogAlgorithm[] = [{ name: 'cbc(aes)', type: 'skcipher', reference: 'cbc(aes-generic)', params: { keySizes: [16] } } as CatalogAlgorithm];
    const plan = planRun([cbcAes], {
      catalog: withReference,
      strategies: ['oneshot'],
      vectorsOf: () => undefined,
      differential: 0,
      maxPayloadBytes: 32 * 1024,
      boundaryOf: () => ({ oracle: [skcipherCase('b:s#0 len 16'), skcipherCase('b:s#1 len 65536', 65536)], differential: [skcipherCase('b:s#2 len 8192', 8192), skcipherCase('b:s#3 len 20480', 20480)] }),
    });
    assert.deepEqual(plan.batches.map((batch) => [batch.source, batch.cases.map((c) => c.id)]), [
      ['boundary', ['b:s#0 len 16']],
      ['boundary-differential', ['b:s#2 len 8192']],
    ]);
    const skipped = plan.notes.filter((note) => note.kind === 'skip' && /larger than the link's largest request \(32 KiB encoded\)/.test(note.reason));
    assert.deepEqual(skipped.map((note) => note.kind === 'skip' && [note.source, note.count, note.cases]), [
      ['boundary', 1, ['b:s#1 len 65536']],
      ['boundary-differential', 1, ['b:s#3 len 20480']],
    ]);
  });

  it("a generated case's own strategies are narrowed to the run's; none left, the run's first", () => {
    const withReference: CatalogAlgorithm[] = [{ name: 'cbc(aes)', type: 'skcipher', reference: 'cbc(aes-generic)', params: { keySizes: [16] } } as CatalogAlgorithm];
    const long: VectorCase = { ...skcipherCase('b:s#0 len 20480', 20480), strategies: ['oneshot', 'page-cross', 'inplace'] };
    const plan = planRun([cbcAes], { catalog: withReference, strategies: ['chunks', 'inplace'], vectorsOf: () => undefined, differential: 0, boundaryOf: () => ({ oracle: [long, { ...long, id: 'b:s#1', strategies: ['oneshot'] }], differential: [] }) });
    assert.deepEqual(plan.batches[0]?.cases.map((c) => c.strategies), [['inplace'], ['chunks']]);
  });

  describe('--sample', () => {
    const gcm = loadAlgorithmVectors('gcm(aes)', vectorsDir);
    const wycheproof = gcm.sources.find((source) => source.source.endsWith('aes_gcm_test.json'));

    it('keeps at most N cases per file in file order, every expectation represented, evenly spread', () => {
      assert.ok(wycheproof && wycheproof.cases.length > 100);
      const sample = sampleCases(wycheproof.cases, 20);
      assert.ok(sample.length >= 19 && sample.length <= 21, `${sample.length}`);
      const indexes = sample.map((vectorCase) => wycheproof.cases.indexOf(vectorCase));
      assert.deepEqual(indexes, [...indexes].sort((a, b) => a - b));
      assert.deepEqual(new Set(sample.map((vectorCase) => vectorCase.expectation)), new Set(wycheproof.cases.map((vectorCase) => vectorCase.expectation)));
      // spread: the sample reaches into the last tenth of the file, not only its head
      assert.ok((indexes.at(-1) ?? 0) > wycheproof.cases.length * 0.9);
      assert.deepEqual(sampleCases(wycheproof.cases, 20), sample, 'deterministic');
      assert.equal(sampleCases(wycheproof.cases.slice(0, 5), 20).length, 5);
    });

    it('plans every target of every file with the sample, and says how many cases were left out', () => {
      const gcmAes: DiscoveredAlgorithm = { name: 'gcm(aes)', afalgType: 'aead', bound: 'generic-gcm-aesni', inCatalog: true, drivers: [driver('generic-gcm-aesni', 400, { type: 'aead' }), driver('gcm_base(ctr(aes-generic),ghash-generic)', 100, { type: 'aead' })] };
      const options = { catalog, algPatterns: ['gcm(aes)'], strategies: ['oneshot' as const], vectorsOf: () => gcm, differential: 0 };
      const full = planRun([gcmAes], options);
      const sampled = planRun([gcmAes], { ...options, sample: 10 });
      assert.ok(sampled.executions < full.executions / 10);
      const sources = new Set(gcm.sources.filter((source) => source.cases.length > 0).map((source) => source.source));
      assert.deepEqual(new Set(sampled.batches.map((batch) => batch.source)), sources, 'every file still runs');
      for (const batch of sampled.batches) assert.equal(batch.targets.length, 3, 'generic name and both drivers');
      const left = sampled.notes.filter((note) => note.kind === 'skip' && note.reason.startsWith('not in the sample'));
      assert.ok(left.length > 0);
      const total = gcm.sources.reduce((sum, source) => sum + source.cases.length, 0);
      const run = sampled.batches.reduce((sum, batch) => sum + batch.cases.length, 0);
      assert.equal(left.reduce((sum, note) => sum + (note.kind === 'skip' ? note.count : 0), 0), total - run);
    });
  });
});
