/**
 * `afalg-harness run` on the qemu-x86_64 guest, as a user runs it: real vectors through every
 * driver of the real kernel; a vector file with one expected byte changed (never a mocked kernel)
 * must be reported with its tcId and strategy; a guest that dies mid-run leaves a partial run.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, qemuPids } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { vectorPath, vectorsDir } from '../unit/vectors/vectors-dir.js';
import { readRun } from '../../harness/results/results-reader.js';
import { summarize } from '../../harness/results/summary.js';
import { projectRoot } from '../../harness/core/paths.js';
import type { TallyLine } from '../../harness/results/result-model.js';

function tallies(dir: string): TallyLine[] {
  return readRun(dir).lines.filter((line): line is TallyLine => line.kind === 'tally');
}

/** A vectors folder of links to the real one, with some Wycheproof files replaced. */
function vectorsVariant(root: string, replace: Record<string, (data: Record<string, unknown>) => void>): string {
  const dir = path.join(root, 'vectors');
  const tests = path.join(dir, 'wycheproof', 'testvectors_v1');
  fs.mkdirSync(tests, { recursive: true });
  fs.symlinkSync(vectorPath('wycheproof', 'schemas'), path.join(dir, 'wycheproof', 'schemas'));
  fs.symlinkSync(vectorPath('wycheproof', 'SOURCE.txt'), path.join(dir, 'wycheproof', 'SOURCE.txt'));
  for (const name of fs.readdirSync(vectorPath('wycheproof', 'testvectors_v1'))) {
    const original = vectorPath('wycheproof', 'testvectors_v1', name);
    const change = replace[name];
    if (!change) {
      fs.symlinkSync(original, path.join(tests, name));
      continue;
    }
    const data = JSON.parse(fs.readFileSync(original, 'utf8')) as Record<string, unknown>;
    change(data);
    fs.writeFileSync(path.join(tests, name), JSON.stringify(data));
  }
  return dir;
}

interface GcmTest {
  tcId: number;
  iv: string;
  msg: string;
  ct: string;
  result: string;
}

