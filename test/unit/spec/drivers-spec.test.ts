import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError, EXIT } from '../../../harness/core/errors.js';
import { projectRoot } from '../../../harness/core/paths.js';
import { matchesAny } from '../../../harness/plan/name-pattern.js';
import type { BenchLine, DiscoveredAlgorithmSummary, ResultLine, RunMeta, TallyLine } from '../../../harness/results/result-model.js';
import { summarize, type RunSummary } from '../../../harness/results/summary.js';
import {
  driversSpecDir,
  driversSpecFrom,
  driversSpecPath,
  driversSpecSchemaPath,
  evaluateSpec,
  listDriversSpecs,
  loadDriversSpec,
  specContent,
  specVerdictOf,
  verdictWithSpec,
  type DriversSpec,
  type Requirement,
  type RequirementResult,
  type SpecVerdict,
  type StoredSpec,
} from '../../../harness/spec/drivers-spec.js';
import { renderHtml } from '../../../reports/html.js';
import { renderJunit } from '../../../reports/junit.js';
import { renderMarkdown } from '../../../reports/markdown.js';
import { renderRunTerminal } from '../../../reports/run-terminal.js';
import { fixtureLines, fixtureMeta, WYCHEPROOF } from '../results/run-fixture.js';
import { benchRun, SHA256_DISCOVERY } from '../reports/fixture-bench.js';
import { useTempDir } from '../../support/temp-dir.js';
import { runReportOf } from '../../../harness/results/run-report.js';

const SHIPPED = path.join(projectRoot, 'drivers-spec', 'qemu-x86_64.json');
const FAILING = path.join(projectRoot, 'test', 'fixtures', 'specs', 'qemu-x86_64-fails.json');

function expectBadInput(fn: () => unknown): string {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof BadInputError, `expected BadInputError, got ${String(caught)}`);
  assert.equal(caught.exitCode, EXIT.badInput);
  assert.ok(!caught.message.includes('\n'), `one line: ${caught.message}`);
  return caught.message;
}

/** A spec of one requirement, evaluated. */
function one(requirement: Requirement, summary: RunSummary, meta: RunMeta): RequirementResult {
  const spec: DriversSpec = { name: 'test', requirements: [requirement], file: '/specs/test.json' };
  const verdict = evaluateSpec(spec, summary, meta);
  assert.equal(verdict.results.length, 1);
  assert.equal(verdict.met + verdict.unmet, 1);
  return verdict.results[0] as RequirementResult;
}

/** The vector fixture: cbc(aes) served by cbc-aes-aesni, virtio_crypto_aes_cbc fails one page-cross case. */
function vectorRun(): { meta: RunMeta; summary: RunSummary } {
  const meta = fixtureMeta();
  return { meta, summary: summarize(meta, fixtureLines()) };
}

function withSpec(meta: RunMeta, file: string, content: unknown = JSON.parse(fs.readFileSync(file, 'utf8'))): RunMeta {
  return { ...meta, spec: { file, content } } as RunMeta & { spec: StoredSpec };
}

// ---------------------------------------------------------------------------------------------
// a run shaped like the QEMU x86_64 board (Debian 6.1 under TCG, virtio-crypto attached)

const driver = (name: string, priority: number, module: string, extra: Partial<DiscoveredAlgorithmSummary['drivers'][number]> = {}): DiscoveredAlgorithmSummary['drivers'][number] => ({
  driver: name,
  priority,
  selftest: 'passed',
  module,
  internal: false,
  bind: 'ok',
  ...extra,
});

/** A driver of a type AF_ALG cannot bind (cipher, akcipher), or an internal one: no bind result. */
const unbound = (name: string, priority: number, module: string, selftest = 'passed'): DiscoveredAlgorithmSummary['drivers'][number] => ({ driver: name, priority, selftest, module, internal: false });

