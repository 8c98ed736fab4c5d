import assert from 'node:assert/strict';
import { summarize } from '../../../harness/results/summary.js';
import type { ResultLine } from '../../../harness/results/result-model.js';
import { MARKDOWN_MAX_FAILURES_PER_ROW, mdText, renderMarkdown } from '../../../reports/markdown.js';
import { ALGORITHM, EXPECTED_HEX, fixtureLines, fixtureMeta, INCIDENT, VIRTIO_FAILURE, WYCHEPROOF } from '../results/run-fixture.js';

describe('reports/markdown', () => {
  it('has the title, the header table, the matrix, the failure, the skips and the incidents', () => {
    const meta = fixtureMeta();
    const md = renderMarkdown(summarize(meta, [...fixtureLines(), INCIDENT]), meta);
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
    assert.ok(md.includes(`- ${WYCHEPROOF}, tcId 117, strategy page-cross, decrypt: wrong answer (valid vector)`));
    assert.ok(md.includes(`  - expected: \`…${EXPECTED_HEX.slice(96)}\` (80 bytes, shown from byte 48)\n  - got: \``));
    assert.ok(md.includes('  - differs from byte 64\n'));
    assert.ok(md.includes('## Generic name and drivers disagree'));
    assert.ok(md.includes(`| cbc(aes) | ${WYCHEPROOF} | IV is not 16 bytes: AF_ALG takes the algorithm IV size only | 3 | tcId 181, tcId 182, tcId 183 |`));
    assert.ok(md.includes('## Incidents\n\n- cbc(aes), nist/aesmmt/CBCMMT128.rsp: agent: request timed out after 30 s'));
    assert.ok(md.endsWith('\n') && !md.endsWith('\n\n'));
  });

  it('says partial with the reason, and caps the failures with a note of how many more', () => {
    const meta = fixtureMeta({ complete: false, incompleteReason: 'target stopped answering' });
    const failures = Array.from({ length: 13 }, (_, i) => ({ ...VIRTIO_FAILURE, case: `tcId ${300 + i}` }));
    const lines = fixtureLines().map((line): ResultLine => (line.kind === 'tally' && line.failed > 0 ? { ...line, failed: 13, failures } : line));
    const md = renderMarkdown(summarize(meta, lines), meta);
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
    const md = renderMarkdown(summarize(meta, [...fixtureLines(), { kind: 'unusable', algorithm: ALGORITHM, source: 'nist/x.rsp', error: 'bad | pipe\nnew line' }]), meta);
    assert.ok(md.includes('| cbc(aes) | nist/x.rsp | bad \\| pipe new line |'));
  });
});
