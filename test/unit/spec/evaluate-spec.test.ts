import assert from 'node:assert/strict';
import type { ResultLine } from '../../../harness/results/result-model.js';
import type { RunMeta } from '../../../harness/results/run-record.js';
import { summarize } from '../../../harness/results/summary.js';
import { evaluateSpec } from '../../../harness/spec/evaluate-spec.js';
import { loadDriversSpec } from '../../../harness/spec/load-spec.js';
import type { RequirementResult } from '../../../harness/spec/spec-model.js';
import { benchRun } from '../reports/fixture-bench.js';
import { fixtureLines, fixtureMeta, WYCHEPROOF } from '../results/run-fixture.js';
import { BOARD_DISCOVERY, boardLines, boardRun, driver, FAILING, one, vectorRun } from './spec-fixture.js';

describe('spec/evaluate-spec', () => {
  describe('served-by', () => {
    it('is met when the generic name is served by a driver matching one alternative', () => {
      const { meta, summary } = vectorRun();
      const result = one({ id: 'cbc', kind: 'served-by', algorithm: 'cbc(aes)', driver: 'virtio_crypto_*|*-aesni', why: 'speed' }, summary, meta);
      assert.deepEqual(result, {
        id: 'cbc',
        kind: 'served-by',
        requirement: 'the generic name cbc(aes) is served by a driver matching virtio_crypto_* or *-aesni',
        met: true,
        evidence: 'served by cbc-aes-aesni (priority 400)',
        why: 'speed',
      });
    });

    it('is unmet otherwise, naming who serves it and the matching drivers the kernel passed over', () => {
      const { meta, summary } = vectorRun();
      const result = one({ id: 'cbc', kind: 'served-by', algorithm: 'cbc(aes)', driver: 'virtio_crypto_*' }, summary, meta);
      assert.equal(result.met, false);
      assert.equal(result.evidence, 'served by cbc-aes-aesni (priority 400); matching but not selected: virtio_crypto_aes_cbc (priority 150)');
      const absent = one({ id: 'cbc', kind: 'served-by', algorithm: 'cbc(aes)', driver: 'omap-aes-*' }, summary, meta);
      assert.equal(absent.evidence, 'served by cbc-aes-aesni (priority 400); no driver matching omap-aes-* is registered for cbc(aes)');
      const missing = one({ id: 'ctr', kind: 'served-by', algorithm: 'ctr(aes)', driver: 'ctr-aes-aesni' }, summary, meta);
      assert.deepEqual([missing.met, missing.evidence, missing.requirement], [false, 'ctr(aes) is not on this target (discovery did not list it)', 'the generic name ctr(aes) is served by ctr-aes-aesni']);
    });

    it('says when the driver is inferred from priorities (a type AF_ALG cannot bind), from discovery when the run left the algorithm out', () => {
      const { meta, summary } = boardRun();
      const result = one({ id: 'rsa', kind: 'served-by', algorithm: 'rsa', driver: 'rsa-generic' }, summary, meta);
      assert.deepEqual([result.met, result.evidence], [true, 'served by rsa-generic (priority 100; inferred from priorities, not proved by binding)']);
      // a run narrowed by --alg has no priority table for other algorithms: discovery still answers
      const narrowed = { ...meta, settings: { ...meta.settings, alg: ['cbc(aes)'] } };
      const narrowedSummary = summarize(narrowed, boardLines().filter((line) => line.kind === 'tally' && line.algorithm === 'cbc(aes)'));
      assert.ok(!narrowedSummary.priorities.some((table) => table.algorithm === 'gcm(aes)'));
      assert.equal(one({ id: 'gcm', kind: 'served-by', algorithm: 'gcm(aes)', driver: 'generic-gcm-aesni' }, narrowedSummary, narrowed).evidence, 'served by generic-gcm-aesni (priority 400)');
    });
  });

  describe('passes-vectors', () => {
    it('is met when every selected driver passed all it ran', () => {
      const { meta, summary } = vectorRun();
      const result = one({ id: 'aesni', kind: 'passes-vectors', module: 'aesni_intel' }, summary, meta);
      assert.equal(result.requirement, 'every driver of module aesni_intel passes every vector it runs (at least one)');
      assert.deepEqual([result.met, result.evidence], [true, 'the driver passed every vector: cbc-aes-aesni 360/360']);
    });

    it('is unmet when a selected driver failed, counting the failures', () => {
      const { meta, summary } = vectorRun();
      const virtio = one({ id: 'virtio', kind: 'passes-vectors', driver: 'virtio_crypto_aes_cbc', module: 'virtio_crypto' }, summary, meta);
      assert.equal(virtio.requirement, 'virtio_crypto_aes_cbc of module virtio_crypto passes every vector it runs (at least one)');
      assert.deepEqual([virtio.met, virtio.evidence], [false, '1 of 1 driver did not pass: virtio_crypto_aes_cbc (cbc(aes)): 1 failed of 360']);
      const all = one({ id: 'cbc', kind: 'passes-vectors', algorithm: 'cbc(*)' }, summary, meta);
      assert.deepEqual([all.met, all.evidence], [false, '1 of 4 drivers did not pass: virtio_crypto_aes_cbc (cbc(aes)): 1 failed of 360; 3 passed']);
    });

    it('is unmet when nothing matched, a driver never ran, or could not be bound', () => {
      const { meta, summary } = vectorRun();
      assert.deepEqual(
        (({ met, evidence }) => [met, evidence])(one({ id: 'none', kind: 'passes-vectors', module: 'omap_aes' }, summary, meta)),
        [false, 'no driver matched'],
      );
      // cbc(aes-generic) planned but silent
      const silent = summarize(meta, fixtureLines().filter((line) => !(line.kind === 'tally' && line.target === 'cbc(aes-generic)')));
      assert.equal(one({ id: 'kernel', kind: 'passes-vectors', module: 'kernel' }, silent, meta).evidence, '1 of 2 drivers did not pass: cbc(aes-generic) (cbc(aes)): not run; 1 passed');
      // a driver whose self-test failed: ELIBBAD
      const broken: RunMeta = {
        ...meta,
        discovery: meta.discovery.map((algorithm) => ({ ...algorithm, drivers: [...algorithm.drivers, driver('cbc-aes-broken', 200, 'broken_mod', { selftest: 'failed', bind: 'ELIBBAD' })] })),
      };
      const lines: ResultLine[] = [...fixtureLines(), { kind: 'unbindable', algorithm: 'cbc(aes)', target: 'cbc-aes-broken', error: 'ELIBBAD' }];
      assert.equal(one({ id: 'b', kind: 'passes-vectors', module: 'broken_mod' }, summarize(broken, lines), broken).evidence, '1 of 1 driver did not pass: cbc-aes-broken (cbc(aes)): cannot be bound (ELIBBAD)');
    });

    it('lists drivers whose algorithm had no vectors in the run as not covered', () => {
      const { meta, summary } = benchRun();
      const sha = one({ id: 'sha', kind: 'passes-vectors', module: 'sha256_ssse3' }, summary, meta);
      assert.deepEqual([sha.met, sha.evidence], [false, 'no driver matched had vector results; not covered (no vectors for their algorithm in this run): sha256-avx2 (sha256), sha256-ssse3 (sha256)']);
      const board = boardRun();
      const aesni = one({ id: 'aesni', kind: 'passes-vectors', module: 'aesni_intel' }, board.summary, board.meta);
      assert.equal(aesni.met, true);
      assert.equal(
        aesni.evidence,
        'all 3 drivers passed every vector: cbc-aes-aesni 120/120, generic-gcm-aesni 120/120, xts-aes-aesni 120/120; not covered (no vectors for their algorithm in this run): aes-aesni (aes), cts-cbc-aes-aesni (cts(cbc(aes))), xctr-aes-aesni (xctr(aes))',
      );
    });
  });

  describe('min-priority', () => {
    it('compares the priority of the driver serving the generic name', () => {
      const { meta, summary } = benchRun();
      const met = one({ id: 'p', kind: 'min-priority', algorithm: 'sha256', priority: 150 }, summary, meta);
      assert.deepEqual([met.met, met.evidence, met.requirement], [true, 'served by sha256-avx2 (priority 170)', 'the driver serving sha256 has priority ≥ 150']);
      const unmet = one({ id: 'p', kind: 'min-priority', algorithm: 'sha256', priority: 300 }, summary, meta);
      assert.deepEqual([unmet.met, unmet.evidence], [false, 'served by sha256-avx2 (priority 170), below 300']);
      const equal = one({ id: 'p', kind: 'min-priority', algorithm: 'cbc(aes)', priority: 400 }, summary, meta);
      assert.equal(equal.met, true);
      assert.equal(one({ id: 'p', kind: 'min-priority', algorithm: 'md5', priority: 1 }, summary, meta).evidence, 'md5 is not on this target (discovery did not list it)');
    });
  });

  describe('min-throughput', () => {
    it('is met by the median MB/s through the generic name at the size, encrypt by default', () => {
      const { meta, summary } = benchRun();
      const result = one({ id: 't', kind: 'min-throughput', algorithm: 'cbc(aes)', size: 4096, mbPerSecond: 5 }, summary, meta);
      assert.equal(result.requirement, 'cbc(aes) encrypt through the generic name reaches ≥ 5 MB/s at 4 KiB (copy path, median)');
      assert.equal(result.met, true);
      const series = summary.bench?.series.find((s) => s.generic && s.algorithm === 'cbc(aes)' && s.op === 'encrypt' && s.path === 'copy' && s.engine === 'agent');
      const mb = series?.points.find((p) => p.size === 4096)?.mbPerSecond as number;
      assert.equal(result.evidence, `cbc(aes) → cbc-aes-aesni: ${mb.toFixed(0)} MB/s encrypt at 4 KiB`);
    });

    it('is unmet below the figure, at a size not measured, or without a benchmark', () => {
      const { meta, summary } = benchRun();
      const slow = one({ id: 't', kind: 'min-throughput', algorithm: 'cbc(aes)', size: 4096, mbPerSecond: 100000 }, summary, meta);
      assert.equal(slow.met, false);
      assert.match(slow.evidence, /^cbc\(aes\) → cbc-aes-aesni: \d+ MB\/s encrypt at 4 KiB, below 100000$/);
      const size = one({ id: 't', kind: 'min-throughput', algorithm: 'cbc(aes)', size: 8192, mbPerSecond: 1 }, summary, meta);
      assert.deepEqual([size.met, size.evidence], [false, 'cbc(aes) → cbc-aes-aesni: not measured at 8 KiB (sizes measured: 16 B, 64 B, 256 B, 1 KiB, 4 KiB, 16 KiB, 64 KiB)']);
      const other = one({ id: 't', kind: 'min-throughput', algorithm: 'gcm(aes)', size: 4096, mbPerSecond: 1 }, summary, meta);
      assert.deepEqual([other.met, other.evidence], [false, 'not measured: no copy-path encrypt figures for gcm(aes) through the generic name (run with --bench, covering gcm(aes))']);
      const vectorsOnly = vectorRun();
      const none = one({ id: 't', kind: 'min-throughput', algorithm: 'cbc(aes)', size: 4096, mbPerSecond: 5 }, vectorsOnly.summary, vectorsOnly.meta);
      assert.deepEqual([none.met, none.evidence], [false, 'not measured (run with --bench)']);
    });

    it('takes digest for a hash, and a driver pattern, op and path when given', () => {
      const { meta, summary } = benchRun();
      const sha = one({ id: 't', kind: 'min-throughput', algorithm: 'sha256', size: 4096, mbPerSecond: 1 }, summary, meta);
      assert.equal(sha.met, true);
      assert.match(sha.evidence, /^sha256 → sha256-avx2: \d+ MB\/s digest at 4 KiB$/);
      assert.equal(sha.requirement, 'sha256 digest through the generic name reaches ≥ 1 MB/s at 4 KiB (copy path, median)');
      const virtio = one({ id: 't', kind: 'min-throughput', algorithm: 'cbc(aes)', op: 'decrypt', path: 'zerocopy', target: 'virtio_crypto_*|cbc(aes-generic)', size: 65536, mbPerSecond: 100 }, summary, meta);
      assert.equal(virtio.requirement, 'cbc(aes) decrypt on every driver matching virtio_crypto_* or cbc(aes-generic) reaches ≥ 100 MB/s at 64 KiB (zerocopy path, median)');
      assert.equal(virtio.met, true);
      assert.match(virtio.evidence, /^cbc\(aes-generic\): [\d,]+ MB\/s decrypt at 64 KiB; virtio_crypto_aes_cbc: [\d,]+ MB\/s decrypt at 64 KiB$/);
      const generic = one({ id: 't', kind: 'min-throughput', algorithm: 'cbc(aes)', target: 'cbc(aes-generic)|virtio_crypto_*', size: 65536, mbPerSecond: 1000 }, summary, meta);
      assert.equal(generic.met, false, 'every matching driver must reach it: the C driver does not');
      assert.match(generic.evidence, /cbc\(aes-generic\): \d+ MB\/s encrypt at 64 KiB, below 1000; virtio_crypto_aes_cbc: [\d,.]+ MB\/s encrypt at 64 KiB$/);
    });
  });

  describe('no-critical-verdicts', () => {
    it('is met without a critical verdict, counting the others', () => {
      const { meta, summary } = benchRun();
      const result = one({ id: 'c', kind: 'no-critical-verdicts', algorithm: 'cbc(aes)' }, summary, meta);
      assert.deepEqual([result.met, result.evidence, result.requirement], [true, 'no critical verdict for cbc(aes) (1 info)', 'no critical priority verdict for cbc(aes)']);
    });

    it('is unmet with the critical verdicts, and when no algorithm matches', () => {
      const { meta, summary } = boardRun();
      const all = one({ id: 'c', kind: 'no-critical-verdicts' }, summary, meta);
      assert.equal(all.requirement, 'no critical priority verdict for any algorithm');
      assert.equal(all.met, false);
      assert.match(all.evidence, /^1 critical verdict: rsa: virtio-crypto-rsa \(priority 150, selftest: unknown\) outranks the selected rsa-generic \(priority 100\)/);
      assert.equal(one({ id: 'c', kind: 'no-critical-verdicts', algorithm: 'cbc(aes)|gcm(aes)' }, summary, meta).evidence, 'no critical verdict for 2 algorithms (1 info)');
      assert.deepEqual(
        (({ met, evidence }) => [met, evidence])(one({ id: 'c', kind: 'no-critical-verdicts', algorithm: 'sm4*' }, summary, meta)),
        [false, 'no algorithm matching sm4* on this target'],
      );
      // the selected driver failing vectors is critical too
      const failing = summarize(meta, boardLines().map((line): ResultLine => (line.kind === 'tally' && line.target === 'cbc-aes-aesni' ? { ...line, failed: 2, failures: [] } : line)));
      assert.match(one({ id: 'c', kind: 'no-critical-verdicts', algorithm: 'cbc(aes)' }, failing, meta).evidence, /^1 critical verdict: cbc\(aes\): the generic name cbc\(aes\) selects cbc-aes-aesni \(priority 400\), which fails vectors/);
    });
  });

  describe('the QEMU x86_64 board', () => {
    it('meets the shipped qemu-x86_64 spec', () => {
      const { meta, summary } = boardRun();
      const verdict = evaluateSpec(loadDriversSpec('qemu-x86_64'), summary, meta);
      const unmet = verdict.results.filter((result) => !result.met).map((result) => `${result.id}: ${result.evidence}`);
      assert.deepEqual(unmet, []);
      assert.equal(verdict.met, verdict.results.length);
      assert.equal(verdict.spec, 'qemu-x86_64');
      const evidence = Object.fromEntries(verdict.results.map((result) => [result.id, result.evidence]));
      assert.equal(evidence['cbc-aes-served-by-aesni'], 'served by cbc-aes-aesni (priority 400)');
      assert.equal(evidence['gcm-aes-served-by-aesni'], 'served by generic-gcm-aesni (priority 400)');
      assert.equal(evidence['sha256-priority'], 'served by sha256-avx2 (priority 170)');
      assert.equal(evidence['cbc-aes-throughput'], 'cbc(aes) → cbc-aes-aesni: 30.0 MB/s encrypt at 4 KiB');
      assert.equal(evidence['virtio-aes-cbc-passes-vectors'], 'the driver passed every vector: virtio_crypto_aes_cbc 120/120');
      // the board's exit code stays 1 for its known rsa verdict; the spec adds nothing to it
      assert.equal(summary.verdictCounts.critical, 1);
    });

    it('fails the failing spec, with the evidence and the explanations', () => {
      const { meta, summary } = boardRun();
      const verdict = evaluateSpec(loadDriversSpec(FAILING), summary, meta);
      assert.deepEqual([verdict.met, verdict.unmet], [0, 2]);
      const [virtio, priority] = verdict.results as [RequirementResult, RequirementResult];
      assert.equal(virtio.id, 'cbc-aes-served-by-virtio');
      assert.equal(virtio.evidence, 'served by cbc-aes-aesni (priority 400); matching but not selected: virtio_crypto_aes_cbc (priority 150)');
      assert.match(virtio.why ?? '', /virtio-crypto device/);
      assert.equal(priority.evidence, 'served by sha256-avx2 (priority 170), below 300');
      assert.match(priority.why ?? '', /stop at 170/);
    });

    it('fails a run of the shipped spec without the benchmark and with a failing virtio driver', () => {
      const meta = fixtureMeta({ discovery: BOARD_DISCOVERY });
      const lines = boardLines()
        .filter((line) => line.kind !== 'bench')
        .map((line): ResultLine => (line.kind === 'tally' && line.target === 'virtio_crypto_aes_cbc' ? { ...line, passed: 119, failed: 1, failures: [{ source: WYCHEPROOF, case: 'tcId 9', strategy: 'oneshot', status: 'fail', expectation: 'valid' }] } : line));
      const verdict = evaluateSpec(loadDriversSpec('qemu-x86_64'), summarize(meta, lines), meta);
      assert.deepEqual(
        verdict.results.filter((result) => !result.met).map((result) => [result.id, result.evidence]),
        [
          ['virtio-aes-cbc-passes-vectors', '1 of 1 driver did not pass: virtio_crypto_aes_cbc (cbc(aes)): 1 failed of 120'],
          ['cbc-aes-throughput', 'not measured (run with --bench)'],
        ],
      );
    });
  });
});