const BOARD_DISCOVERY: DiscoveredAlgorithmSummary[] = [
  {
    name: 'aes',
    drivers: [unbound('aes-aesni', 300, 'aesni_intel'), unbound('aes-generic', 100, 'kernel')],
  },
  {
    name: 'cbc(aes)',
    afalgType: 'skcipher',
    bound: 'cbc-aes-aesni',
    drivers: [
      driver('cbc-aes-aesni', 400, 'aesni_intel', { async: true }),
      { ...unbound('__cbc-aes-aesni', 400, 'aesni_intel'), internal: true, async: false },
      driver('cbc(aes-aesni)', 300, 'kernel', { async: false }),
      driver('virtio_crypto_aes_cbc', 150, 'virtio_crypto', { async: true }),
      driver('cbc(aes-generic)', 100, 'kernel', { async: false }),
    ],
  },
  {
    name: 'cts(cbc(aes))',
    afalgType: 'skcipher',
    bound: 'cts-cbc-aes-aesni',
    drivers: [driver('cts-cbc-aes-aesni', 400, 'aesni_intel', { async: true }), driver('cts(virtio_crypto_aes_cbc)', 150, 'cts', { async: true })],
  },
  {
    name: 'gcm(aes)',
    afalgType: 'aead',
    bound: 'generic-gcm-aesni',
    drivers: [
      driver('generic-gcm-aesni', 400, 'aesni_intel', { async: true }),
      driver('gcm_base(ctr(aes-aesni),ghash-clmulni)', 350, 'gcm', { async: false }),
      driver('gcm_base(ctr(aes-generic),ghash-generic)', 100, 'gcm', { async: false }),
    ],
  },
  {
    name: 'rsa',
    drivers: [unbound('virtio-crypto-rsa', 150, 'virtio_crypto', 'unknown'), unbound('rsa-generic', 100, 'kernel')],
  },
  SHA256_DISCOVERY,
  {
    name: 'xctr(aes)',
    afalgType: 'skcipher',
    bound: 'xctr-aes-aesni',
    drivers: [driver('xctr-aes-aesni', 400, 'aesni_intel', { async: true })],
  },
  {
    name: 'xts(aes)',
    afalgType: 'skcipher',
    bound: 'xts-aes-aesni',
    drivers: [driver('xts-aes-aesni', 401, 'aesni_intel', { async: true }), driver('xts(ecb(aes-generic))', 100, 'xts', { async: false })],
  },
];

/** Every vector passes on every target of cbc(aes), gcm(aes), sha256 and xts(aes). */
function boardLines(): ResultLine[] {
  const lines: ResultLine[] = [];
  for (const algorithm of BOARD_DISCOVERY) {
    if (!['cbc(aes)', 'gcm(aes)', 'sha256', 'xts(aes)'].includes(algorithm.name)) continue;
    const targets = [algorithm.name, ...algorithm.drivers.filter((d) => !d.internal).map((d) => d.driver)];
    for (const target of targets) {
      const generic = target === algorithm.name;
      const line: TallyLine = {
        kind: 'tally',
        algorithm: algorithm.name,
        target,
        generic,
        ...(generic && algorithm.bound ? { boundDriver: algorithm.bound } : {}),
        source: `wycheproof/${algorithm.name}.json`,
        strategy: 'oneshot',
        passed: 120,
        failed: 0,
        acceptable: 0,
        failures: [],
      };
      lines.push(line);
    }
  }
  // about 30 MB/s at 4 KiB through the generic name under TCG
  const bench: BenchLine = {
    kind: 'bench',
    algorithm: 'cbc(aes)',
    target: 'cbc(aes)',
    generic: true,
    boundDriver: 'cbc-aes-aesni',
    op: 'encrypt',
    path: 'copy',
    engine: 'agent',
    keyBytes: 16,
    points: [
      { size: 64, repetitions: [1, 2, 3].map(() => ({ ops: 120000, ns: 1e9 })) },
      { size: 4096, repetitions: [7300, 7324, 7350].map((ops) => ({ ops, ns: 1e9 })) },
    ],
  };
  lines.push(bench);
  return lines;
}

function boardRun(): { meta: RunMeta; summary: RunSummary } {
  const meta = fixtureMeta({
    target: { kernelRelease: '6.1.0-28-amd64', arch: 'x86_64', accel: 'tcg', accelReason: 'no /dev/kvm', agentVersion: '0.1.0', node: 'v20.19.0' },
    discovery: BOARD_DISCOVERY,
    settings: {
      ...fixtureMeta().settings,
      strategies: ['oneshot'],
      bench: { sizes: [64, 4096], seconds: 1, repetitions: 3, paths: ['copy'], cReference: false },
    },
  });
  return { meta, summary: summarize(meta, boardLines()) };
}

