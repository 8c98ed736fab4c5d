import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../../../harness/errors.js';
import { fileReporterNames, reporters, writeReports } from '../../../reports/reporters.js';
import { useTempDir } from '../../support/temp-dir.js';
import { fixtureLines, fixtureMeta, writeRun } from '../results/run-fixture.js';

describe('reports/reporters', () => {
  const tmp = useTempDir('afalg-reporters-');

  it('names terminal, junit and markdown; the last two write files', () => {
    assert.deepEqual([...reporters.keys()], ['terminal', 'junit', 'markdown']);
    assert.deepEqual(fileReporterNames(), ['junit', 'markdown']);
    assert.equal(reporters.get('junit')?.file, 'junit.xml');
    assert.equal(reporters.get('markdown')?.file, 'summary.md');
    assert.equal(reporters.get('terminal')?.file, undefined);
  });

  it('reads the run and writes every file reporter into the run directory', () => {
    const cut = JSON.stringify(fixtureLines()[2]).slice(0, 30);
    const dir = writeRun(path.join(tmp.path, 'run'), fixtureMeta({ complete: false, incompleteReason: 'killed' }), fixtureLines(), cut);
    const { summary, meta, written } = writeReports(dir);
    assert.deepEqual(written, [path.join(dir, 'junit.xml'), path.join(dir, 'summary.md')]);
    assert.equal(meta.runId, fixtureMeta().runId);
    assert.deepEqual([summary.verdict, summary.exitCode, summary.damagedLines], ['fail', 1, 1]);
    assert.match(fs.readFileSync(path.join(dir, 'summary.md'), 'utf8'), /\| cbc\(aes\) \| virtio_crypto_aes_cbc \| 150 \|/);
    assert.match(fs.readFileSync(path.join(dir, 'junit.xml'), 'utf8'), /<testcase name="run-complete" classname="run">/);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['junit.xml', 'results.jsonl', 'run.json', 'summary.md']);
  });

  it('writes only the reporters asked for, and rejects unknown names before reading anything', () => {
    const dir = writeRun(path.join(tmp.path, 'only'), fixtureMeta(), fixtureLines());
    assert.deepEqual(writeReports(dir, ['markdown', 'terminal']).written, [path.join(dir, 'summary.md')]);
    assert.throws(() => writeReports(path.join(tmp.path, 'nowhere'), ['html']), (error: Error) => error instanceof BadInputError && error.message === "unknown reporter 'html'; known: terminal, junit, markdown");
  });
});
