import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../../../harness/core/errors.js';
import { readRunReport } from '../../../harness/results/run-report.js';
import { DEFAULT_REPORTERS, reporters, writeReports, type Reporter } from '../../../reports/reporters.js';
import { useTempDir } from '../../support/temp-dir.js';
import { fixtureLines, fixtureMeta, writeRun } from '../results/run-fixture.js';
import { benchMeta, benchRunLines } from './fixture-bench.js';

describe('reports/reporters', () => {
  const tmp = useTempDir('afalg-reporters-');

  it('names terminal, junit, markdown, html and json; all but terminal write files', () => {
    assert.deepEqual([...reporters.keys()], ['terminal', 'junit', 'markdown', 'html', 'json']);
    assert.deepEqual(DEFAULT_REPORTERS, ['terminal', 'junit', 'markdown', 'html', 'json']);
    assert.deepEqual(
      [...reporters.values()].map((reporter) => reporter.file),
      [undefined, 'junit.xml', 'summary.md', 'report.html', 'report.json'],
    );
  });

  it('renders one RunReport with every reporter: files into the run directory, the terminal one printed', () => {
    const cut = JSON.stringify(fixtureLines()[2]).slice(0, 30);
    const dir = writeRun(path.join(tmp.path, 'run'), fixtureMeta({ complete: false, incompleteReason: 'killed' }), fixtureLines(), cut);
    const report = readRunReport(dir);
    assert.deepEqual([report.verdict, report.exitCode, report.summary.damagedLines], ['fail', 1, 1]);
    const printed: string[] = [];
    const written = writeReports(report, dir, { print: (text) => printed.push(text) });
    assert.deepEqual(written, ['junit.xml', 'summary.md', 'report.html', 'report.json'].map((file) => path.join(dir, file)));
    assert.equal(printed.length, 1);
    assert.match(printed[0] ?? '', /PARTIAL: killed/);
    assert.match(fs.readFileSync(path.join(dir, 'summary.md'), 'utf8'), /\| cbc\(aes\) \| virtio_crypto_aes_cbc \| 150 \|/);
    assert.match(fs.readFileSync(path.join(dir, 'junit.xml'), 'utf8'), /<testcase name="run-complete" classname="run">/);
    assert.match(fs.readFileSync(path.join(dir, 'report.html'), 'utf8'), /<span id="completion" class="badge big partial">PARTIAL<\/span>/);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as { verdict: string; exitCode: number; reasons: string[]; meta: Record<string, unknown> };
    assert.deepEqual([json.verdict, json.exitCode], ['fail', 1]);
    assert.ok(json.reasons.includes('the run did not finish'), json.reasons.join('; '));
    assert.equal(json.meta.procCrypto, undefined, 'the raw snapshot stays in run.json');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['junit.xml', 'report.html', 'report.json', 'results.jsonl', 'run.json', 'summary.md']);
  });

  it('writes only the reporters asked for, and rejects an unknown name naming the known ones', () => {
    const dir = writeRun(path.join(tmp.path, 'only'), fixtureMeta(), fixtureLines());
    const report = readRunReport(dir);
    const printed: string[] = [];
    assert.deepEqual(writeReports(report, dir, { names: ['markdown', 'terminal'], print: (text) => printed.push(text) }), [path.join(dir, 'summary.md')]);
    assert.equal(printed.length, 1);
    assert.throws(
      () => writeReports(report, dir, { names: ['pdf'] }),
      (error: Error) => error instanceof BadInputError && error.message === "--reporter: unknown reporter 'pdf'; known: terminal, junit, markdown, html, json",
    );
  });

  it('writes the chart files summary.md links to, under charts/, atomically, and lists them', () => {
    const dir = writeRun(path.join(tmp.path, 'bench'), benchMeta(), benchRunLines());
    const written = writeReports(readRunReport(dir), dir, { names: ['markdown'] });
    const charts = ['cbc-aes-encrypt.svg', 'cbc-aes-encrypt-bar.svg', 'cbc-aes-decrypt.svg', 'cbc-aes-decrypt-bar.svg', 'sha256-digest.svg', 'sha256-digest-bar.svg'];
    assert.deepEqual(written, [path.join(dir, 'summary.md'), ...charts.map((file) => path.join(dir, 'charts', file))]);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'charts')).sort(), [...charts].sort(), 'no temporary file left');
    const md = fs.readFileSync(path.join(dir, 'summary.md'), 'utf8');
    for (const file of charts) {
      assert.ok(md.includes(`(charts/${file})`), `summary.md links ${file}`);
      assert.match(fs.readFileSync(path.join(dir, 'charts', file), 'utf8'), /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    }
    // written again: replaced in place
    assert.deepEqual(writeReports(readRunReport(dir), dir, { names: ['markdown'] }), written);
  });

  it('refuses an extra file that would land outside the run directory', () => {
    const dir = writeRun(path.join(tmp.path, 'escape'), fixtureMeta(), fixtureLines());
    const reporter: Reporter = { name: 'evil', describe: 'escapes', file: 'evil.txt', render: () => 'x', extraFiles: () => [{ file: '../outside.txt', content: 'x' }] };
    (reporters as Map<string, Reporter>).set('evil', reporter);
    try {
      assert.throws(() => writeReports(readRunReport(dir), dir, { names: ['evil'] }), (error: Error) => error instanceof BadInputError && /not a path inside the run directory/.test(error.message));
      assert.ok(!fs.existsSync(path.join(tmp.path, 'outside.txt')));
    } finally {
      (reporters as Map<string, Reporter>).delete('evil');
    }
  });
});
