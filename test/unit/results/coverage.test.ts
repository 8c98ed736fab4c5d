import assert from 'node:assert/strict';
import { coverageOf, coverageVerdicts, describeCoverage, dimsOf, type CoverageBatch } from '../../../harness/results/coverage.js';
import { boundaryCases } from '../../../vectors/boundary/boundary.js';
import { catalogEntry, type CatalogAlgorithm } from '../../../vectors/catalog.js';
import type { VectorCase } from '../../../vectors/vector-case.js';

const entry = (name: string): CatalogAlgorithm => catalogEntry(name) as CatalogAlgorithm;
const vectorCase = (bytes: number, op: 'encrypt' | 'decrypt' = 'encrypt'): VectorCase => ({
  id: `tcId ${bytes}`,
  expectation: 'valid',
  body: { type: 'aead', key: Buffer.alloc(16).toString('base64'), iv: Buffer.alloc(12).toString('base64'), assoc: Buffer.alloc(20).toString('base64'), authsize: 16, op, input: Buffer.alloc(bytes).toString('base64') },
});

describe('results/coverage', () => {
  it('reads the dimensions of a vector-file case from its body (an AEAD decrypt input less its tag)', () => {
    assert.deepEqual(dimsOf(vectorCase(48, 'decrypt')), { length: 32, keyLength: 16, aadLength: 20, authsize: 16 });
  });

  it('thin: 36 short vectors only is a warning naming the target; with the boundary cases it is not', () => {
    const vectors: CoverageBatch = { algorithm: 'gcm(aes)', source: 'wycheproof/aes_gcm_test.json', targets: [{ name: 'gcm(aes)' }, { name: 'generic-gcm-aesni' }], strategies: ['oneshot', 'chunks'], cases: Array.from({ length: 36 }, (_, i) => vectorCase(i)) };
    const thin = coverageOf([vectors]);
    assert.equal(thin.length, 2);
    assert.equal(thin[0]?.cases, 36);
    assert.equal(thin[0]?.executions, 72);
    const verdicts = coverageVerdicts(thin);
    assert.equal(verdicts.length, 2);
    assert.match(verdicts[0]?.message ?? '', /only 36 cases .* and nothing longer than one page \(longest 35 bytes\)/);
    assert.deepEqual(verdicts[1]?.drivers, ['generic-gcm-aesni']);

    const set = boundaryCases(entry('gcm(aes)'), 'cov');
    const boundary: CoverageBatch = { algorithm: 'gcm(aes)', source: 'boundary', targets: [{ name: 'generic-gcm-aesni' }], strategies: ['oneshot', 'chunks', 'page-cross', 'inplace'], cases: set.oracle };
    const [, full] = coverageOf([vectors, boundary]);
    assert.equal(full?.cases, 36 + set.oracle.length);
    assert.ok((full?.beyondPage ?? 0) > 0 && full?.length.max === 65536);
    assert.deepEqual(full?.authsizes, [4, 8, 12, 13, 14, 15, 16]);
    assert.ok((full?.forgedTags ?? 0) >= 7 && (full?.refusals ?? 0) > (full?.forgedTags ?? 0));
    assert.equal(full?.aad?.max, 0xff00);
    assert.equal(full?.sockets, 3);
    assert.equal(full?.threads, 4, 'a request of more than 32 cases is split over the agent pool');
    assert.deepEqual(full?.bySource, { vectors: 36, boundary: set.oracle.length, differential: 0 });
    assert.equal(coverageVerdicts([full!]).length, 0);
    assert.match(describeCoverage(full!), /boundary, 0 differential\); lengths 0\.\.65536 .*forged tags; 3 sockets interleaved/);
  });

  it('counter widths and wrap points of ctr(aes) boundary cases', () => {
    const set = boundaryCases(entry('ctr(aes)'), 'cov');
    const [row] = coverageOf([{ algorithm: 'ctr(aes)', source: 'boundary', targets: [{ name: 'ctr-aes-aesni' }], strategies: ['oneshot'], cases: set.oracle }]);
    assert.deepEqual(row?.counterWidths, [16, 32, 64, 128]);
    assert.deepEqual(row?.wrapPoints, [1, 3, 300]);
    assert.deepEqual(row?.keySizes, [16, 24, 32]);
    assert.equal(row?.refusals, 4, 'keys of 1, 15, 17 and 33 bytes refused');
  });
});
