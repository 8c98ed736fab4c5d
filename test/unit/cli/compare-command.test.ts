import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../../support/cli.js';
import { useTempDir } from '../../support/temp-dir.js';
import { writeKernelRuns } from '../results/comparison-fixture.js';

describe('cli compare', () => {
  const temp = useTempDir('compare-cli-');

  it('prints the comparison and writes the Markdown and HTML files asked for', async () => {
    const dirs = writeKernelRuns(temp.path);
    const md = path.join(temp.path, 'compare.md');
    const html = path.join(temp.path, 'compare.html');
    const run = await runCli(['compare', ...dirs, '--markdown', md, '--html', html]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\[1\] → \[2\]: 6 changes/);
    assert.match(fs.readFileSync(md, 'utf8'), /^# Crypto drivers across 2 runs/);
    assert.match(fs.readFileSync(html, 'utf8'), /^<!DOCTYPE html>/);
  });

  it('one run directory, or one that is not a run: exit 2, one line', async () => {
    const one = await runCli(['compare', temp.path]);
    assert.equal(one.code, 2);
    assert.equal(one.stderr.trim(), 'afalg-harness: compare needs at least two run directories (got 1)');
    const notRun = await runCli(['compare', temp.path, path.join(temp.path, 'nothing')]);
    assert.equal(notRun.code, 2);
    assert.equal(notRun.stderr.trim().split('\n').length, 1, notRun.stderr);
  });
});
