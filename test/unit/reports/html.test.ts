import assert from 'node:assert/strict';
import { summarize } from '../../../harness/results/summary.js';
import type { ResultLine } from '../../../harness/results/result-model.js';
import type { RunMeta } from '../../../harness/results/run-record.js';
import { esc } from '../../../reports/format.js';
import { renderHtml } from '../../../reports/html.js';
import { ALGORITHM, EXPECTED_HEX, fixtureLines, fixtureMeta, GOT_HEX, VIRTIO_FAILURE, WYCHEPROOF } from '../results/run-fixture.js';
import { benchLines, benchMeta, benchRun, tcryptLines } from './fixture-bench.js';
import { runReportOf } from '../../../harness/results/run-report.js';

const EVIL = '<script>alert(1)</script>';

/** The element with this id, from its opening tag to the matching close of the same tag name. */
function element(html: string, id: string): string {
  const open = new RegExp(`<([a-z0-9]+)[^>]*\\sid="${id}"[^>]*>`).exec(html);
  assert.ok(open, `#${id} present`);
  const tag = open[1] as string;
  let depth = 0;
  const pattern = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'g');
  pattern.lastIndex = open.index;
  for (let match = pattern.exec(html); match; match = pattern.exec(html)) {
    depth += match[1] ? -1 : 1;
    if (depth === 0) return html.slice(open.index, match.index + match[0].length);
  }
  throw new Error(`#${id} is not closed`);
}

/** A run with a hostile driver name and vector comment, and a driver whose self-test never ran outranking the selected one. */
function hostileRun(): { meta: RunMeta; lines: ResultLine[] } {
  const base = benchMeta();
  const meta: RunMeta = {
    ...base,
    board: { ...base.board, name: 'board "<b>x</b>" & co' },
    discovery: base.discovery.map((algorithm) =>
      algorithm.name === ALGORITHM
        ? { ...algorithm, drivers: [{ driver: EVIL, priority: 500, selftest: 'unknown', module: 'evil_mod', internal: false, bind: 'ELIBBAD' }, ...algorithm.drivers] }
        : algorithm,
    ),
    procCrypto: `${base.procCrypto}name         : ${EVIL}\n`,
  };
  const lines = fixtureLines().map((line): ResultLine =>
    line.kind === 'tally' && line.failed > 0 ? { ...line, failures: line.failures.map((failure) => ({ ...failure, comment: `${EVIL} & "quoted" 'single'` })) } : line,
  );
  lines.push({ kind: 'unbindable', algorithm: ALGORITHM, target: EVIL, error: 'ELIBBAD' });
  lines.push({ kind: 'incident', algorithm: ALGORITHM, target: EVIL, message: `agent said ${EVIL}` });
  lines.push(...benchLines(), ...tcryptLines());
  return { meta, lines };
}

