import assert from 'node:assert/strict';
import { loadBoard } from '../../../harness/board/board.js';
import { runSettingsOf } from '../../../harness/cli/run-settings.js';
import type { RunArgs } from '../../../harness/cli/options.js';
import { expectBadInput } from '../../support/bad-input.js';

const settingsExecutor = (settings: { executor?: string }) => settings.executor;

describe('cli/run-settings', () => {
  const board = loadBoard('qemu-x86_64');
  const of = (args: RunArgs) => runSettingsOf(args, board, '/vectors');

  it('fills every default once: strategies, counts, seed, hang limit, no bench', () => {
    const settings = of({ board: 'qemu-x86_64' });
    assert.equal(settings.board, board.file);
    assert.equal(settings.vectorsDir, '/vectors');
    assert.deepEqual(settings.strategies, ['oneshot', 'chunks', 'page-cross', 'inplace', 'chained', 'zerocopy', 'concurrent']);
    assert.deepEqual([settings.differential, settings.mctCheckpoints, settings.hangSec], [8, 10, board.timeouts?.hangSec ?? 20]);
    assert.deepEqual(settings.boundary, { thorough: false }, 'boundary cases in every default run');
    assert.deepEqual([of({ thorough: true }).differential, of({ thorough: true }).boundary], [100, { thorough: true }]);
    assert.equal(of({ boundary: false }).boundary, undefined);
    assert.match(settings.seed, /^[0-9a-f]{8}$/);
    assert.equal(settings.bench, undefined);
    assert.deepEqual([settings.fixtures, settings.loadModules], [[], []]);
  });

  it('keeps what was asked: patterns, comma lists, bench settings, the seed', () => {
    const settings = of({ alg: ['cbc(aes)'], driver: ['virtio*'], strategies: ['oneshot,chunks'], seed: 'abc', sample: 5, bench: true, sizes: ['4096,64'], paths: ['copy'], tcrypt: false, 'c-reference': false });
    assert.deepEqual([settings.alg, settings.driver, settings.strategies, settings.seed, settings.sample], [['cbc(aes)'], ['virtio*'], ['oneshot', 'chunks'], 'abc', 5]);
    assert.deepEqual(settings.bench, { sizes: [64, 4096], seconds: 0.09, repetitions: 3, maxRepetitions: 10, precision: 0.03, budget: 90, paths: ['copy'], cReference: false });
    assert.equal(of({ bench: true, budget: 0 }).bench?.budget, undefined, '--budget 0: none');
    assert.equal(of({ bench: true }).bench?.tcryptSec, 0, 'tcrypt cycle counts by default');
    // stored as is in run.json and read back as is: plain JSON, nothing lost on the way
    assert.deepEqual(JSON.parse(JSON.stringify(settings)), settings);
  });

  it("takes the executor from --executor, else the board's qemu.executor, else AF_ALG only", () => {
    const sid = loadBoard('qemu-x86_64-sid');
    const onSid = (args: RunArgs) => runSettingsOf(args, sid, '/vectors');
    assert.equal(settingsExecutor(of({})), undefined, 'bookworm: AF_ALG only');
    assert.equal(settingsExecutor(onSid({})), 'auto', 'the 7.x board reaches its accelerator through the module');
    assert.equal(settingsExecutor(onSid({ executor: 'afalg' })), undefined, '--executor afalg overrides the board');
    assert.equal(settingsExecutor(of({ executor: 'kernel' })), 'kernel');
  });

  it('has no vectors directory on a bench-only run', () => {
    assert.equal(runSettingsOf({ bench: true, runVectors: false }, board, undefined).vectorsDir, undefined);
  });

  it('refuses bad values with one line naming the option, before anything boots', () => {
    expectBadInput(() => of({ strategies: ['sideways'] }), "--strategies: unknown strategy 'sideways'; known: oneshot, chunks, page-cross, inplace, chained, zerocopy, concurrent");
    expectBadInput(() => of({ differential: -1 }), /^--differential: /);
    expectBadInput(() => of({ sample: 0 }), /^--sample: /);
    expectBadInput(() => of({ 'hang-sec': 500 }), /^--hang-sec: expected seconds above 0 and below the board's request timeout/);
    expectBadInput(() => of({ bench: true, sizes: ['16,0'] }), "--sizes: '0' is not a size in bytes from 1 to 131072");
    expectBadInput(() => of({ bench: true, paths: ['mmap'] }), "--paths: unknown data path 'mmap'; known: copy, zerocopy");
    expectBadInput(() => of({ alg: ['no-such-alg'] }), /^--alg: /);
    expectBadInput(() => of({ fixtures: ['nope'] }), /^--fixtures: unknown fixture 'nope'/);
  });
});
