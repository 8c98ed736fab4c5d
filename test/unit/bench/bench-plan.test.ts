import assert from 'node:assert/strict';
import { benchParameters, DEFAULT_BENCH_ALGORITHMS, planBench, UnknownBenchAlgorithmError, type BenchSettings } from '../../../harness/bench/bench-plan.js';
import type { DiscoveredAlgorithm, DiscoveredDriver } from '../../../harness/discovery/discover.js';
import { catalog, catalogEntry } from '../../../vectors/catalog.js';
import { AGENT_REQUEST_OVERHEAD_SECONDS } from '../../../harness/bench/bench-budget.js';

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

const discovered: DiscoveredAlgorithm[] = [
  {
    name: 'cbc(aes)',
    afalgType: 'skcipher',
    bound: 'cbc-aes-aesni',
    inCatalog: true,
    drivers: [
      driver('cbc-aes-aesni', 400, { module: 'aesni_intel', async: true }),
      driver('__cbc-aes-aesni', 400, { internal: true }),
      driver('virtio_crypto_aes_cbc', 150, { module: 'virtio_crypto', async: true }),
      driver('cbc-aes-broken', 500, { selftest: 'unknown', bind: 'ELIBBAD' }),
      driver('cbc(aes-generic)', 100),
    ],
  },
  { name: 'gcm(aes)', afalgType: 'aead', bound: 'generic-gcm-aesni', inCatalog: true, drivers: [driver('generic-gcm-aesni', 400, { type: 'aead' })] },
  { name: 'sha256', afalgType: 'hash', bound: 'sha256-avx2', inCatalog: true, drivers: [driver('sha256-avx2', 170, { type: 'shash' }), driver('sha256-generic', 100, { type: 'shash' })] },
  { name: 'poly1305', afalgType: 'hash', bound: 'poly1305-generic', inCatalog: true, drivers: [driver('poly1305-generic', 100, { type: 'shash' })] },
];

const settings: BenchSettings = { sizes: [16, 4096], seconds: 0.5, repetitions: 5, paths: ['copy', 'zerocopy'] };

