/**
 * A realistic throughput run for the report tests, on top of the vector fixture: cbc(aes) over the
 * generic name (bound to cbc-aes-aesni), AES-NI, virtio-crypto and the generic C driver, encrypt
 * and decrypt, copy and zero-copy paths through the agent plus the C reference loop (copy), sizes
 * 16 B … 64 KiB, five repetitions each; tcrypt's in-kernel figures for cbc-aes-aesni up to 4 KiB;
 * and sha256 digests. The numbers follow a simple cost model (a fixed cost per operation plus the
 * bytes at the driver's peak rate) with a little deterministic noise: virtio-crypto pays a round
 * trip to the host per request, so it is slow on small blocks and the fastest at 64 KiB.
 */
import type { BenchOp, BenchPath, BenchRepetition } from '../../../harness/protocol/messages.js';
import type { BenchLine, ResultLine, TcryptFigure, TcryptLine } from '../../../harness/results/result-model.js';
import type { DiscoveredAlgorithmSummary, RunMeta } from '../../../harness/results/run-record.js';
import { summarize, type RunSummary } from '../../../harness/results/summary.js';
import { fixtureLines, fixtureMeta } from '../results/run-fixture.js';

export const BENCH_SIZES = [16, 64, 256, 1024, 4096, 16384, 65536] as const;
export const REPETITIONS = 5;
export const TCRYPT_SIZES = [16, 64, 256, 1024, 4096] as const;
/** the AES targets measured, generic name first */
export const AES_BENCH_TARGETS = ['cbc(aes)', 'cbc-aes-aesni', 'virtio_crypto_aes_cbc', 'cbc(aes-generic)'] as const;
export const SHA_BENCH_TARGETS = ['sha256', 'sha256-avx2', 'sha256-generic'] as const;

/** per operation: fixed cost (µs) through the agent, and the driver's peak rate (MB/s) per op */
interface CostModel {
  fixedUs: number;
  peak: Partial<Record<BenchOp, number>>;
}

const MODELS: Record<string, CostModel> = {
  'cbc(aes)': { fixedUs: 2.7, peak: { encrypt: 1200, decrypt: 4200 } },
  'cbc-aes-aesni': { fixedUs: 2.5, peak: { encrypt: 1200, decrypt: 4200 } },
  virtio_crypto_aes_cbc: { fixedUs: 12, peak: { encrypt: 6000, decrypt: 12000 } },
  'cbc(aes-generic)': { fixedUs: 2.4, peak: { encrypt: 175, decrypt: 160 } },
  sha256: { fixedUs: 2.2, peak: { digest: 480 } },
  'sha256-avx2': { fixedUs: 2.0, peak: { digest: 480 } },
  'sha256-generic': { fixedUs: 2.0, peak: { digest: 210 } },
};

/** extra fixed cost of a path and an engine: zero-copy splices (dearer per call, no copy), C has no JavaScript */
const PATH_US: Record<BenchPath, number> = { copy: 0, zerocopy: 1.4 };
const PATH_PEAK: Record<BenchPath, number> = { copy: 1, zerocopy: 1.12 };
const C_REFERENCE_US = -0.15;

