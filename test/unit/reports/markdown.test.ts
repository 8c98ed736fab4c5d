import assert from 'node:assert/strict';
import { summarize } from '../../../harness/results/summary.js';
import type { ResultLine } from '../../../harness/results/result-model.js';
import { MARKDOWN_MAX_FAILURES_PER_ROW, markdownChartFiles, renderMarkdown } from '../../../reports/markdown.js';
import { mdText } from '../../../reports/format.js';
import { ALGORITHM, EXPECTED_HEX, fixtureLines, fixtureMeta, INCIDENT, VIRTIO_FAILURE, WYCHEPROOF } from '../results/run-fixture.js';
import { benchMeta, benchRun, benchRunLines } from './fixture-bench.js';
import { runReportOf } from '../../../harness/results/run-report.js';

describe('reports/markdown', () => {
  it('has the title, the header table, the matrix, the failure, the skips and the incidents', () => {
    const meta = fixtureMeta();
    const md = renderMarkdown(runReportOf(meta, summarize(meta, [...fixtureLines(), INCIDENT])));
    assert.match(md, /^# Crypto driver correctness: qemu-x86_64, kernel 6\.8\.0-51-generic\n/);
    assert.ok(md.includes('**Verdict: FAIL.** 1779 passed, 1 failed, 15 skipped, 20 acceptable, across 1 algorithm and 5 targets.'));
    assert.ok(md.includes('| Board | qemu-x86_64 (qemu, x86_64) |'));
    assert.ok(md.includes('| Accelerator | kvm (/dev/kvm is usable) |'));
    assert.ok(md.includes('| Harness version | 0.1.0 |'));
    assert.ok(md.includes('| Status | complete |'));
    assert.ok(md.includes('| Algorithm | Target | Priority | Passed | Failed | Skipped | Acceptable | Result |'));
    assert.ok(md.includes('| cbc(aes) | cbc(aes) (generic name → cbc-aes-aesni) |  | 356 | 0 | 3 | 4 | pass |'));
    assert.ok(md.includes('| cbc(aes) | virtio_crypto_aes_cbc | 150 | 355 | 1 | 3 | 4 | **FAIL** (page-cross) |'));
    assert.ok(md.includes(`### cbc(aes) on virtio_crypto_aes_cbc: 1 failure`));
    // what a strategy did, once, for the strategies that failed
    assert.ok(md.includes('## Failures\n\nStrategies: **page-cross**: input and output buffers starting 13 bytes before a page boundary.\n'));
    assert.ok(md.includes(`- ${WYCHEPROOF}, tcId 117, strategy page-cross, decrypt: wrong answer (valid vector)`));
    assert.ok(md.includes(`  - expected: \`…${EXPECTED_HEX.slice(96)}\` (80 bytes, shown from byte 48)\n  - got: \``));
    assert.ok(md.includes('  - differs from byte 64\n'));
    assert.ok(md.includes(`  - rerun: \`afalg-harness run --board /work/boards/qemu-x86_64.json --alg 'cbc(aes)' --driver virtio_crypto_aes_cbc --strategies page-cross --case 'tcId 117' --seed 5eed --vectors /home/user/.cache/afalg-harness/vectors\`\n`));
    assert.ok(md.includes('## Generic name and drivers disagree'));
    assert.ok(md.includes(`| cbc(aes) | ${WYCHEPROOF} | IV is not 16 bytes: AF_ALG takes the algorithm IV size only | 3 | tcId 181, tcId 182, tcId 183 |`));
    assert.ok(md.includes('## Incidents\n\n- cbc(aes), nist/aesmmt/CBCMMT128.rsp: agent: request timed out after 30 s'));
    assert.ok(md.endsWith('\n') && !md.endsWith('\n\n'));
  });

  it('shows a hang: HANG in the matrix, the request in the failures and a Hangs section', () => {
    const meta = fixtureMeta();
    const hang: ResultLine = { kind: 'hang', algorithm: ALGORITHM, target: 'virtio_crypto_aes_cbc', generic: false, source: WYCHEPROOF, case: 'tcId 90', strategy: 'chunks', op: 'encrypt', bytes: 68, seconds: 20, then: 'restarted' };
    const md = renderMarkdown(runReportOf(meta, summarize(meta, [...fixtureLines(), hang])));
    assert.ok(md.includes('| cbc(aes) | virtio_crypto_aes_cbc | 150 | 355 | 2 | 3 | 4 | **HANG** (chunks, page-cross) |'), md);
    assert.ok(md.includes(`- ${WYCHEPROOF}, tcId 90, strategy chunks, encrypt: no answer (hang) (valid vector)`));
    assert.ok(md.includes(`## Hangs\n\n- cbc(aes): virtio_crypto_aes_cbc hung: encrypt of 68 bytes, ${WYCHEPROOF} tcId 90 \\[chunks\\], no answer within 20 s; the target was restarted and the run went on without it.`));
    assert.ok(md.includes('1 hang'));
  });

  it('says partial with the reason, and caps the failures with a note of how many more', () => {
    const meta = fixtureMeta({ complete: false, incompleteReason: 'target stopped answering' });
    const failures = Array.from({ length: 13 }, (_, i) => ({ ...VIRTIO_FAILURE, case: `tcId ${300 + i}` }));
    const lines = fixtureLines().map((line): ResultLine => (line.kind === 'tally' && line.failed > 0 ? { ...line, failed: 13, failures } : line));
    const md = renderMarkdown(runReportOf(meta, summarize(meta, lines)));
    assert.ok(md.includes('| Status | **partial**: target stopped answering |'));
    assert.equal(MARKDOWN_MAX_FAILURES_PER_ROW, 10);
    assert.ok(md.includes('tcId 309, strategy page-cross'));
    assert.ok(!md.includes('tcId 310, strategy page-cross'));
    assert.ok(md.includes('- … and 3 more failures for this target (all are in results.jsonl).'));
    assert.ok(md.includes('3 failures not listed here'));
  });

  it('keeps cells to one line and escapes what Markdown or HTML would read', () => {
    assert.equal(mdText('a|b\nc <x> *y* `z` [l] virtio_crypto'), 'a\\|b c &lt;x&gt; \\*y\\* \\`z\\` \\[l\\] virtio_crypto');
    const meta = fixtureMeta();
    const md = renderMarkdown(runReportOf(meta, summarize(meta, [...fixtureLines(), { kind: 'unusable', algorithm: ALGORITHM, source: 'nist/x.rsp', error: 'bad | pipe\nnew line' }])));
    assert.ok(md.includes('| cbc(aes) | nist/x.rsp | bad \\| pipe new line |'));
  });
});

describe('reports/markdown: priority selection and throughput', () => {
  it('lists the priority verdicts and a candidate table per algorithm', () => {
    const { meta, summary } = benchRun();
    const md = renderMarkdown(runReportOf(meta, summary));
    assert.ok(md.indexOf('## Priority selection') < md.indexOf('## Correctness matrix'));
    assert.ok(md.includes('Verdicts: 0 critical, 0 warning, 1 info.\n\n- info cbc(aes): accelerator virtio_crypto_aes_cbc from module virtio_crypto is never selected for cbc(aes)'));
    assert.ok(md.includes('### cbc(aes)\n\nGeneric name → cbc-aes-aesni (proved); generic name correct; '));
    assert.ok(md.includes('| Driver | Priority | Self-test | Module | Async | Accelerator | Correctness | MB/s at 4 KiB |'));
    assert.match(md, /\| cbc-aes-aesni \(selected\) \| 400 \| passed \| aesni_intel \| async \| yes \| ✔ \| \d[\d,]* \|/);
    assert.match(md, /\| virtio_crypto_aes_cbc \| 150 \| passed \| virtio_crypto \| async \| yes \| ✘ 1 failed \| \d[\d,.]* \|/);
    assert.ok(md.includes('| cbc(aes-aesni) | 300 | passed | kernel | sync | no | ✔ | — |'));
    assert.ok(md.includes('| sha256-ssse3 | 150 | passed | sha256_ssse3 | - | no | not run | — |'));
  });

  it('puts the critical verdicts first, in bold', () => {
    const base = benchMeta();
    const meta = benchMeta({
      discovery: base.discovery.map((algorithm) =>
        algorithm.name === ALGORITHM ? { ...algorithm, drivers: [{ driver: 'cbc-aes-untested', priority: 500, selftest: 'unknown', module: 'x', internal: false, bind: 'ELIBBAD' }, ...algorithm.drivers] } : algorithm,
      ),
    });
    const md = renderMarkdown(runReportOf(meta, summarize(meta, benchRunLines())));
    assert.ok(md.includes('Verdicts: 1 critical, 0 warning, 1 info.\n\n- **CRITICAL** cbc(aes): cbc-aes-untested (priority 500, selftest: unknown) outranks the selected cbc-aes-aesni (priority 400)'));
  });

  it('has the throughput tables, the chart images, the goals and the tcrypt runs', () => {
    const { meta, summary } = benchRun();
    const md = renderMarkdown(runReportOf(meta, summary));
    assert.ok(md.includes('## Throughput\n'));
    assert.ok(md.includes('### cbc(aes) encrypt\n\n![cbc(aes) encrypt](charts/cbc-aes-encrypt.svg)\n\n![cbc(aes) encrypt at 4 KiB](charts/cbc-aes-encrypt-bar.svg)\n'));
    assert.ok(md.includes('![sha256 digest](charts/sha256-digest.svg)'));
    assert.ok(md.includes('| Target | Size | MB/s | ops/s | µs/op | Noise (95 % CI, min–max) | Zero-copy MB/s | C reference MB/s | Harness/C | tcrypt MB/s | AF_ALG/tcrypt |'));
    assert.match(md, /\| cbc-aes-aesni \| 4 KiB \| [\d,]+ \| [\d,]+ \| [\d.]+ \| ±[\d.]+ % \([\d.,]+–[\d.,]+, n=\d+\) \| [\d,]+ \| [\d,]+ \| \d\.\d\d( \([\d.]+–[\d.]+\))? \| [\d,]+ \| 0\.\d\d( \([\d.]+–[\d.]+\))? \|/);
    assert.match(md, /\| cbc-aes-aesni \| 64 KiB \| .* \| [\d,]+ \(at 4 KiB\) \| — \|/);
    assert.ok(md.includes('| Target | Size | MB/s | ops/s | µs/op | Noise (95 % CI, min–max) | C reference MB/s | Harness/C | tcrypt MB/s | AF_ALG/tcrypt |'), 'sha256: no zero-copy column');
    assert.ok(md.includes('### Goals\n\n| Goal | Threshold | Size | Median (met?) | Worst measured | Where | Met | Note |'));
    assert.match(md, /\| harness\/C \| ≥ 0\.95 \| 4 KiB \| \d\.\d{3} \(\d+\) \| \d\.\d{3} \| [^|]+ \| [✔✘] \|  \|/);
    assert.match(md, /\| AF_ALG\/tcrypt \| ≥ 0\.9 \| 4 KiB \| 0\.\d{3} \(\d+\) \| 0\.\d{3} \| [^|]+ \| ✘ \| asked at 64 KiB; this kernel's tcrypt measures up to 4096 bytes, so checked there \|/);
    assert.ok(md.includes('| mode=600 sec=1 | 0.4 | 0 | modprobe: ERROR: could not insert tcrypt: Unknown symbol in module |'));
    assert.deepEqual(
      markdownChartFiles(runReportOf(meta, summary)).map((file) => file.file),
      ['charts/cbc-aes-encrypt.svg', 'charts/cbc-aes-encrypt-bar.svg', 'charts/cbc-aes-decrypt.svg', 'charts/cbc-aes-decrypt-bar.svg', 'charts/sha256-digest.svg', 'charts/sha256-digest-bar.svg'],
    );
    assert.ok(md.endsWith('\n') && !md.endsWith('\n\n'));
  });

  it('has neither throughput section nor chart files without bench results', () => {
    const meta = fixtureMeta();
    const summary = summarize(meta, fixtureLines());
    assert.ok(!renderMarkdown(runReportOf(meta, summary)).includes('## Throughput'));
    assert.deepEqual(markdownChartFiles(runReportOf(meta, summary)), []);
  });
});
