import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../../../harness/errors.js';
import { fileReporterNames, reporters, writeReports } from '../../../reports/reporters.js';
import { useTempDir } from '../../support/temp-dir.js';
import { fixtureLines, fixtureMeta, writeRun } from '../results/run-fixture.js';
import { benchMeta, benchRunLines } from './fixture-bench.js';

describe('reports/reporters', () => {
  const tmp = useTempDir('afalg-reporters-');

  it('names terminal, junit, markdown and html; the last three write files', () => {
    assert.deepEqual([...reporters.keys()], ['terminal', 'junit', 'markdown', 'html']);
    assert.deepEqual(fileReporterNames(), ['junit', 'markdown', 'html']);
    assert.equal(reporters.get('junit')?.file, 'junit.xml');
    assert.equal(reporters.get('markdown')?.file, 'summary.md');
    assert.equal(reporters.get('html')?.file, 'report.html');
    assert.equal(reporters.get('terminal')?.file, undefined);
  });

  it('reads the run and writes every file reporter into the run directory', () => {
    const cut = JSON.stringify(fixtureLines()[2]).slice(0, 30);
    const dir = writeRun(path.join(tmp.path, 'run'), fixtureMeta({ complete: false, incompleteReason: 'killed' }), fixtureLines(), cut);
    const { summary, meta, written } = writeReports(dir);
    assert.deepEqual(written, [path.join(dir, 'junit.xml'), path.join(dir, 'summary.md'), path.join(dir, 'report.html')]);
    assert.equal(meta.runId, fixtureMeta().runId);
    assert.deepEqual([summary.verdict, summary.exitCode, summary.damagedLines], ['fail', 1, 1]);
    assert.match(fs.readFileSync(path.join(dir, 'summary.md'), 'utf8'), /\| cbc\(aes\) \| virtio_crypto_aes_cbc \| 150 \|/);
    assert.match(fs.readFileSync(path.join(dir, 'junit.xml'), 'utf8'), /<testcase name="run-complete" classname="run">/);
    assert.match(fs.readFileSync(path.join(dir, 'report.html'), 'utf8'), /<span id="completion" class="badge big partial">PARTIAL<\/span>/);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['junit.xml', 'report.html', 'results.jsonl', 'run.json', 'summary.md']);
  });

  it('writes only the reporters asked for, and rejects unknown names before reading anything', () => {
    const dir = writeRun(path.join(tmp.path, 'only'), fixtureMeta(), fixtureLines());
    assert.deepEqual(writeReports(dir, ['markdown', 'terminal']).written, [path.join(dir, 'summary.md')]);
    assert.throws(() => writeReports(path.join(tmp.path, 'nowhere'), ['pdf']), (error: Error) => error instanceof BadInputError && error.message === "unknown reporter 'pdf'; known: terminal, junit, markdown, html");
  });

  it('writes the chart files summary.md links to, under charts/, atomically, and lists them', () => {
    const dir = writeRun(path.join(tmp.path, 'bench'), benchMeta(), benchRunLines());
    const { written } = writeReports(dir, ['markdown']);
    const charts = ['cbc-aes-encrypt.svg', 'cbc-aes-encrypt-bar.svg', 'cbc-aes-decrypt.svg', 'cbc-aes-decrypt-bar.svg', 'sha256-digest.svg', 'sha256-digest-bar.svg'];
    assert.deepEqual(written, [path.join(dir, 'summary.md'), ...charts.map((file) => path.join(dir, 'charts', file))]);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'charts')).sort(), [...charts].sort(), 'no temporary file left');
    const md = fs.readFileSync(path.join(dir, 'summary.md'), 'utf8');
    for (const file of charts) {
      assert.ok(md.includes(`(charts/${file})`), `summary.md links ${file}`);
      assert.match(fs.readFileSync(path.join(dir, 'charts', file), 'utf8'), /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    }
    // written again: replaced in place
    assert.deepEqual(writeReports(dir, ['markdown']).written, written);
  });

  it('refuses an extra file that would land outside the run directory', () => {
    const dir = writeRun(path.join(tmp.path, 'escape'), fixtureMeta(), fixtureLines());
    const reporter = { name: 'evil', file: 'evil.txt', render: () => 'x', extraFiles: () => [{ file: '../outside.txt', content: 'x' }] };
    (reporters as Map<string, typeof reporter>).set('evil', reporter);
    try {
      assert.throws(() => writeReports(dir, ['evil']), (error: Error) => error instanceof BadInputError && /not a path inside the run directory/.test(error.message));
      assert.ok(!fs.existsSync(path.join(tmp.path, 'outside.txt')));
    } finally {
      (reporters as Map<string, typeof reporter>).delete('evil');
    }
  });
});
