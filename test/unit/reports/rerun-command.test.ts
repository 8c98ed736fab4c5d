import assert from 'node:assert/strict';
import { narrowingOf, rerunCommand, shellWord } from '../../../reports/format.js';
import { fixtureMeta } from '../results/run-fixture.js';

describe('reports/format rerunCommand (the one line that reruns a failure)', () => {
  const meta = fixtureMeta();
  const row = { algorithm: 'cbc(aes)', target: 'cbc-aes-fixture-iv-out' };

  it('names board, algorithm, target, strategy, case, seed and the vectors directory', () => {
    assert.equal(
      rerunCommand(meta, row, { source: 'nist/ciphers/AES/CBC/CBCMMT128.rsp', case: 'COUNT 2 encrypt', strategy: 'chained' }),
      "afalg-harness run --board /work/boards/qemu-x86_64.json --alg 'cbc(aes)' --driver cbc-aes-fixture-iv-out --strategies chained --case 'COUNT 2 encrypt' --seed 5eed --vectors /home/user/.cache/afalg-harness/vectors",
    );
  });

  it('a generated case: the seed makes it, and a differential case needs the run\'s count; fixtures, modules, executor and agent as the run had them', () => {
    const settings = { ...meta.settings, differential: 12, boundary: { thorough: true }, fixtures: ['cbc_iv_out', 'xts_hang'], loadModules: ['/tmp/my driver.ko'], executor: 'kernel' as const, agent: 'native' as const };
    assert.equal(
      rerunCommand({ settings }, row, { source: 'differential', case: 'seed 5eed#7', strategy: 'zerocopy' }),
      "afalg-harness run --board /work/boards/qemu-x86_64.json --alg 'cbc(aes)' --driver cbc-aes-fixture-iv-out --strategies zerocopy --case 'seed 5eed#7' --seed 5eed --differential 12 --thorough --vectors /home/user/.cache/afalg-harness/vectors --fixtures cbc_iv_out xts_hang --load-module '/tmp/my driver.ko' --executor kernel --agent native",
    );
    assert.doesNotMatch(rerunCommand({ settings }, row, { source: 'boundary', case: 'b:5eed#3 len 20480', strategy: 'chained' }), /--differential/);
  });

  it('says what narrowed a run, so that a narrowed report never reads as a full one', () => {
    assert.equal(narrowingOf({ ...meta.settings, alg: undefined, driver: undefined, sample: undefined }), undefined);
    assert.equal(narrowingOf({ ...meta.settings, alg: ['cbc(aes)'], driver: undefined, cases: ['tcId 1*'], sample: 20 }), "--alg 'cbc(aes)'; --case 'tcId 1*'; --sample 20");
  });

  it('quotes for sh: single quotes, an embedded one closed and escaped', () => {
    assert.equal(shellWord('tcId 1'), "'tcId 1'");
    assert.equal(shellWord("it's"), "'it'\\''s'");
    assert.equal(shellWord('plain-word_1.json'), 'plain-word_1.json');
    assert.equal(shellWord('$(reboot)'), "'$(reboot)'");
  });
});
