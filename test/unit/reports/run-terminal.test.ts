import assert from 'node:assert/strict';
import { summarize } from '../../../harness/results/summary.js';
import type { ResultLine } from '../../../harness/results/result-model.js';
import type { RunMeta } from '../../../harness/results/run-record.js';
import { renderRunTerminal } from '../../../reports/run-terminal.js';
import { hexPair, truncateHex } from '../../../reports/format.js';
import { ALGORITHM, EXPECTED_HEX, fixtureLines, fixtureMeta, INCIDENT, VIRTIO_FAILURE, WYCHEPROOF } from '../results/run-fixture.js';
import { runReportOf } from '../../../harness/results/run-report.js';

const ESC = '\u001b[';

describe('reports/run-terminal', () => {
  it('truncates hex to 64 digits with an ellipsis and the byte count', () => {
    assert.equal(truncateHex('ab'.repeat(32)), 'ab'.repeat(32));
    assert.equal(truncateHex(EXPECTED_HEX), `${EXPECTED_HEX.slice(0, 64)}… (80 bytes)`);
    assert.equal(truncateHex(''), '(empty)');
  });

  it('shows expected and got on the same window, just before their first difference', () => {
    assert.deepEqual(hexPair('aabb', 'aacc'), { expected: 'aabb', got: 'aacc', differsAt: 1 });
    assert.deepEqual(hexPair('aabb', 'AABB'), { expected: 'aabb', got: 'AABB' });
    assert.deepEqual(hexPair(undefined, 'ab'.repeat(40)), { got: `${'ab'.repeat(32)}… (40 bytes)` });
    const long = '01'.repeat(100);
    const changed = '01'.repeat(50) + 'ff' + '01'.repeat(49);
    assert.deepEqual(hexPair(long, changed), {
      expected: `…${'01'.repeat(32)}… (100 bytes, shown from byte 46)`,
      got: `…${'01'.repeat(4)}ff${'01'.repeat(27)}… (100 bytes, shown from byte 46)`,
      differsAt: 50,
    });
    // a longer answer: one window for both, the shorter one ends inside it
    const pair = hexPair('01'.repeat(80), '01'.repeat(100));
    assert.equal(pair.differsAt, 80);
    assert.equal(pair.expected, `…${'01'.repeat(12)} (80 bytes, shown from byte 68)`);
    assert.equal(pair.got, `…${'01'.repeat(32)} (100 bytes, shown from byte 68)`);
  });

  it('shows the header, the table, the failure with its bytes, the notes and the verdict', () => {
    const meta = fixtureMeta();
    const text = renderRunTerminal(runReportOf(meta, summarize(meta, [...fixtureLines(), INCIDENT])));
    const lines = text.split('\n');
    assert.equal(lines[0], 'afalg-harness 0.1.0 run 2025-03-14T09-26-53Z-qemu-x86_64: COMPLETE');
    assert.match(text, /^board qemu-x86_64 \(qemu, x86_64; /m);
    assert.match(text, /^kernel 6\.8\.0-51-generic \(x86_64\), accelerator kvm \(\/dev\/kvm is usable\), agent 0\.1\.0 on node v20\.19\.0$/m);
    assert.match(text, /^algorithm +target +prio +passed +failed +skipped +acceptable$/m);
    assert.match(text, /^cbc\(aes\) +cbc\(aes\) → cbc-aes-aesni +356 +0 +3 +4  ok$/m);
    assert.match(text, /^ +virtio_crypto_aes_cbc +150 +355 +1 +3 +4  FAIL \(page-cross\)$/m);
    assert.match(text, /^ +cbc\(aes-generic\) +100 +356 +0 +3 +4  ok$/m);
    assert.ok(text.includes(`    ${WYCHEPROOF} tcId 117 [page-cross] decrypt: wrong answer (valid vector)`));
    assert.ok(text.includes(`        expected …${EXPECTED_HEX.slice(96)} (80 bytes, shown from byte 48)\n`));
    assert.ok(text.includes(`        got      …${(VIRTIO_FAILURE.got as string).slice(96)} (80 bytes, shown from byte 48)\n`));
    assert.ok(text.includes('        differs  from byte 64\n'));
    assert.match(text, /tcId 117 \[page-cross\]: failed on virtio_crypto_aes_cbc; passed on cbc\(aes\), cbc-aes-aesni/);
    assert.match(text, /cbc\(aes\) .*: 3 × IV is not 16 bytes.* \(tcId 181, tcId 182, tcId 183\)/);
    assert.ok(text.includes('  cbc(aes) nist/aesmmt/CBCMMT128.rsp: agent: request timed out after 30 s'));
    assert.equal(lines.at(-2), 'FAIL: 1779 passed, 1 failed, 15 skipped, 20 acceptable across 1 algorithm, 5 targets; 1 incident');
    assert.ok(!text.includes(ESC), 'no colour unless asked');
  });

  it('says PARTIAL with the reason, marks silent targets, and ends INCOMPLETE', () => {
    const meta = fixtureMeta({ complete: false, incompleteReason: 'cbc(aes) (nist/aesmmt/CBCMMT128.rsp): target stopped answering' });
    delete meta.finishedAt;
    const lines = fixtureLines()
      .filter((line) => !(line.kind === 'tally' && line.target === 'cbc(aes-generic)'))
      .map((line): ResultLine => (line.kind === 'tally' ? { ...line, passed: line.passed + line.failed, failed: 0, failures: [] } : line));
    lines.push({ kind: 'skip', algorithm: 'xts(aes)', source: '-', reason: 'no vectors for this algorithm', count: 0, cases: [] });
    const summary = summarize(meta, lines, { damagedLines: 1 });
    const text = renderRunTerminal(runReportOf(meta, summary));
    assert.match(text.split('\n')[0] ?? '', /: PARTIAL: cbc\(aes\) \(nist\/aesmmt\/CBCMMT128\.rsp\): target stopped answering$/);
    assert.match(text, /^ +cbc\(aes-generic\) +100 +- +- +3 +-  not run$/m);
    assert.match(text, /1 damaged line at the end of results\.jsonl ignored/);
    assert.match(text, /^ {2}xts\(aes\): no vectors for this algorithm$/m);
    assert.match(text, /^INCOMPLETE: .* \(the run did not finish\)$/m);
  });

  it('caps the failures per row at maxFailures and says how many more', () => {
    const failures = Array.from({ length: 7 }, (_, i) => ({ ...VIRTIO_FAILURE, case: `tcId ${200 + i}` }));
    const lines = fixtureLines().map((line): ResultLine => (line.kind === 'tally' && line.failed > 0 ? { ...line, failed: 7, failures } : line));
    const text = renderRunTerminal(runReportOf(fixtureMeta(), summarize(fixtureMeta(), lines)), { maxFailures: 3 });
    assert.ok(text.includes('tcId 202 [page-cross]'));
    assert.ok(!text.includes('tcId 203 [page-cross] decrypt'));
    assert.ok(text.includes('… and 4 more (results.jsonl has them all)'));
  });

  it('colours only when asked, and never passes control characters from the results through', () => {
    const meta = fixtureMeta();
    const lines: ResultLine[] = [...fixtureLines(), { kind: 'incident', algorithm: ALGORITHM, message: 'bad\u001b[2Jthing\u0007' }];
    const plain = renderRunTerminal(runReportOf(meta, summarize(meta, lines)));
    assert.ok(plain.includes('bad\\x1b[2Jthing\\x07'));
    assert.ok(!plain.includes('\u001b'));
    const withSpec = { ...meta, spec: { file: '/specs/x\u001b.json', content: { name: 'x', requirements: [{ id: 'a', kind: 'served-by', algorithm: 'cbc(aes)', driver: 'virtio_*', why: 'evil\u001b[2J' }] } } } as RunMeta;
    const specText = renderRunTerminal(runReportOf(withSpec, summarize(withSpec, lines)));
    assert.ok(specText.includes('drivers-spec x: 0 of 1 requirement met (/specs/x\\x1b.json)'));
    assert.ok(specText.includes('      why:   evil\\x1b[2J'));
    assert.ok(!specText.includes('\u001b'));
    const coloured = renderRunTerminal(runReportOf(meta, summarize(meta, lines)), { color: true });
    assert.ok(coloured.includes(`${ESC}31m`));
    assert.ok(coloured.includes(`${ESC}1m${ESC}31mFAIL${ESC}39m${ESC}22m`));
  });
});