describe('afalg-harness run on qemu-x86_64', function () {
  this.timeout(300_000);
  const tmp = useTempDir('afalg-run-');

  it('an unknown --alg: the list of known names, exit 2, nothing booted', async () => {
    const result = await runCli(['run', '--board', 'qemu-x86_64', '--alg', 'cbc(aez)', '--vectors', vectorsDir, '--out', path.join(tmp.path, 'unknown')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^afalg-harness: --alg: unknown algorithm 'cbc\(aez\)'; known: md5, sha1, .*cbc\(aes\), /m);
    assert.doesNotMatch(result.stderr, /starting qemu/);
  });

  it('every driver of each algorithm, by unique name and by the generic name, passes real vectors under every strategy', async () => {
    const out = path.join(tmp.path, 'green');
    const algs = ['cbc(aes)', 'ccm(aes)', 'rfc4106(gcm(aes))', 'hmac(sha256)', 'cmac(aes)', 'sha1', 'xts(aes)'];
    const result = await runCli(['run', '--board', 'qemu-x86_64', '--vectors', vectorsDir, '--out', out, ...algs.flatMap((alg) => ['--alg', alg])]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const { meta, lines } = readRun(out);
    assert.equal(meta.complete, true);
    assert.match(meta.target.kernelRelease, /^6\.1\./);
    assert.match(meta.procCrypto, /driver\s+: virtio_crypto_aes_cbc/);
    const summary = summarize(meta, lines);
    assert.equal(summary.totals.failed, 0);
    for (const alg of algs) {
      const rows = summary.rows.filter((row) => row.algorithm === alg);
      assert.ok(rows.length >= 2, `${alg}: the generic row and at least one driver`);
      for (const row of rows) assert.ok(row.passed > 0 && row.failed === 0, `${alg} ${row.target}: ${row.passed} passed, ${row.failed} failed`);
      assert.ok(rows.some((row) => row.generic && row.boundDriver), `${alg}: generic row names the driver it bound`);
    }
    const cbcTargets = new Set(tallies(out).filter((line) => line.algorithm === 'cbc(aes)').map((line) => line.target));
    for (const driver of ['cbc(aes)', 'cbc-aes-aesni', 'cbc(aes-generic)', 'virtio_crypto_aes_cbc']) assert.ok(cbcTargets.has(driver), driver);
    const strategies = new Set(tallies(out).filter((line) => line.target === 'virtio_crypto_aes_cbc').map((line) => line.strategy));
    // cbc hands back its IV: a message continued over several requests (chained) too; a cipher runs with a decoy in flight (concurrent)
    assert.deepEqual([...strategies].sort(), ['chained', 'chunks', 'concurrent', 'inplace', 'oneshot', 'page-cross', 'zerocopy']);
    const xtsStrategies = new Set(tallies(out).filter((line) => line.algorithm === 'xts(aes)').map((line) => line.strategy));
    assert.ok(!xtsStrategies.has('chained'), 'xts has no output IV to continue from');
    // the Wycheproof invalid key sizes of cmac(aes) were sent and refused by setkey: counted as passes
    assert.ok(tallies(out).some((line) => line.algorithm === 'cmac(aes)' && line.source.endsWith('aes_cmac_test.json') && line.passed > 0));
    for (const file of ['junit.xml', 'summary.md']) assert.ok(fs.existsSync(path.join(out, file)), file);
    assert.match(result.stdout, /virtio_crypto_aes_cbc/);

    const again = await runCli(['report', out]);
    assert.equal(again.code, 0);
    assert.equal(again.stdout, result.stdout.replace(/\x1b\[[0-9;]*m/g, ''));
  });

  it('a changed expected byte is reported with its tcId and strategy on every driver; an unusable file is listed and the run goes on', async () => {
    const gcmFile = vectorPath('wycheproof', 'testvectors_v1', 'aes_gcm_test.json');
    const gcm = JSON.parse(fs.readFileSync(gcmFile, 'utf8')) as { testGroups: Array<{ tests: GcmTest[] }> };
    const victim = gcm.testGroups.flatMap((group) => group.tests).find((test) => test.result === 'valid' && test.iv.length === 24 && test.msg.length > 0);
    assert.ok(victim);
    const variant = vectorsVariant(tmp.path, {
      'aes_gcm_test.json': (data) => {
        for (const group of (data as unknown as typeof gcm).testGroups) {
          for (const test of group.tests) {
            if (test.tcId === victim.tcId) test.ct = ((parseInt(test.ct.slice(0, 2), 16) ^ 0x01).toString(16).padStart(2, '0') + test.ct.slice(2));
          }
        }
      },
      'aes_ccm_test.json': (data) => {
        ((data.testGroups as Array<{ tests: Array<Record<string, unknown>> }>)[0]?.tests[0] as Record<string, unknown>).tcId = 'one';
      },
    });
    const out = path.join(tmp.path, 'mutated');
    const result = await runCli(['run', '--board', 'qemu-x86_64', '--vectors', variant, '--out', out, '--alg', 'gcm(aes)', '--alg', 'ccm(aes)', '--differential', '16', '--seed', 'mutated-run']);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /unusable vector file: .*aes_ccm_test\.json: .*\/testGroups\/0\/tests\/0\/tcId/);
    const { meta, lines } = readRun(out);
    assert.equal(meta.complete, true);
    assert.ok(lines.some((line) => line.kind === 'unusable' && line.source.endsWith('aes_ccm_test.json')));
    const gcmLines = tallies(out).filter((line) => line.algorithm === 'gcm(aes)' && line.source.endsWith('aes_gcm_test.json'));
    const targets = new Set(gcmLines.map((line) => line.target));
    assert.ok(targets.size >= 4, [...targets].join(', '));
    // a source's cases may span several requests: gather the failures per target × strategy
    const failuresOf = new Map<string, TallyLine['failures']>();
    for (const line of gcmLines) {
      const key = `${line.target} [${line.strategy}]`;
      failuresOf.set(key, [...(failuresOf.get(key) ?? []), ...line.failures]);
    }
    // gcm: every strategy but chained (it has no IV to hand back); concurrent runs on a sample of the file, the victim maybe not in it
    assert.equal(failuresOf.size, targets.size * 6);
    for (const [key, failures] of failuresOf) {
      if (key.endsWith('[concurrent]')) continue;
      const ids = failures.map((failure) => failure.case).sort();
      assert.deepEqual(ids, [`tcId ${victim.tcId} decrypt`, `tcId ${victim.tcId} encrypt`], key);
      const encrypt = failures.find((failure) => failure.case.endsWith('encrypt'));
      assert.ok(key.endsWith(`[${encrypt?.strategy}]`));
      assert.equal(encrypt?.got?.slice(2), encrypt?.expected?.slice(2), 'only the first byte differs');
      assert.equal(failures.find((failure) => failure.case.endsWith('decrypt'))?.error, 'EBADMSG');
    }
    // ccm still ran from its NIST-free remainder? No: only Wycheproof here, and its one file is unusable
    assert.ok(!tallies(out).some((line) => line.algorithm === 'ccm(aes)' && line.source.endsWith('aes_ccm_test.json')));
    // differential cases ran through every gcm driver against the software reference, and agreed
    const differential = tallies(out).filter((line) => line.algorithm === 'gcm(aes)' && line.source === 'differential');
    assert.ok(differential.length >= 4 * 4);
    assert.ok(differential.every((line) => line.failed === 0 && line.passed > 0));
    const markdown = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
    assert.match(markdown, new RegExp(`tcId ${victim.tcId} encrypt`));
    assert.match(fs.readFileSync(path.join(out, 'junit.xml'), 'utf8'), new RegExp(`tcId ${victim.tcId} encrypt`));
  });

  it('a drivers-spec the board does not meet: exit 1, each unmet requirement with its evidence and why, in every report', async () => {
    const out = path.join(tmp.path, 'spec-fails');
    const spec = path.join(projectRoot, 'test', 'fixtures', 'specs', 'qemu-x86_64-fails.json');
    const result = await runCli(['run', '--board', 'qemu-x86_64', '--vectors', vectorsDir, '--out', out, '--alg', 'cbc(aes)', 'sha256', '--strategies', 'oneshot', '--spec', spec]);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(summarize(readRun(out).meta, readRun(out).lines).totals.failed, 0, 'every vector passes: only the spec fails');
    assert.match(result.stdout, /✘ cbc-aes-served-by-virtio: [^\n]*\n\s+found: served by cbc-aes-aesni \(priority 400\)[^\n]*\n\s+why: /);
    assert.match(result.stdout, /✘ sha256-priority-300: [^\n]*\n\s+found: served by sha256-avx2 \(priority 170\), below 300/);
    assert.match(result.stdout, /FAIL: .* 0 failed, .*; 2 unmet drivers-spec requirements/);
    for (const file of ['summary.md', 'report.html', 'junit.xml']) assert.match(fs.readFileSync(path.join(out, file), 'utf8'), /served by cbc-aes-aesni/, file);
  });

  it('a guest that dies mid-run: everything gathered stays, run.json says complete: false and why, exit 3', async () => {
    const out = path.join(tmp.path, 'killed');
    let killed = false;
    const watcher = setInterval(() => {
      const results = path.join(out, 'results.jsonl');
      if (killed || !fs.existsSync(results) || !fs.readFileSync(results, 'utf8').includes('"kind":"tally"')) return;
      for (const pid of qemuPids('afalg-qemu-')) process.kill(pid, 'SIGKILL');
      killed = true;
    }, 200);
    const result = await runCli(['run', '--board', 'qemu-x86_64', '--vectors', vectorsDir, '--out', out, '--alg', 'gcm(aes)']);
    clearInterval(watcher);
    assert.ok(killed, 'the guest was killed mid-run');
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /run cut short: gcm\(aes\) .*the agent link closed/);
    const { meta, lines } = readRun(out);
    assert.equal(meta.complete, false);
    assert.match(meta.incompleteReason ?? '', /agent link closed/);
    assert.ok(lines.filter((line) => line.kind === 'tally').length > 0);
    assert.ok(lines.some((line) => line.kind === 'incident'));
    const report = await runCli(['report', out]);
    assert.equal(report.code, 1);
    assert.match(report.stdout, /PARTIAL/);
    assert.deepEqual(qemuPids('afalg-qemu-'), []);

    // --resume: a new guest, the same plan; what was done is skipped, the rest runs, nothing counted twice
    const doneBefore = lines.filter((line) => line.kind === 'done').length;
    assert.ok(doneBefore > 0);
    const resumed = await runCli(['run', '--resume', out]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`resuming ${out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ${doneBefore} requests .* already done \\(stopped: .*agent link closed`));
    const after = readRun(out);
    assert.equal(after.meta.complete, true);
    assert.equal(after.meta.resumed?.length, 1);
    const batches = after.lines.filter((line) => line.kind === 'done').map((line) => (line.kind === 'done' ? line.batch : ''));
    assert.equal(new Set(batches).size, batches.length, 'a batch ran twice');
    assert.equal(batches.length, after.meta.planned.batches);
    const summary = summarize(after.meta, after.lines);
    assert.equal(summary.verdict, 'pass');
    assert.equal(summary.recovered.length, 1);
    assert.equal(summary.incidents.length, 0);
    // every target ran every planned execution once: the same count as the planned total
    assert.equal(summary.totals.passed + summary.totals.failed, after.meta.planned.executions);
  });
});
