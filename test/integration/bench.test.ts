/**
 * `afalg-harness bench` on the qemu-x86_64 guest, as a user runs it: every cbc(aes) driver
 * (virtio-crypto included) and the generic name measured by the agent's own loop over both data
 * paths and by the C reference loop, tcrypt beside them, verdicts and reports rendered; the HTML
 * report opened in headless Chromium with its charts drawn. Figures are real: nothing here asserts a
 * speed, only that every measurement exists and is a rate.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { openInChromium } from '../support/chromium.js';
import { readRun } from '../../harness/results/results-reader.js';
import { summarize } from '../../harness/results/summary.js';
import type { BenchLine, TcryptLine } from '../../harness/results/result-model.js';

const CBC_DRIVERS = ['cbc(aes)', 'cbc-aes-aesni', 'cbc(aes-aesni)', 'virtio_crypto_aes_cbc', 'cbc(aes-generic)'];

describe('afalg-harness bench on qemu-x86_64', function () {
  this.timeout(300_000);
  const tmp = useTempDir('afalg-bench-it-');
  let out: string;
  let code: number | null;
  let stderr: string;

  before(async () => {
    out = path.join(tmp.path, 'run');
    // tcrypt with sec=0 (cycle counts) keeps mode 500 at ~1 s; sec=1 takes ~6 minutes under TCG
    const result = await runCli(['bench', '--board', 'qemu-x86_64', '--alg', 'cbc(aes)', '--sizes', '64,4096', '--seconds', '0.15', '--repetitions', '3', '--tcrypt-sec', '0', '--out', out]);
    code = result.code;
    stderr = result.stderr;
    process.stdout.write(result.stdout.split('\n').filter((line) => /throughput|cbc|goal|harness\/C|tcrypt/.test(line)).map((line) => `      | ${line}\n`).join(''));
  });

  it('exits 0: every measurement taken, no critical verdict for cbc(aes)', () => {
    assert.equal(code, 0, stderr);
    assert.match(stderr, /C reference loop: \/.*afalg-speed-x86_64-/);
  });

  it('measures every cbc(aes) driver and the generic name, both operations, both paths, and the C loop', () => {
    const lines = readRun(out).lines.filter((line): line is BenchLine => line.kind === 'bench');
    for (const target of CBC_DRIVERS) {
      for (const op of ['encrypt', 'decrypt'] as const) {
        for (const [engine, pathName] of [
          ['agent', 'copy'],
          ['agent', 'zerocopy'],
          ['c-reference', 'copy'],
        ] as const) {
          const line = lines.find((l) => l.target === target && l.op === op && l.engine === engine && l.path === pathName);
          assert.ok(line, `${target} ${op} ${engine} ${pathName} missing`);
          assert.deepEqual(
            line.points.map((point) => point.size),
            [64, 4096],
          );
          assert.ok(line.seconds !== undefined && line.seconds > 0, "the request's wall time is recorded");
          for (const point of line.points) {
            // adaptive: at least --repetitions, at most the default maximum, and why it stopped
            assert.ok(point.repetitions.length >= 3 && point.repetitions.length <= 10, `${point.repetitions.length} repetitions`);
            assert.ok(point.stopped !== undefined, 'adaptive points say why they stopped');
            for (const repetition of point.repetitions) assert.ok(repetition.ops > 0 && repetition.ns >= 100_000_000 * 0.5, JSON.stringify(repetition)); // the loop runs until the clock reaches its deadline: ns may equal it
          }
        }
      }
    }
    assert.equal(lines.find((line) => line.generic)?.boundDriver, 'cbc-aes-aesni');
  });

  it("records tcrypt's figures for the same drivers from the guest kernel's log", () => {
    const tcrypt = readRun(out).lines.filter((line): line is TcryptLine => line.kind === 'tcrypt');
    // cycle counts run twice (the best figure is the ceiling); only cbc(aes)'s figures of mode 500 are kept
    assert.equal(tcrypt.length, 2);
    for (const line of tcrypt) {
      assert.deepEqual(line.params, ['mode=500', 'sec=0']);
      assert.equal(line.error, undefined);
      assert.ok(line.figures.every((figure) => figure.algorithm === 'cbc(aes)'));
      assert.ok((line.cycleHz ?? 0) > 1e8, "the TSC's rate from the guest's boot log");
      const figure = line.figures.find((one) => one.driver === 'cbc-aes-aesni' && one.op === 'decrypt' && one.size === 4096 && one.keyBits === 128);
      assert.ok(figure && (figure.cycles ?? 0) > 0 && Math.abs((figure.opsPerSecond ?? 0) - (line.cycleHz ?? 0) / (figure.cycles ?? 1)) < 1, JSON.stringify(figure));
    }
  });

  it('summarises ratios to the C loop and the verdicts; the info verdict names the unselected virtio accelerator', () => {
    const { meta, lines } = readRun(out);
    const summary = summarize(meta, lines);
    const at4k = summary.bench?.comparisons.filter((row) => row.size === 4096) ?? [];
    assert.equal(at4k.length, CBC_DRIVERS.length * 2);
    for (const row of at4k) assert.ok((row.harnessOverC ?? 0) > 0, `${row.target} ${row.op}`);
    assert.ok(summary.verdicts.some((verdict) => verdict.severity === 'info' && verdict.drivers[0] === 'virtio_crypto_aes_cbc'));
    assert.equal(summary.verdictCounts.critical, 0);
  });

  it('writes a self-contained HTML report that opens in headless Chromium with no errors and the charts drawn', async () => {
    const html = path.join(out, 'report.html');
    assert.ok(fs.existsSync(html));
    const screenshot = path.join(out, 'report.png');
    const page = await openInChromium(html, screenshot);
    try {
      assert.deepEqual(page.consoleErrors, []);
      assert.deepEqual(page.pageErrors, []);
      assert.deepEqual(page.failedRequests, []);
      assert.ok((await page.count('.chart svg')) >= 2);
      assert.ok((await page.count('.chart svg path')) > 10);
      assert.equal(await page.count('#priorities'), 1);
    } finally {
      await page.close();
    }
    assert.ok(fs.statSync(screenshot).size > 10_000);
    // a CI artifact: keep the screenshot and the report where CI collects them
    const artifacts = process.env.AFALG_ARTIFACTS;
    if (artifacts) {
      fs.mkdirSync(artifacts, { recursive: true });
      fs.copyFileSync(screenshot, path.join(artifacts, 'bench-report.png'));
      fs.copyFileSync(html, path.join(artifacts, 'bench-report.html'));
    }
  });
});