describe('bench/bench-plan', () => {
  it('measures a driver AF_ALG cannot reach through the in-kernel executor, copy path only, under --executor auto', () => {
    const unreachable = driver('virtio_crypto_aes_cbc', 150, { module: 'virtio_crypto', async: true, bind: 'ENOENT', afalgReach: { reason: 'async', detail: 'async driver' } });
    const linux72: DiscoveredAlgorithm[] = [{ ...(discovered[0] as DiscoveredAlgorithm), drivers: [driver('cbc-aes-aesni', 400, { module: 'aesni_intel' }), unreachable] }];
    const targetsOf = (plan: ReturnType<typeof planBench>): string[] => plan.benches.map((bench) => `${bench.target} ${bench.request.operation} ${bench.request.path} ${bench.engine}${bench.executor ? ` ${bench.request.executor}` : ''}`);
    assert.ok(!targetsOf(planBench(linux72, { catalog, algPatterns: ['cbc(aes)'], settings })).some((one) => one.startsWith('virtio')), 'AF_ALG alone cannot measure it');
    const auto = targetsOf(planBench(linux72, { catalog, algPatterns: ['cbc(aes)'], settings: { ...settings, cProgram: '/tmp/afalg-speed' }, executor: 'auto' }));
    assert.deepEqual(auto.filter((one) => one.startsWith('virtio')), ['virtio_crypto_aes_cbc encrypt copy agent kernel', 'virtio_crypto_aes_cbc decrypt copy agent kernel']);
    assert.ok(auto.includes('cbc-aes-aesni encrypt zerocopy agent') && auto.includes('cbc-aes-aesni encrypt copy c-reference'), 'AF_ALG still measures what it reaches');
    const kernel = planBench(linux72, { catalog, algPatterns: ['cbc(aes)'], settings, executor: 'kernel' });
    assert.deepEqual([...new Set(kernel.benches.filter((bench) => !bench.generic).map((bench) => `${bench.target} ${bench.executor}`))], ['cbc-aes-aesni kernel', 'virtio_crypto_aes_cbc kernel']);
    assert.ok(kernel.benches.filter((bench) => bench.generic).every((bench) => bench.executor === undefined), 'the generic name stays on AF_ALG: it is what user space gets');
  });

  it('measures the generic name and every public bindable driver, each operation and path, generic first', () => {
    const plan = planBench(discovered, { catalog, algPatterns: ['cbc(aes)'], settings });
    assert.deepEqual(plan.algorithms, ['cbc(aes)']);
    const targets = [...new Set(plan.benches.map((bench) => bench.target))];
    assert.deepEqual(targets, ['cbc(aes)', 'cbc-aes-aesni', 'virtio_crypto_aes_cbc', 'cbc(aes-generic)']);
    assert.equal(plan.benches.length, 4 * 2 * 2);
    const first = plan.benches[0];
    assert.equal(first?.generic, true);
    assert.equal(first?.boundDriver, 'cbc-aes-aesni');
    assert.deepEqual(
      plan.benches.slice(0, 4).map((bench) => `${bench.request.operation} ${bench.request.path}`),
      ['encrypt copy', 'encrypt zerocopy', 'decrypt copy', 'decrypt zerocopy'],
    );
    // 0.5 s over 5 repetitions: 100 ms slices after a 50 ms warm-up, per size
    assert.equal(first?.request.repetitionMs, 100);
    assert.equal(first?.request.warmupMs, 50);
    // the request overhead (round trip, bind, accept) and every point at its repetitions
    assert.ok(Math.abs((first?.estimatedSeconds ?? 0) - (AGENT_REQUEST_OVERHEAD_SECONDS + 2 * (0.05 + 5 * 0.1))) < 1e-9);
    assert.deepEqual(plan.tcrypt, []);
  });

  it('adds the C reference (copy path) per operation when there is a program, and the tcrypt modes', () => {
    const plan = planBench(discovered, { catalog, algPatterns: ['cbc(aes)', 'sha256'], driverPatterns: ['cbc-aes-aesni', 'sha256-avx2'], settings: { ...settings, cProgram: '/x/afalg-speed', tcryptSec: 1 } });
    const c = plan.benches.filter((bench) => bench.engine === 'c-reference');
    assert.deepEqual(
      c.map((bench) => `${bench.target} ${bench.request.operation} ${bench.request.path} ${bench.request.program}`),
      ['cbc-aes-aesni encrypt copy /x/afalg-speed', 'cbc-aes-aesni decrypt copy /x/afalg-speed', 'sha256-avx2 digest copy /x/afalg-speed'],
    );
    assert.deepEqual(
      plan.tcrypt.map((mode) => mode.params.join(' ')),
      ['mode=500', 'mode=400 alg=sha256'],
    );
    assert.ok(plan.estimatedSeconds > 380);
  });

  it('parameters from the catalog: AES-128 key, CBC IV; GCM 12-byte IV, 16 bytes of AAD, 16-byte tag; CCM flags byte', () => {
    const cbc = benchParameters(catalogEntry('cbc(aes)')!, [1, 16, 100, 4096]);
    assert.equal(cbc.key?.length, 16);
    assert.equal(cbc.iv?.length, 16);
    assert.deepEqual(cbc.sizes, [16, 4096]);
    assert.deepEqual(cbc.dropped, [1, 100]);
    const gcm = benchParameters(catalogEntry('gcm(aes)')!, [16]);
    assert.deepEqual([gcm.key?.length, gcm.iv?.length, gcm.assocLength, gcm.authsize], [16, 12, 16, 16]);
    const ccm = benchParameters(catalogEntry('ccm(aes)')!, [16]);
    assert.equal(ccm.iv?.[0], 3);
    assert.deepEqual([...(ccm.iv ?? []).subarray(12)], [0, 0, 0, 0]);
    const esp = benchParameters(catalogEntry('rfc4106(gcm(aes))')!, [16]);
    assert.deepEqual([esp.key?.length, esp.iv?.length, esp.assocLength], [20, 8, 16]);
    const sha = benchParameters(catalogEntry('sha256')!, [16]);
    assert.equal(sha.key, undefined);
    const poly = benchParameters(catalogEntry('poly1305')!, [16, 64]);
    assert.deepEqual(poly.sizes, [64]);
  });

  it('defaults to the headline algorithms and notes what the target lacks', () => {
    const plan = planBench(discovered, { catalog, settings });
    assert.deepEqual(plan.algorithms, DEFAULT_BENCH_ALGORITHMS);
    const lacking = planBench(discovered.slice(0, 1), { catalog, algPatterns: ['xts(aes)', 'cbc(aes)'], settings });
    assert.deepEqual(lacking.notes, ['xts(aes): not on this target']);
  });

  it('an unknown algorithm is refused with the known names; rng cannot be benchmarked', () => {
    assert.throws(() => planBench(discovered, { catalog, algPatterns: ['cbc(foo)'], settings }), (error: Error) => error instanceof UnknownBenchAlgorithmError && /no algorithm to benchmark matches 'cbc\(foo\)'; known: .*cbc\(aes\)/.test(error.message));
    assert.throws(() => planBench(discovered, { catalog, algPatterns: ['stdrng'], settings }), UnknownBenchAlgorithmError);
  });
});