/** A small deterministic generator (LCG) for the noise between repetitions. */
function noise(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** MB/s of the model at a size. */
export function modelMb(target: string, op: BenchOp, path: BenchPath, engine: 'agent' | 'c-reference', size: number): number {
  const model = MODELS[target];
  const peak = model?.peak[op];
  if (!model || peak === undefined) throw new Error(`no model for ${target} ${op}`);
  const fixed = (model.fixedUs + PATH_US[path] + (engine === 'c-reference' ? C_REFERENCE_US : 0)) * 1e-6;
  const seconds = fixed + size / (peak * PATH_PEAK[path] * 1e6);
  return size / seconds / 1e6;
}

function repetitions(target: string, op: BenchOp, path: BenchPath, engine: 'agent' | 'c-reference', size: number): BenchRepetition[] {
  const random = noise(hash(`${target} ${op} ${path} ${engine} ${size}`));
  const mb = modelMb(target, op, path, engine, size);
  return Array.from({ length: REPETITIONS }, () => {
    const ns = Math.round(200e6 * (1 + (random() - 0.5) * 0.01));
    const rate = ((mb * 1e6) / size) * (1 + (random() - 0.5) * 0.04);
    return { ops: Math.max(1, Math.round((rate * ns) / 1e9)), ns };
  });
}

function benchLine(algorithm: string, target: string, boundDriver: string | undefined, op: BenchOp, path: BenchPath, engine: 'agent' | 'c-reference', keyBytes: number): BenchLine {
  const generic = target === algorithm;
  return {
    kind: 'bench',
    algorithm,
    target,
    generic,
    ...(generic && boundDriver ? { boundDriver } : {}),
    op,
    path,
    engine,
    keyBytes,
    points: BENCH_SIZES.map((size) => ({ size, repetitions: repetitions(target, op, path, engine, size) })),
  };
}

/** cbc(aes) × 4 targets × encrypt/decrypt × (agent copy, agent zero-copy, C copy); sha256 × 3 targets × (agent copy, C copy). */
export function benchLines(): BenchLine[] {
  const lines: BenchLine[] = [];
  for (const target of AES_BENCH_TARGETS) {
    for (const op of ['encrypt', 'decrypt'] as const) {
      lines.push(benchLine('cbc(aes)', target, 'cbc-aes-aesni', op, 'copy', 'agent', 16));
      lines.push(benchLine('cbc(aes)', target, 'cbc-aes-aesni', op, 'zerocopy', 'agent', 16));
      lines.push(benchLine('cbc(aes)', target, 'cbc-aes-aesni', op, 'copy', 'c-reference', 16));
    }
  }
  for (const target of SHA_BENCH_TARGETS) {
    lines.push(benchLine('sha256', target, 'sha256-avx2', 'digest', 'copy', 'agent', 0));
    lines.push(benchLine('sha256', target, 'sha256-avx2', 'digest', 'copy', 'c-reference', 0));
  }
  return lines;
}

/** In-kernel MB/s: no syscall, a fraction of a microsecond of setup per request. */
function tcryptFigure(algorithm: string, driver: string, op: BenchOp, size: number, peak: number, keyBits?: number): TcryptFigure {
  const seconds = 0.12e-6 + size / (peak * 1e6);
  return {
    algorithm,
    driver,
    op,
    ...(keyBits !== undefined ? { keyBits } : {}),
    size,
    opsPerSecond: Math.round(1 / seconds),
    ...(op === 'digest' ? { updateSize: size } : {}),
  };
}

export function tcryptLines(): TcryptLine[] {
  const aes: TcryptFigure[] = [];
  for (const op of ['encrypt', 'decrypt'] as const) {
    const peak = op === 'encrypt' ? 1250 : 4500;
    for (const size of TCRYPT_SIZES) aes.push(tcryptFigure('cbc(aes)', 'cbc-aes-aesni', op, size, peak, 128));
  }
  const sha = [16, 64, 256, 1024, 4096, 8192].map((size) => tcryptFigure('sha256', 'sha256-avx2', 'digest', size, 500));
  return [
    { kind: 'tcrypt', params: ['mode=500', 'sec=1'], seconds: 41.2, figures: aes },
    { kind: 'tcrypt', params: ['mode=304', 'sec=1'], seconds: 18.7, figures: sha },
    { kind: 'tcrypt', params: ['mode=600', 'sec=1'], seconds: 0.4, figures: [], error: 'modprobe: ERROR: could not insert tcrypt: Unknown symbol in module' },
  ];
}

export const SHA256_DISCOVERY: DiscoveredAlgorithmSummary = {
  name: 'sha256',
  afalgType: 'hash',
  bound: 'sha256-avx2',
  drivers: [
    { driver: 'sha256-avx2', priority: 170, selftest: 'passed', module: 'sha256_ssse3', internal: false, bind: 'ok' },
    { driver: 'sha256-ssse3', priority: 150, selftest: 'passed', module: 'sha256_ssse3', internal: false, bind: 'ok' },
    { driver: 'sha256-generic', priority: 100, selftest: 'passed', module: 'kernel', internal: false, bind: 'ok' },
  ],
};

/** The vector fixture's meta with sha256 discovered and the bench settings recorded. */
export function benchMeta(overrides: Partial<RunMeta> = {}): RunMeta {
  const base = fixtureMeta();
  // the AES-NI skcipher and virtio-crypto are async (as on a real kernel): virtio is an accelerator the generic name never picks
  const asyncDrivers = new Set(['cbc-aes-aesni', '__cbc-aes-aesni', 'virtio_crypto_aes_cbc']);
  const discovery = base.discovery.map((algorithm) => ({
    ...algorithm,
    drivers: algorithm.drivers.map((driver) => ({ ...driver, async: asyncDrivers.has(driver.driver) })),
  }));
  return fixtureMeta({
    discovery: [...discovery, SHA256_DISCOVERY],
    settings: {
      ...base.settings,
      bench: { sizes: [...BENCH_SIZES], seconds: 1, repetitions: REPETITIONS, paths: ['copy', 'zerocopy'], tcryptSec: 1, cReference: true },
    },
    cReference: '/usr/libexec/afalg-harness/afalg-bench',
    procCrypto: `${base.procCrypto}\nname         : sha256\ndriver       : sha256-avx2\n`,
    ...overrides,
  });
}

/** The vector fixture's lines followed by the bench and tcrypt lines. */
export function benchRunLines(): ResultLine[] {
  return [...fixtureLines(), ...benchLines(), ...tcryptLines()];
}

export function benchRun(overrides: Partial<RunMeta> = {}, extra: readonly ResultLine[] = []): { meta: RunMeta; lines: ResultLine[]; summary: RunSummary } {
  const meta = benchMeta(overrides);
  const lines = [...benchRunLines(), ...extra];
  return { meta, lines, summary: summarize(meta, lines) };
}
