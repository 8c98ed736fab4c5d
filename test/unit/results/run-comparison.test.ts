import assert from 'node:assert/strict';
import { readRunReport } from '../../../harness/results/run-report.js';
import { changeSentence, compareRuns, runVerdictText, type RunComparison } from '../../../harness/results/run-comparison.js';
import { useTempDir } from '../../support/temp-dir.js';
import { GENERIC_C, VAES, VIRTIO, kernel61, kernel72, writeKernelRuns } from './comparison-fixture.js';
import { writeRun } from './run-fixture.js';

describe('results/run-comparison', () => {
  const temp = useTempDir('run-comparison-');
  let comparison: RunComparison;

  before(() => {
    comparison = compareRuns(writeKernelRuns(temp.path).map((dir) => readRunReport(dir)));
  });

  it('labels each run by board and kernel', () => {
    assert.deepEqual(comparison.runs.map((run) => run.label), ['qemu-x86_64 6.8.0-51-generic', 'qemu-x86_64 6.12.38+deb13-amd64']);
    assert.deepEqual(comparison.runs.map((run) => run.verdict), ['fail', 'fail']);
    assert.deepEqual(comparison.runs.map(runVerdictText), ['fail: 1 failed execution', 'fail: 1 failed execution']);
  });

  it('lists what changed from one kernel to the next, the binding first, then drivers by priority', () => {
    assert.deepEqual(
      comparison.changes.map((change) => changeSentence(change)),
      [
        `cbc(aes): the generic name binds ${VAES}, was cbc-aes-aesni`,
        `${VAES} (cbc(aes)) appeared, priority 600`,
        'cbc(aes-aesni) (cbc(aes)): priority 300 → 200',
        `${VIRTIO} (cbc(aes)) vanished (was priority 150)`,
        `${GENERIC_C} (cbc(aes)): vectors pass → fail (1)`,
        `${GENERIC_C} (cbc(aes)): ${comparison.changes.at(-1)?.before} → ${comparison.changes.at(-1)?.after} at 4 KiB`,
      ],
    );
    const throughput = comparison.changes.at(-1);
    assert.equal(throughput?.kind, 'throughput');
    const [before, after] = [throughput?.before, throughput?.after].map((text) => Number.parseFloat(text ?? ''));
    assert.ok(Math.abs((before as number) / (after as number) - 2) < 0.05, `halved: ${throughput?.before} → ${throughput?.after}`);
  });

  it('keeps every driver of either kernel in one table, absent where the kernel lacks it', () => {
    const aes = comparison.algorithms.find((entry) => entry.algorithm === 'cbc(aes)');
    assert.deepEqual(aes?.drivers.map((driver) => driver.driver), [VAES, 'cbc-aes-aesni', 'cbc(aes-aesni)', VIRTIO, GENERIC_C]);
    const virtio = aes?.drivers.find((driver) => driver.driver === VIRTIO);
    assert.equal(virtio?.runs[0]?.verdict, 'fail');
    assert.equal(virtio?.runs[1], undefined);
    assert.equal(aes?.drivers[0]?.runs[1]?.verdict, 'not run');
    assert.deepEqual(aes?.generic.map((cell) => cell?.bound), ['cbc-aes-aesni', VAES]);
    assert.equal(aes?.afalgType, 'skcipher');
  });

  it('finds no change between a run and itself, and numbers identical labels', () => {
    const [dir] = writeKernelRuns(`${temp.path}/again`);
    const same = compareRuns([readRunReport(dir), readRunReport(dir)]);
    assert.deepEqual(same.changes, []);
    assert.deepEqual(same.runs.map((run) => run.label), ['qemu-x86_64 6.8.0-51-generic #1', 'qemu-x86_64 6.8.0-51-generic #2']);
  });

  it('a driver AF_ALG no longer reaches on the later kernel is one reach change, its cell saying why', () => {
    const before = kernel61();
    const after = kernel72();
    const dirs = [writeRun(`${temp.path}/reach-6.1`, before.meta, before.lines), writeRun(`${temp.path}/reach-7.2`, after.meta, after.lines)];
    const reach = compareRuns(dirs.map((dir) => readRunReport(dir)));
    const virtio = reach.algorithms.find((entry) => entry.algorithm === 'cbc(aes)')?.drivers.find((driver) => driver.driver === VIRTIO);
    assert.deepEqual(virtio?.runs.map((run) => [run?.verdict, run?.unreachable]), [['fail', undefined], ['not run', 'async']]);
    assert.deepEqual(reach.changes.map(changeSentence), [`${VIRTIO} (cbc(aes)): through AF_ALG reachable → unreachable (async)`]);
  });
});
