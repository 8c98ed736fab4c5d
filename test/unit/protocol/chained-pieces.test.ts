import assert from 'node:assert/strict';
import { chainedPieces } from '../../../harness/protocol/constants.js';

describe('protocol/chainedPieces (the chained strategy\'s requests)', () => {
  // the same table as test_chained_pieces() in harness/native-agent/test/parser-test.c
  const cases: [length: number, unit: number, pieces: number[]][] = [
    [0, 16, [0]],
    [15, 16, [15]],
    [31, 16, [31]],
    [32, 16, [16, 16]],
    [33, 16, [16, 16, 1]],
    [48, 16, [16, 16, 16]],
    [64, 16, [16, 16, 32]],
    [20480, 16, [16, 10224, 10240]],
    [24, 8, [8, 8, 8]],
    [100, 0, [100]],
  ];
  for (const [length, unit, pieces] of cases) {
    it(`${length} bytes in ${unit}-byte blocks: ${pieces.join(' + ')}`, () => {
      assert.deepEqual(chainedPieces(length, unit), pieces);
    });
  }

  it('always covers the whole input, with every boundary on a block and the second longer than a page for inputs over two pages and 64 bytes (the long boundary cases)', () => {
    for (let length = 0; length <= 20_000; length += 7) {
      const pieces = chainedPieces(length, 16);
      assert.equal(pieces.reduce((a, b) => a + b, 0), length);
      for (const piece of pieces.slice(0, -1)) assert.equal(piece % 16, 0);
      if (length > 2 * 4096 + 64) assert.ok((pieces[1] ?? 0) > 4096, `${length}: ${pieces.join(' + ')}`);
    }
  });
});
