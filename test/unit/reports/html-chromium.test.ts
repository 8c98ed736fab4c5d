import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { writeReports } from '../../../reports/reporters.js';
import { chromiumPath, DEBIAN_CHROMIUM, openInChromium, type OpenedPage } from '../../support/chromium.js';
import { useTempDir } from '../../support/temp-dir.js';
import { writeRun } from '../results/run-fixture.js';
import { benchMeta, benchRunLines } from './fixture-bench.js';
import { readRunReport } from '../../../harness/results/run-report.js';

/**
 * The report as a browser shows it: Debian's Chromium, headless, opens report.html from disk.
 * Without Chromium this fails (the report's promise is that it renders); AFALG_NO_CHROMIUM=1 skips.
 */
describe('reports/html in headless Chromium', function () {
  this.timeout(120_000);
  const tmp = useTempDir('afalg-html-chromium-');
  let page: OpenedPage | undefined;
  let dir = '';

  before(async function () {
    if (process.env.AFALG_NO_CHROMIUM === '1') return this.skip();
    if (chromiumPath() === undefined) {
      assert.fail(
        `Chromium not found at ${DEBIAN_CHROMIUM}: install Debian's chromium (sudo apt-get install chromium), or set CHROMIUM to a Chromium binary; AFALG_NO_CHROMIUM=1 skips this test`,
      );
    }
    dir = writeRun(path.join(tmp.path, 'run'), benchMeta(), benchRunLines());
    const written = writeReports(readRunReport(dir), dir, { names: ['html'] });
    assert.deepEqual(written, [path.join(dir, 'report.html')]);
    page = await openInChromium(path.join(dir, 'report.html'), path.join(dir, 'report.png'));
  });

  after(async () => {
    await page?.close();
  });

  it('loads with no console error, no page error and no request but the file itself', () => {
    assert.ok(page);
    assert.deepEqual(page.consoleErrors, []);
    assert.deepEqual(page.pageErrors, []);
    assert.deepEqual(page.failedRequests, []);
    assert.deepEqual(page.requests, [new URL(`file://${path.join(dir, 'report.html')}`).href]);
  });

  it('draws the charts and has the sections', async () => {
    assert.ok(page);
    assert.ok((await page.count('.chart svg')) >= 2);
    assert.ok((await page.count('.chart-line svg path')) > 10);
    assert.ok((await page.count('.chart svg path')) > 10);
    for (const selector of ['#verdict', '#priorities', '#correctness', '#failures', '#throughput', '#proc-crypto']) assert.equal(await page.count(selector), 1, selector);
    assert.equal(await page.count('#correctness a.cell.fail'), 1);
    const size = await page.evaluate(() => {
      const box = document.querySelector('.chart-line svg')?.getBoundingClientRect();
      return box ? { width: box.width, height: box.height } : undefined;
    });
    assert.ok(size && size.width > 300 && size.height > 150, `the line chart is laid out: ${JSON.stringify(size)}`);
  });

  it('has every in-page link land on an element', async () => {
    assert.ok(page);
    const dangling = await page.evaluate(() =>
      [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href') ?? '').filter((href) => !href.startsWith('#') || document.getElementById(href.slice(1)) === null),
    );
    assert.deepEqual(dangling, []);
  });

  it('saves a full-page screenshot next to the report', () => {
    const png = path.join(dir, 'report.png');
    assert.ok(fs.existsSync(png), png);
    const bytes = fs.readFileSync(png);
    assert.ok(bytes.length > 10 * 1024, `${bytes.length} bytes`);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  });
});
