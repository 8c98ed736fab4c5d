import assert from 'node:assert/strict';
import { formatMb, formatSize, listed, patternWords, requirementText, specCountText } from '../../../harness/spec/spec-format.js';
import type { SpecVerdict } from '../../../harness/spec/spec-model.js';

describe('spec/spec-format', () => {
  it('words a name pattern: a literal name as is, wildcards or alternatives as "a driver matching"', () => {
    assert.equal(patternWords('cbc-aes-aesni'), 'cbc-aes-aesni');
    assert.equal(patternWords('*-aesni'), 'a driver matching *-aesni');
    assert.equal(patternWords('a|b', 'module'), 'a module matching a or b');
  });

  it('formats sizes in whole KiB or MiB, MB/s to about three digits, and shortens long lists', () => {
    assert.deepEqual([16, 1024, 4096, 1536, 1048576, 3 * 1048576].map((size) => formatSize(size)), ['16 B', '1 KiB', '4 KiB', '1536 B', '1 MiB', '3 MiB']);
    assert.deepEqual([123.4, 30, 4.567].map((mb) => formatMb(mb)), ['123', '30.0', '4.57']);
    assert.equal(listed(['a', 'b']), 'a, b');
    assert.equal(listed(['a', 'b', 'c', 'd'], 2), 'a, b and 2 more');
  });

  it('says each kind of requirement as a sentence', () => {
    assert.equal(requirementText({ id: 'a', kind: 'served-by', algorithm: 'cbc(aes)', driver: 'virtio_crypto_*|*-aesni' }), 'the generic name cbc(aes) is served by a driver matching virtio_crypto_* or *-aesni');
    assert.equal(requirementText({ id: 'a', kind: 'passes-vectors', driver: 'x*', module: 'm', algorithm: 'cbc(*)|ecb(*)' }), 'every driver matching x* of module m for cbc(*) or ecb(*) passes every vector it runs (at least one)');
    assert.equal(requirementText({ id: 'a', kind: 'passes-vectors' }), 'every driver passes every vector it runs (at least one)');
    assert.equal(requirementText({ id: 'a', kind: 'min-priority', algorithm: 'sha256', priority: 300 }), 'the driver serving sha256 has priority ≥ 300');
    assert.equal(requirementText({ id: 'a', kind: 'no-critical-verdicts' }), 'no critical priority verdict for any algorithm');
    assert.equal(requirementText({ id: 'a', kind: 'no-critical-verdicts', algorithm: 'a|b' }), 'no critical priority verdict for a or b');
  });

  it('names the operation of a min-throughput: its own, else the one given for the run, else both defaults', () => {
    const fast = { id: 't', kind: 'min-throughput', algorithm: 'sha256', size: 65536, mbPerSecond: 50 } as const;
    assert.equal(requirementText(fast), 'sha256 encrypt (digest for a hash) through the generic name reaches ≥ 50 MB/s at 64 KiB (copy path, median)');
    assert.equal(requirementText(fast, 'digest'), 'sha256 digest through the generic name reaches ≥ 50 MB/s at 64 KiB (copy path, median)');
    assert.equal(requirementText({ ...fast, op: 'decrypt', target: 'virtio_crypto_aes_cbc', path: 'zerocopy' }, 'digest'), 'sha256 decrypt on virtio_crypto_aes_cbc reaches ≥ 50 MB/s at 64 KiB (zerocopy path, median)');
  });

  it('counts the requirements met', () => {
    const verdict = (met: number, total: number): SpecVerdict => ({ spec: 's', file: 'f', results: Array.from({ length: total }, (_, i) => ({ id: `${i}`, kind: 'served-by', requirement: 'r', met: i < met, evidence: 'e' })), met, unmet: total - met });
    assert.equal(specCountText(verdict(5, 6)), '5 of 6 requirements met');
    assert.equal(specCountText(verdict(1, 1)), '1 of 1 requirement met');
  });
});