describe('reports/html', () => {
  it('escapes text for element content and attributes', () => {
    assert.equal(esc(`<a href="x">&'</a>`), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
    assert.equal(esc('bell\u0007'), 'bell\\x07');
  });

  it('is one self-contained document: nothing to fetch from anywhere', () => {
    const { meta, summary } = benchRun();
    const html = renderHtml(runReportOf(meta, summary));
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
    assert.ok(html.trimEnd().endsWith('</html>'));
    assert.ok(!/<(?:link|img|iframe|object|embed|image|base)\b/i.test(html), 'no element that loads something');
    assert.ok(!/<script\b[^>]*\bsrc\s*=/i.test(html), 'no external script');
    assert.ok(!/@import|@font-face/i.test(html), 'no imported styles or fonts');
    assert.ok(!/url\(\s*['"]?(?!#)/i.test(html), 'url() only to fragments in this page');
    assert.ok(!/(?:src|href|action|poster|srcset|xlink:href)\s*=\s*["']?\s*(?:https?:|\/\/|ftp:|file:)/i.test(html), 'no attribute pointing at the network');
    for (const match of html.matchAll(/\bhref\s*=\s*"([^"]*)"/g)) assert.ok((match[1] as string).startsWith('#'), `in-page link only: ${match[1]}`);
    assert.ok(!/xmlns(?::xlink)?="http/.test(html), 'inline SVG without namespace URLs');
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    assert.equal([...html.matchAll(/<script\b/g)].length, 1, 'only the inline print helper');
  });

  it('has the sections a reader (and a test) looks for', () => {
    const { meta, summary } = benchRun();
    const html = renderHtml(runReportOf(meta, summary));
    for (const id of ['verdict', 'completion', 'priorities', 'correctness', 'failures', 'notes', 'throughput', 'proc-crypto', 'goals', 'tcrypt']) assert.match(html, new RegExp(`\\sid="${id}"`), id);
    assert.equal([...html.matchAll(/<figure class="chart chart-line"><svg /g)].length, 3);
    assert.equal([...html.matchAll(/<figure class="chart chart-bar"><svg /g)].length, 3);
    // the header
    const top = element(html, 'top');
    for (const text of ['qemu-x86_64', '6.8.0-51-generic', 'x86_64', 'kvm (/dev/kvm is usable)', '0.1.0', meta.runId, meta.startedAt, meta.finishedAt as string, 'wycheproof', 'b063b4aedae9']) {
      assert.ok(top.includes(esc(text)), text);
    }
    assert.match(element(html, 'completion'), />COMPLETE</);
    const verdict = element(html, 'verdict');
    assert.match(verdict, /verdict-fail/);
    assert.match(verdict, />FAIL</);
    assert.ok(verdict.includes('Exit code <strong>1</strong>: fail: 1 failed execution.'));
    // /proc/crypto, collapsed
    assert.match(element(html, 'proc-crypto'), /^<details id="proc-crypto"><summary>[^<]*<\/summary><pre>name {9}: cbc\(aes\)\ndriver {7}: cbc-aes-aesni\n/);
  });

  it('shows the priority tables: selected driver and how, every candidate, correctness, MB/s at 4 KiB, verdicts', () => {
    const { meta, summary } = benchRun();
    const section = element(renderHtml(runReportOf(meta, summary)), 'priorities');
    const aes = element(section, 'p-cbc-aes');
    assert.match(aes, /served by <strong>cbc-aes-aesni<\/strong> <span class="tag how-proved">proved<\/span>/);
    assert.match(aes, /<td>cbc-aes-aesni <span class="tag selected">selected<\/span><\/td><td class="num">400<\/td><td>passed<\/td><td>aesni_intel<\/td><td>async <span class="tag accel">accelerator<\/span><\/td><td><span class="ok">✔<\/span><\/td><td class="num">\d[\d,]*<\/td>/);
    assert.match(aes, /<td>virtio_crypto_aes_cbc<\/td><td class="num">150<\/td>.*<span class="bad">✘ 1 failed<\/span>/);
    assert.match(aes, /<td>cbc\(aes-aesni\)<\/td>.*<td class="num">—<\/td><\/tr>/, 'not benchmarked: no figure');
    assert.match(aes, /<li class="verdict-item sev-info"><span class="badge sev-info">info<\/span> accelerator virtio_crypto_aes_cbc from module virtio_crypto is never selected/);
    const sha = element(section, 'p-sha256');
    assert.match(sha, /<span class="muted">not run<\/span>/);
    assert.match(element(section, 'all-verdicts'), /<strong>cbc\(aes\)<\/strong>: accelerator virtio_crypto_aes_cbc/);
  });

  it('lists a failure with its case id and strategy, and the red matrix cell links to it', () => {
    const { meta, summary } = benchRun();
    const html = renderHtml(runReportOf(meta, summary));
    const matrix = element(html, 'correctness');
    const link = /<a class="cell fail" href="#([^"]+)"[^>]*>(.*?)<\/a>/.exec(matrix);
    assert.ok(link, 'a failing cell is a link');
    assert.equal(link[1], 'f-cbc-aes--virtio-crypto-aes-cbc');
    assert.match(link[2] as string, /virtio_crypto_aes_cbc.*priority 150.*FAIL \(page-cross\).*355 passed · 1 failed · 3 skipped · 4 acceptable/);
    assert.equal([...matrix.matchAll(/<div class="cell pass"/g)].length, 4);
    assert.match(matrix, /cbc\(aes\) <span class="muted">\(generic → cbc-aes-aesni\)<\/span>/);

    const failures = element(html, 'failures');
    const group = element(failures, link[1] as string);
    assert.match(group, /<h3>cbc\(aes\) on virtio_crypto_aes_cbc: 1 failure \(page-cross\)<\/h3>/);
    const failure = element(group, `${link[1]}-1`);
    assert.ok(failure.includes(`<dt>Source</dt><dd class="mono">${WYCHEPROOF}</dd>`));
    assert.ok(failure.includes('<dt>Case</dt><dd><strong>tcId 117</strong></dd>'));
    assert.ok(failure.includes('<dt>Strategy</dt><dd>page-cross <span class="muted">(input and output buffers starting 13 bytes before a page boundary)</span></dd>'));
    assert.ok(failure.includes('<dt>Operation</dt><dd>decrypt</dd>'));
    assert.ok(failure.includes('wrong answer (valid vector)'));
    assert.ok(failure.includes(`<code class="hex">…${EXPECTED_HEX.slice(96)} (80 bytes, shown from byte 48)</code>`), 'the window around the difference');
    assert.ok(failure.includes(`<details class="full-hex"><summary>full value (80 bytes)</summary><code class="hex">${EXPECTED_HEX}</code></details>`));
    assert.ok(failure.includes(`<code class="hex">${GOT_HEX}</code>`));
    assert.ok(failure.includes('<dt>Differs</dt><dd>from byte 64</dd>'));
    assert.ok(failure.includes('<dt>Vector comment</dt><dd>long message</dd>'));
  });

  it('shows error and step, and seeds for differential cases', () => {
    const meta = fixtureMeta();
    const { expected: _expected, got: _got, comment: _comment, ...rest } = VIRTIO_FAILURE;
    const lines = fixtureLines().map((line): ResultLine =>
      line.kind === 'tally' && line.failed > 0
        ? { ...line, failures: [{ ...rest, source: 'differential', case: 'seed#3', seed: 'c0ffee:3', status: 'error', error: 'EBADMSG', step: 'read' }] }
        : line,
    );
    const failure = element(renderHtml(runReportOf(meta, summarize(meta, lines))), 'f-cbc-aes--virtio-crypto-aes-cbc-1');
    assert.ok(failure.includes('<dt>Case</dt><dd><strong>seed#3</strong></dd>'));
    assert.ok(failure.includes('<dt>Error</dt><dd class="mono">EBADMSG</dd><dt>Step</dt><dd>read</dd><dt>Seed</dt><dd class="mono">c0ffee:3</dd>'));
    assert.ok(failure.includes('unexpected error (valid vector)'));
  });

  it('shows the notes: disagreements, skips, unbindable drivers, unusable files, incidents', () => {
    const meta = fixtureMeta();
    const lines: ResultLine[] = [
      ...fixtureLines(),
      { kind: 'unusable', algorithm: ALGORITHM, source: 'nist/x.rsp', error: 'bad file' },
      { kind: 'unbindable', algorithm: ALGORITHM, target: 'cbc-aes-broken', error: 'ELIBBAD' },
      { kind: 'incident', algorithm: ALGORITHM, source: 'nist/y.rsp', message: 'agent: request timed out after 30 s' },
    ];
    const html = renderHtml(runReportOf(meta, summarize(meta, lines)));
    const notes = element(html, 'notes');
    assert.match(notes, /<h3 id="disagreements">.*<td>tcId 117<\/td><td>page-cross<\/td><td><span class="ok">pass<\/span><\/td><td><span class="bad">virtio_crypto_aes_cbc<\/span><\/td>/s);
    assert.match(notes, /IV is not 16 bytes: AF_ALG takes the algorithm IV size only<\/td><td class="num">3<\/td><td>tcId 181, tcId 182, tcId 183<\/td>/);
    assert.match(notes, /<td>cbc-aes-broken<\/td><td><span class="mono">ELIBBAD<\/span><\/td>/);
    assert.match(notes, /nist\/x\.rsp<\/span><\/td><td>bad file<\/td>/);
    assert.match(notes, /<strong>cbc\(aes\), nist\/y\.rsp<\/strong>: agent: request timed out after 30 s/);
    assert.match(element(html, 'correctness'), /<div class="cell fail unbindable"[^>]*><span class="cell-target">cbc-aes-broken<\/span><span class="cell-status">cannot bind<\/span>/);
    assert.ok(element(html, 'verdict').includes('1 failed execution, 1 driver that cannot be bound, 1 incident.'));
  });

  it('shows PARTIAL with the reason for a run that did not finish', () => {
    const meta = fixtureMeta({ complete: false, incompleteReason: 'target stopped answering' });
    const html = renderHtml(runReportOf(meta, summarize(meta, fixtureLines())));
    assert.match(html, /<span id="completion" class="badge big partial">PARTIAL<\/span> <span class="partial-reason">target stopped answering<\/span>/);
    assert.ok(!html.includes('>COMPLETE<'));
    const passing = fixtureLines().map((line): ResultLine => (line.kind === 'tally' ? { ...line, failed: 0, failures: [] } : line));
    const incomplete = renderHtml(runReportOf(meta, summarize(meta, passing)));
    assert.match(element(incomplete, 'verdict'), />INCOMPLETE<.*Exit code <strong>1<\/strong>: incomplete: the run did not finish\./s);
    assert.match(element(incomplete, 'failures'), /No failures\./);
  });

  it('escapes hostile driver names, comments and board names everywhere, and shows the critical verdict first', () => {
    const { meta, lines } = hostileRun();
    const summary = summarize(meta, lines);
    assert.ok(summary.verdictCounts.critical >= 1);
    const html = renderHtml(runReportOf(meta, summary));
    assert.ok(!html.includes(EVIL), 'no hostile markup as markup');
    assert.ok(!html.includes('<b>x</b>'));
    assert.equal([...html.matchAll(/<script\b/g)].length, 1);
    const escaped = esc(EVIL);
    assert.ok(html.includes(`<title>Crypto driver qualification: board &quot;&lt;b&gt;x&lt;/b&gt;&quot; &amp; co, kernel 6.8.0-51-generic</title>`));
    assert.ok(element(html, 'failures').includes(`<dt>Vector comment</dt><dd>${escaped} &amp; &quot;quoted&quot; &#39;single&#39;</dd>`));
    assert.ok(element(html, 'proc-crypto').includes(`name         : ${escaped}`));
    assert.ok(element(html, 'notes').includes(`agent said ${escaped}`));
    const critical = summary.verdicts.find((verdict) => verdict.severity === 'critical');
    assert.ok(critical);
    assert.match(critical.message, /outranks the selected cbc-aes-aesni/);
    const all = element(html, 'all-verdicts');
    assert.ok(all.startsWith('<ul id="all-verdicts" class="verdicts"><li class="verdict-item sev-critical"><span class="badge sev-critical">critical</span>'), 'most severe first');
    assert.ok(all.includes(esc(critical.message)));
    assert.match(element(html, 'p-cbc-aes'), new RegExp(`<td>${escaped.replace(/[()]/g, '\\$&')}</td><td class="num">500</td><td><span class="bad">unknown</span></td>`));
    assert.match(element(html, 'verdict'), /1 critical/);
  });

  it('shows the drivers-spec qualification in #spec: the badge, each requirement met or not, escaped', () => {
    const { meta, summary } = benchRun();
    const withSpec = {
      ...meta,
      spec: {
        file: '/specs/<vendor>.json',
        content: {
          name: 'vendor',
          description: EVIL,
          requirements: [
            { id: 'cbc', kind: 'served-by', algorithm: 'cbc(aes)', driver: '*-aesni', why: EVIL },
            { id: 'sha', kind: 'min-priority', algorithm: 'sha256', priority: 300 },
          ],
        },
      },
    } as RunMeta;
    const html = renderHtml(runReportOf(withSpec, summary));
    const section = element(html, 'spec');
    assert.ok(!section.includes(EVIL) && section.includes(esc(EVIL)));
    assert.ok(section.includes(esc('/specs/<vendor>.json')));
    assert.match(element(section, 'spec-badge'), /class="badge big spec-badge spec-unmet">1 of 2 requirements met</);
    assert.match(section, /<tr class="req-met"><td><span class="mono">cbc<\/span><br>the generic name cbc\(aes\) is served by a driver matching \*-aesni<\/td><td class="req-state"><span class="ok" title="met">✔<\/span><\/td><td>served by cbc-aes-aesni \(priority 400\)<\/td>/);
    assert.match(section, /<tr class="req-unmet">.*<td>served by sha256-avx2 \(priority 170\), below 300<\/td><td><span class="muted">—<\/span><\/td><\/tr>/);
    assert.match(html, /<nav class="toc"><a href="#spec">Qualification<\/a>/);
    assert.ok(html.indexOf('id="spec"') < html.indexOf('id="priorities"'));
    assert.ok(!renderHtml(runReportOf(meta, summary)).includes('id="spec"'), 'no section without a spec');
  });

  it('has no throughput section without bench results, and says so for a throughput-only run', () => {
    const meta = fixtureMeta();
    const html = renderHtml(runReportOf(meta, summarize(meta, fixtureLines())));
    assert.ok(!/id="throughput"/.test(html));
    assert.ok(!html.includes('<svg'));
    const { vectorsDir: _vectorsDir, ...benchOnlySettings } = benchMeta().settings;
    const benchOnly = benchMeta({ settings: benchOnlySettings });
    const only = renderHtml(runReportOf(benchOnly, summarize(benchOnly, [...benchLines(), ...tcryptLines()])));
    assert.match(element(only, 'correctness'), /Throughput-only run: no vectors ran\./);
    assert.match(element(only, 'top'), /none: throughput-only run/);
    assert.match(only, /id="throughput"/);
  });

  it('tabulates throughput with the comparisons, the goals and the tcrypt runs', () => {
    const { meta, summary } = benchRun();
    const section = element(renderHtml(runReportOf(meta, summary)), 'throughput');
    const encrypt = element(section, 't-cbc-aes-encrypt');
    assert.match(encrypt, /<th>Target<\/th><th class="num">Size<\/th><th class="num">MB\/s<\/th><th class="num">ops\/s<\/th><th class="num">µs\/op<\/th><th class="num">Noise \(95 % CI, min–max\)<\/th><th class="num">Zero-copy MB\/s<\/th><th class="num">C reference MB\/s<\/th><th class="num">Harness\/C<\/th><th class="num">tcrypt MB\/s<\/th><th class="num">AF_ALG\/tcrypt<\/th>/);
    assert.match(encrypt, /<td>cbc-aes-aesni<\/td><td class="num">16 B<\/td><td class="num"><strong>[\d.,]+<\/strong><\/td><td class="num">[\d,]+<\/td><td class="num">[\d.]+<\/td><td class="num">±[\d.]+ % \([\d.,]+–[\d.,]+, n=\d+\)<\/td>/);
    assert.match(encrypt, /\(at 4 KiB\)/, 'tcrypt figure from a smaller size, marked');
    const sha = element(section, 't-sha256-digest');
    assert.ok(!sha.includes('Zero-copy MB/s'), 'no empty column');
    const goals = section.slice(section.indexOf('id="goals"'));
    assert.match(goals, /<td>harness\/C<\/td><td class="num">≥ 0.95<\/td><td class="num">4 KiB<\/td><td class="num">[\d.]+ \(\d+\)<\/td><td class="num">[\d.]+<\/td><td>[^<]+<\/td><td><span class="(?:ok">✔|bad">✘)<\/span><\/td>/);
    assert.match(goals, /AF_ALG\/tcrypt.*asked at 64 KiB; this kernel&#39;s tcrypt measures up to 4096 bytes/s);
    assert.match(goals, /<span class="mono">mode=600 sec=1<\/span><\/td><td class="num">0.4<\/td><td class="num">0<\/td><td><span class="bad">modprobe: ERROR: could not insert tcrypt: Unknown symbol in module<\/span>/);
  });
});