describe('spec/drivers-spec', () => {
  describe('reading and validation', () => {
    const tmp = useTempDir('afalg-spec-test-');
    let counter = 0;
    const write = (content: unknown): string => {
      const file = path.join(tmp.path, `spec-${++counter}.json`);
      fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return file;
    };
    const spec = (...requirements: unknown[]): unknown => ({ name: 'vendor-x', requirements });
    const servedBy = { id: 'cbc', kind: 'served-by', algorithm: 'cbc(aes)', driver: 'virtio_crypto_*|*-aesni' };

    it('keeps the specs and their schema in drivers-spec/, a bare name meaning a bundled one', () => {
      assert.equal(driversSpecDir, path.join(projectRoot, 'drivers-spec'));
      assert.equal(driversSpecSchemaPath, path.join(projectRoot, 'drivers-spec', 'drivers-spec.schema.json'));
      assert.equal(driversSpecPath('qemu-x86_64'), SHIPPED);
      assert.equal(driversSpecPath('/x/y.json'), '/x/y.json');
      assert.equal(driversSpecPath('mine.json'), path.resolve('mine.json'));
      assert.ok(listDriversSpecs().includes('qemu-x86_64'));
      assert.ok(!listDriversSpecs().some((name) => name.includes('schema')));
    });

    it('loads a valid spec with every field, recording the file', () => {
      const file = write({ ...(spec(servedBy, { id: 'fast', kind: 'min-throughput', algorithm: 'cbc(aes)', size: 4096, mbPerSecond: 20, op: 'decrypt', target: 'virtio_crypto_*', path: 'zerocopy', why: 'because' }) as object), description: 'd' });
      const loaded = loadDriversSpec(file);
      assert.equal(loaded.name, 'vendor-x');
      assert.equal(loaded.description, 'd');
      assert.equal(loaded.file, file);
      assert.deepEqual(loaded.requirements[0], servedBy);
      assert.deepEqual(specContent(loaded), { name: 'vendor-x', description: 'd', requirements: loaded.requirements });
    });

    it('rejects an unknown kind, naming the file and the field', () => {
      const file = write(spec(servedBy, { id: 'x', kind: 'fast-enough', algorithm: 'cbc(aes)' }));
      const message = expectBadInput(() => loadDriversSpec(file));
      assert.ok(message.startsWith(`${file}: field '/requirements/1/kind' must be one of "served-by", "passes-vectors"`), message);
    });

    it('rejects a missing field of the kind', () => {
      const file = write(spec({ id: 'cbc', kind: 'served-by', algorithm: 'cbc(aes)' }));
      assert.equal(expectBadInput(() => loadDriversSpec(file)), `${file}: missing field '/requirements/0/driver'`);
      const noId = write(spec({ kind: 'no-critical-verdicts' }));
      assert.equal(expectBadInput(() => loadDriversSpec(noId)), `${noId}: missing field '/requirements/0/id'`);
      const noName = write({ requirements: [servedBy] });
      assert.equal(expectBadInput(() => loadDriversSpec(noName)), `${noName}: missing field '/name'`);
    });

    it('rejects a field another kind has, and an unknown top-level field', () => {
      const file = write(spec({ ...servedBy, priority: 3 }));
      assert.equal(expectBadInput(() => loadDriversSpec(file)), `${file}: unknown field '/requirements/0/priority'`);
      const top = write({ ...(spec(servedBy) as object), vendor: 'x' });
      assert.equal(expectBadInput(() => loadDriversSpec(top)), `${top}: unknown field '/vendor'`);
    });

    it('explains a bad pattern: a regular expression, an empty alternative, white space', () => {
      const regex = write(spec({ ...servedBy, driver: 'virtio_crypto_.*' }));
      const message = expectBadInput(() => loadDriversSpec(regex));
      assert.ok(message.startsWith(`${regex}: field '/requirements/0/driver' is not a name pattern: "virtio_crypto_.*" looks like a regular expression;`), message);
      assert.match(message, /\* and \? are wildcards, alternatives separated by \|/);
      const anchored = write(spec({ id: 'v', kind: 'passes-vectors', module: '^aesni_intel$' }));
      assert.match(expectBadInput(() => loadDriversSpec(anchored)), /field '\/requirements\/0\/module' is not a name pattern: "\^aesni_intel\$" looks like a regular expression/);
      const empty = write(spec({ ...servedBy, driver: 'a||b' }));
      assert.match(expectBadInput(() => loadDriversSpec(empty)), /field '\/requirements\/0\/driver' is not a name pattern: "a\|\|b" has an empty alternative/);
      const spaced = write(spec({ id: 'v', kind: 'no-critical-verdicts', algorithm: 'cbc(aes) | gcm(aes)' }));
      assert.match(expectBadInput(() => loadDriversSpec(spaced)), /field '\/requirements\/0\/algorithm' is not a name pattern: .* contains white space/);
      const wildAlgorithm = write(spec({ id: 'p', kind: 'min-priority', algorithm: 'sha*', priority: 100 }));
      assert.match(expectBadInput(() => loadDriversSpec(wildAlgorithm)), /field '\/requirements\/0\/algorithm' must be one algorithm name such as cbc\(aes\) \(no wildcards/);
    });

    it('rejects wrong types and values, duplicate ids, an empty list, bad JSON and a missing file', () => {
      const priority = write(spec({ id: 'p', kind: 'min-priority', algorithm: 'sha256', priority: '150' }));
      assert.equal(expectBadInput(() => loadDriversSpec(priority)), `${priority}: field '/requirements/0/priority' must be integer`);
      const op = write(spec({ id: 't', kind: 'min-throughput', algorithm: 'sha256', size: 4096, mbPerSecond: 5, op: 'hash' }));
      assert.equal(expectBadInput(() => loadDriversSpec(op)), `${op}: field '/requirements/0/op' must be one of "encrypt", "decrypt", "digest"`);
      const duplicate = write(spec(servedBy, { ...servedBy, driver: 'x' }));
      assert.equal(expectBadInput(() => loadDriversSpec(duplicate)), `${duplicate}: field '/requirements/1/id': duplicate requirement id 'cbc' (also /requirements/0/id)`);
      const none = write(spec());
      assert.match(expectBadInput(() => loadDriversSpec(none)), /field '\/requirements' must NOT have fewer than 1 items/);
      const broken = write('{"name": "x", ');
      assert.match(expectBadInput(() => loadDriversSpec(broken)), new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`));
      assert.match(expectBadInput(() => loadDriversSpec(path.join(tmp.path, 'absent.json'))), /absent\.json: no such drivers-spec file \(bundled specs: .*qemu-x86_64/);
    });

    it('ships a schema with additionalProperties false on every object it defines', () => {
      const schema = JSON.parse(fs.readFileSync(driversSpecSchemaPath, 'utf8')) as { additionalProperties: boolean; definitions: Record<string, { type?: string; properties?: object; additionalProperties?: boolean; allOf?: unknown }> };
      assert.equal(schema.additionalProperties, false);
      for (const [name, definition] of Object.entries(schema.definitions)) {
        if (definition.type !== 'object' || definition.allOf) continue;
        assert.equal(definition.additionalProperties, false, name);
      }
    });

    it('validates the shipped qemu-x86_64 spec and the failing fixture, every kind present', () => {
      const shipped = loadDriversSpec('qemu-x86_64');
      assert.equal(shipped.file, SHIPPED);
      assert.deepEqual([...new Set(shipped.requirements.map((r) => r.kind))].sort(), ['min-priority', 'min-throughput', 'no-critical-verdicts', 'passes-vectors', 'served-by']);
      assert.ok(shipped.requirements.every((r) => r.why !== undefined && r.why.length > 20), 'each says why');
      const verdictRules = shipped.requirements.filter((r) => r.kind === 'no-critical-verdicts');
      assert.ok(verdictRules.length > 0);
      for (const rule of verdictRules) {
        assert.ok(rule.algorithm !== undefined && !matchesAny('rsa', rule.algorithm.split('|')), 'no no-critical-verdicts over rsa: the board has a known critical rsa verdict');
      }
      const failing = loadDriversSpec(FAILING);
      assert.equal(failing.requirements.length, 2);
    });
  });

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
      assert.match(virtio.evidence, /^cbc\(aes-generic\): \d+ MB\/s decrypt at 64 KiB; virtio_crypto_aes_cbc: \d+ MB\/s decrypt at 64 KiB$/);
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

  describe('stored in run.json', () => {
    it('has no verdict without a stored spec, and evaluates the stored content otherwise', () => {
      const { meta, summary } = boardRun();
      assert.equal(specVerdictOf(meta, summary), undefined);
      assert.deepEqual(verdictWithSpec(summary, undefined), { verdict: summary.verdict, exitCode: summary.exitCode });
      const stored = withSpec(meta, SHIPPED, specContent(loadDriversSpec(SHIPPED)));
      const verdict = specVerdictOf(stored, summary) as SpecVerdict;
      assert.equal(verdict.file, SHIPPED);
      assert.equal(verdict.unmet, 0);
      assert.deepEqual(verdict, evaluateSpec(loadDriversSpec(SHIPPED), summary, meta));
    });

    it('turns an unmet requirement into a failing verdict and exit code 1', () => {
      const { meta, summary } = vectorRun();
      const passing = summarize(meta, fixtureLines().map((line): ResultLine => (line.kind === 'tally' ? { ...line, failed: 0, failures: [] } : line)));
      assert.equal(passing.exitCode, 0);
      const verdict = specVerdictOf(withSpec(meta, FAILING), passing) as SpecVerdict;
      assert.deepEqual(verdictWithSpec(passing, verdict), { verdict: 'fail', exitCode: 1 });
      const met = specVerdictOf(withSpec(meta, '/s.json', { name: 's', requirements: [{ id: 'a', kind: 'served-by', algorithm: 'cbc(aes)', driver: '*-aesni' }] }), passing);
      assert.deepEqual(verdictWithSpec(passing, met), { verdict: 'pass', exitCode: 0 });
      assert.deepEqual(verdictWithSpec(summary, met), { verdict: 'fail', exitCode: 1 });
    });

    it('reports stored content that no longer validates as one unmet requirement naming the field', () => {
      const { meta, summary } = vectorRun();
      const verdict = specVerdictOf(withSpec(meta, '/specs/x.json', { name: 'x', requirements: [{ id: 'a', kind: 'served-by', algorithm: 'cbc(aes)' }] }), summary) as SpecVerdict;
      assert.equal(verdict.spec, 'x');
      assert.deepEqual(verdict.results, [
        { id: 'spec', kind: 'invalid-spec', requirement: 'the drivers-spec stored in run.json is valid', met: false, evidence: "/specs/x.json: missing field '/requirements/0/driver'" },
      ]);
      assert.equal(verdict.unmet, 1);
    });
  });

  describe('in the reports', () => {
    const failingRun = (): { meta: RunMeta; summary: RunSummary } => {
      const { meta, summary } = boardRun();
      return { meta: withSpec(meta, FAILING), summary };
    };

    it('adds nothing without a spec', () => {
      const { meta, summary } = boardRun();
      assert.ok(!renderMarkdown(runReportOf(meta, summary)).includes('drivers-spec'));
      assert.ok(!renderHtml(runReportOf(meta, summary)).includes('id="spec"'));
      assert.ok(!renderJunit(runReportOf(meta, summary)).includes('drivers-spec'));
      assert.ok(!renderRunTerminal(runReportOf(meta, summary)).includes('drivers-spec'));
    });

    it('markdown: a Qualification section with the count, each requirement, ✔/✘, evidence and why', () => {
      const { meta, summary } = failingRun();
      const md = renderMarkdown(runReportOf(meta, summary));
      assert.ok(md.includes('## Qualification (drivers-spec)\n'));
      assert.ok(md.includes('**0 of 2 requirements met.** 2 requirements are not met: the run fails.'));
      assert.ok(md.includes('| Requirement | Met | Evidence | Why |'));
      assert.ok(
        md.includes(
          '| **cbc-aes-served-by-virtio**: the generic name cbc(aes) is served by a driver matching virtio_crypto_\\* | ✘ | served by cbc-aes-aesni (priority 400); matching but not selected: virtio_crypto_aes_cbc (priority 150) | the product offloads',
        ),
        md,
      );
      assert.ok(md.indexOf('## Qualification') < md.indexOf('## Priority selection'));
      assert.match(md, /drivers-spec qemu-x86_64-fails: 0 of 2 requirements met\./);
    });

    it('html: #spec with the badge and the table, a link from the verdict, exit code 1', () => {
      const { meta, summary } = failingRun();
      const html = renderHtml(runReportOf(meta, summary));
      assert.match(html, /<section id="spec">\n<h2>Qualification \(drivers-spec\)<\/h2>/);
      assert.match(html, /<span id="spec-badge" class="badge big spec-badge spec-unmet">0 of 2 requirements met<\/span>/);
      assert.match(html, /<thead><tr><th>Requirement<\/th><th>Met<\/th><th>Evidence<\/th><th>Why<\/th><\/tr><\/thead>/);
      assert.match(html, /<tr class="req-unmet"><td><span class="mono">sha256-priority-300<\/span><br>the driver serving sha256 has priority ≥ 300<\/td><td class="req-state"><span class="bad" title="not met">✘<\/span><\/td><td>served by sha256-avx2 \(priority 170\), below 300<\/td><td>a hardware SHA-256/);
      assert.match(html, /<a href="#spec">Qualification<\/a>/);
      assert.match(html, /drivers-spec <strong>qemu-x86_64-fails<\/strong>: <a href="#spec">0 of 2 requirements met<\/a>/);
      assert.match(html, /Exit code <strong>1<\/strong>: fail: 1 critical priority verdict, 2 unmet requirements of drivers-spec qemu-x86_64-fails\./);
    });

    it('junit: a drivers-spec suite, one case per requirement, an unmet one failing with its evidence', () => {
      const { meta, summary } = failingRun();
      const xml = renderJunit(runReportOf(meta, summary));
      assert.match(xml, /<testsuite name="drivers-spec" tests="2" failures="2" skipped="0"/);
      assert.match(
        xml,
        /<testcase name="sha256-priority-300" classname="drivers-spec\.qemu-x86_64-fails">\n {6}<failure message="served by sha256-avx2 \(priority 170\), below 300" type="requirement-unmet">requirement: the driver serving sha256 has priority ≥ 300\nevidence: served by sha256-avx2 \(priority 170\), below 300\nwhy: a hardware/,
      );
      assert.ok(xml.indexOf('name="drivers-spec"') < xml.indexOf('<testsuite name="run"'));
    });

    it('terminal: a short section before the verdict line, which counts the unmet requirements', () => {
      const { meta, summary } = failingRun();
      const text = renderRunTerminal(runReportOf(meta, summary));
      const lines = text.split('\n');
      const start = lines.indexOf(`drivers-spec qemu-x86_64-fails: 0 of 2 requirements met (${FAILING})`);
      assert.ok(start > 0, text);
      assert.deepEqual(lines.slice(start + 1, start + 4), [
        '  ✘ cbc-aes-served-by-virtio: the generic name cbc(aes) is served by a driver matching virtio_crypto_*',
        '      found: served by cbc-aes-aesni (priority 400); matching but not selected: virtio_crypto_aes_cbc (priority 150)',
        `      why:   ${(loadDriversSpec(FAILING).requirements[0] as Requirement).why}`,
      ]);
      assert.match(lines.at(-2) ?? '', /^FAIL: .*; 1 critical priority verdict, 2 unmet drivers-spec requirements$/);
      const met = renderRunTerminal(runReportOf(withSpec(boardRun().meta, SHIPPED), summary));
      assert.ok(met.includes('drivers-spec qemu-x86_64: 8 of 8 requirements met'));
      assert.ok(met.includes('  ✔ cbc-aes-served-by-aesni: served by cbc-aes-aesni (priority 400)\n'));
    });

    it('a run that passes but misses a requirement says FAIL everywhere', () => {
      const meta = withSpec(fixtureMeta(), FAILING);
      const summary = summarize(meta, fixtureLines().map((line): ResultLine => (line.kind === 'tally' ? { ...line, failed: 0, failures: [] } : line)));
      assert.equal(summary.verdict, 'pass');
      assert.match(renderRunTerminal(runReportOf(meta, summary)).split('\n').at(-2) ?? '', /^FAIL: .*; 2 unmet drivers-spec requirements$/);
      assert.ok(renderMarkdown(runReportOf(meta, summary)).includes('**Verdict: FAIL.**'));
      const html = renderHtml(runReportOf(meta, summary));
      assert.match(html, /<div id="verdict" class="verdict verdict-fail">/);
      assert.match(html, /Exit code <strong>1<\/strong>: fail: 2 unmet requirements of drivers-spec qemu-x86_64-fails\./);
      assert.match(html, /<body class="verdict-is-fail">/);
    });
  });
});
