import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildCReference } from '../../../harness/bench/c-reference.js';
import { cReferenceArgs, parseCReferenceOutput } from '../../../harness/protocol/c-reference-program.js';
import { findOnPath } from '../../../harness/core/exec.js';
import type { BenchRequestBody } from '../../../harness/protocol/messages.js';
import { useTempDir } from '../../support/temp-dir.js';

function run(program: string, args: string[]): { code: number | null; stdout: string } {
  const result = spawnSync(program, args, { encoding: 'utf8', timeout: 10000 });
  return { code: result.status, stdout: result.stdout };
}

const hashArgs = ['hash', 'sha256', 'digest', 'copy', '16,4096', '-', '-', '0', '0', '0', '1', '1'];

describe('bench/c-reference', () => {
  describe('buildCReference and the program', function () {
    this.timeout(60000);
    const tmp = useTempDir('afalg-cref-test-');
    let program = '';

    before(async function () {
      if (!findOnPath(process.env.CC ?? 'cc')) this.skip();
      const built = await buildCReference({ dir: path.join(tmp.path, 'bin') });
      assert.ok('program' in built, `build failed: ${JSON.stringify(built)}`);
      program = built.program;
    });

    it('builds the program into the given folder, named for the machine and the source', () => {
      assert.match(path.basename(program), /^afalg-speed-[\w-]+-[0-9a-f]{12}$/);
      assert.equal(path.dirname(program), path.join(tmp.path, 'bin'));
      fs.accessSync(program, fs.constants.X_OK);
      assert.deepEqual(fs.readdirSync(path.join(tmp.path, 'bin')), [path.basename(program)], 'no temp file left behind');
    });

    it('reuses the cached program without rebuilding', async () => {
      const before = fs.statSync(program).mtimeMs;
      const first = await buildCReference({ dir: path.join(tmp.path, 'bin') });
      const again = await buildCReference({ dir: path.join(tmp.path, 'bin') });
      assert.ok('program' in again && 'program' in first);
      assert.equal(again.program, program);
      assert.equal(again.static, first.static);
      assert.equal(fs.statSync(program).mtimeMs, before);
    });

    it('answers valid arguments with the kernel: socket: EAFNOSUPPORT on a host without AF_ALG', () => {
      const { code, stdout } = run(program, hashArgs);
      if (code === 0) {
        // a host whose kernel has AF_ALG measures for real
        assert.deepEqual(
          parseCReferenceOutput(stdout).points.map((point) => point.size),
          [16, 4096],
        );
        return;
      }
      assert.equal(stdout, '{"error":"socket: EAFNOSUPPORT"}\n');
      assert.equal(code, 1);
    });

    it('rejects bad arguments with an args: error and exit 2', () => {
      const cases: Array<[string[], RegExp]> = [
        [[], /^args: expected 12 arguments/],
        [hashArgs.slice(0, 11), /^args: expected 12 arguments.*got 11$/],
        [hashArgs.map((arg, i) => (i === 3 ? 'mmap' : arg)), /^args: unknown PATH 'mmap'/],
        [hashArgs.map((arg, i) => (i === 4 ? '16,0' : arg)), /^args: size 0 outside 1\.\.131072$/],
        [hashArgs.map((arg, i) => (i === 4 ? '131073' : arg)), /^args: size 131073 outside/],
        [hashArgs.map((arg, i) => (i === 2 ? 'encrypt' : arg)), /^args: OP 'encrypt' does not fit TYPE hash/],
        [hashArgs.map((arg, i) => (i === 5 ? '0g' : arg)), /^args: KEYHEX is not hex$/],
        [hashArgs.map((arg, i) => (i === 11 ? 'x"y' : arg)), /^args: REPETITIONS 'x"y' is not a non-negative integer$/],
      ];
      for (const [args, message] of cases) {
        const { code, stdout } = run(program, args);
        assert.equal(stdout.split('\n').length, 2, `one line for ${args.join(' ')}`);
        const answer = JSON.parse(stdout) as { error: string };
        assert.match(answer.error, message);
        assert.equal(code, 2, args.join(' '));
      }
    });
  });

  describe('buildCReference without a working compiler', () => {
    const tmp = useTempDir('afalg-cref-nocc-');

    it('reports a missing compiler instead of throwing', async () => {
      const built = await buildCReference({ cc: path.join(tmp.path, 'no-such-cc'), dir: path.join(tmp.path, 'bin') });
      assert.deepEqual(built, { unavailable: `no C compiler (${path.join(tmp.path, 'no-such-cc')}); install gcc to measure the C reference` });
    });

    it('reports a failing compiler with its error line', async () => {
      const fake = path.join(tmp.path, 'fake-cc');
      fs.writeFileSync(fake, '#!/bin/sh\necho "afalg-speed.c: In function main:" >&2\necho "afalg-speed.c:1:1: error: boom" >&2\nexit 1\n', { mode: 0o755 });
      const built = await buildCReference({ cc: fake, dir: path.join(tmp.path, 'bin') });
      assert.deepEqual(built, { unavailable: 'cc failed: afalg-speed.c:1:1: error: boom' });
      assert.deepEqual(fs.readdirSync(path.join(tmp.path, 'bin')), [], 'no temp file left behind');
    });
  });

  describe('cReferenceArgs', () => {
    const base: BenchRequestBody = {
      type: 'skcipher',
      alg: 'cbc-aes-aesni',
      operation: 'encrypt',
      path: 'zerocopy',
      sizes: [16, 4096, 65536],
      key: Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex').toString('base64'),
      iv: Buffer.alloc(16, 0xff).toString('base64'),
      warmupMs: 100,
      repetitionMs: 500,
      repetitions: 5,
    };

    it('maps a skcipher request: base64 to hex, sizes joined, no AAD or tag', () => {
      assert.deepEqual(cReferenceArgs(base), [
        'skcipher',
        'cbc-aes-aesni',
        'encrypt',
        'zerocopy',
        '16,4096,65536',
        '000102030405060708090a0b0c0d0e0f',
        'ff'.repeat(16),
        '0',
        '0',
        '100',
        '500',
        '5',
      ]);
    });

    it('writes - for an absent key or IV (unkeyed hash)', () => {
      const args = cReferenceArgs({ ...base, type: 'hash', alg: 'sha256', operation: 'digest', path: 'copy', sizes: [64], key: undefined, iv: undefined });
      assert.deepEqual(args, ['hash', 'sha256', 'digest', 'copy', '64', '-', '-', '0', '0', '100', '500', '5']);
    });

    it('passes AAD length and tag length for aead', () => {
      const args = cReferenceArgs({ ...base, type: 'aead', alg: 'rfc4106(gcm(aes))', operation: 'decrypt', assocLength: 24, authsize: 12 });
      assert.deepEqual(args.slice(7, 9), ['24', '12']);
    });

    it('uses the agent defaults for aead: no AAD, a 16-byte tag', () => {
      const args = cReferenceArgs({ ...base, type: 'aead', alg: 'gcm(aes)' });
      assert.deepEqual(args.slice(7, 9), ['0', '16']);
    });

    it('gives 0 AAD and tag length for non-aead requests even when set', () => {
      const args = cReferenceArgs({ ...base, assocLength: 8, authsize: 16 });
      assert.deepEqual(args.slice(7, 9), ['0', '0']);
    });
  });

  describe('parseCReferenceOutput', () => {
    it('accepts a good line', () => {
      const line = '{"points":[{"size":16,"repetitions":[{"ops":123,"ns":100012345},{"ops":124,"ns":100000001}]},{"size":4096,"repetitions":[{"ops":7,"ns":100300000}]}]}\n';
      assert.deepEqual(parseCReferenceOutput(line), {
        points: [
          { size: 16, repetitions: [{ ops: 123, ns: 100012345 }, { ops: 124, ns: 100000001 }] },
          { size: 4096, repetitions: [{ ops: 7, ns: 100300000 }] },
        ],
      });
    });

    it('turns an error line into an Error with its message', () => {
      assert.throws(() => parseCReferenceOutput('{"error":"socket: EAFNOSUPPORT"}\n'), { message: 'afalg-speed: socket: EAFNOSUPPORT' });
    });

    it('rejects malformed output with a clear message', () => {
      assert.throws(() => parseCReferenceOutput(''), { message: 'afalg-speed: no output' });
      assert.throws(() => parseCReferenceOutput('{"points":[{"size":16'), { message: /^afalg-speed: output is not JSON: "\{\\"points/ });
      assert.throws(() => parseCReferenceOutput('{"points":[{"size":16,"repetitions":[{"ops":1.5,"ns":3}]}]}'), {
        message: "afalg-speed: unexpected output: field '/points/0/repetitions/0/ops' must be integer",
      });
      assert.throws(() => parseCReferenceOutput('{"points":[{"size":16}]}'), {
        message: "afalg-speed: unexpected output: missing field '/points/0/repetitions'",
      });
      assert.throws(() => parseCReferenceOutput('{"points":[],"extra":1}'), { message: /^afalg-speed: unexpected output: / });
    });
  });
});
