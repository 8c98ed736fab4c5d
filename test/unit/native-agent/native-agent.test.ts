/**
 * The native agent on the host (no kernel crypto needed): its C parser and encoder under
 * AddressSanitizer/UBSan, a bounded libFuzzer run of the request parser over the regression corpus,
 * the static builds for the three architectures, and its framing over stdio: bad input of every
 * kind gets an error answer naming the problem, and the agent goes on answering.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { findOnPath } from '../../../harness/core/exec.js';
import { buildNativeAgent, type NativeArch } from '../../../harness/native-agent/build.js';
import { DAMAGED_LINE_ERROR } from '../../../harness/protocol/codec.js';
import { projectRoot } from '../../../harness/core/paths.js';

const root = path.join(projectRoot, 'harness', 'native-agent');
const parserSources = ['src/json.c', 'src/json-writer.c', 'src/base64.c', 'src/request.c', 'src/kmsg-record.c', 'src/wire.c', 'src/errnames.c'].map((file) => path.join(root, file));
/** libFuzzer targets of outside input, each with its regression corpus */
const FUZZ_TARGETS = [
  { what: 'request parser', program: 'fuzz-request', corpus: 'corpus' },
  { what: '/dev/kmsg record parser and ring', program: 'fuzz-kmsg', corpus: 'corpus-kmsg' },
];
const WARNINGS = ['-std=c11', '-g', '-Wall', '-Wextra', '-Werror'];

function mustCompile(cc: string, args: string[]): void {
  const result = spawnSync(cc, args, { encoding: 'utf8' });
  assert.equal(result.status, 0, `${cc} ${args.join(' ')}:\n${result.stderr}`);
}

/** ELF e_machine of a file. */
function elfMachine(file: string): number {
  const head = fs.readFileSync(file).subarray(0, 20);
  assert.equal(head.readUInt32BE(0), 0x7f454c46, `${file} is ELF`);
  return head.readUInt16LE(18);
}

/** Send lines to the agent over stdio; resolves with its frames once it exits. */
function talk(program: string, input: string): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', () => resolve(out.split('\n').filter((line) => line.startsWith('@afalg1 ')).map((line) => JSON.parse(line.slice(8)) as Record<string, unknown>)));
    child.stdin.end(input);
  });
}

/** An answer's error message, '' when it has none. */
const error = (frame: Record<string, unknown> | undefined): string => ((frame?.error as { message?: string } | undefined)?.message ?? '');

describe('native agent (host)', function () {
  this.timeout(120_000);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-native-test-'));
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('passes its parser and encoder tests under AddressSanitizer and UBSan', () => {
    const program = path.join(work, 'parser-test');
    mustCompile('gcc', [...WARNINGS, '-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-o', program, path.join(root, 'test', 'parser-test.c'), ...parserSources, '-lm']);
    const result = spawnSync(program, { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^\d+ passed, 0 failed$/m);
  });

  for (const target of FUZZ_TARGETS) {
    it(`survives a bounded libFuzzer run of its ${target.what} over the regression corpus`, function () {
      if (!findOnPath('clang')) this.skip(); // scripts/setup-debian.sh --tests installs clang
      this.timeout(180_000);
      const program = path.join(work, target.program);
      mustCompile('clang', [...WARNINGS, '-O1', '-fsanitize=fuzzer,address,undefined', '-o', program, path.join(root, 'fuzz', `${target.program}.c`), ...parserSources, '-lm']);
      const scratch = fs.mkdtempSync(path.join(work, 'corpus-'));
      const seconds = process.env.AFALG_FUZZ_SECONDS ?? '20';
      const result = spawnSync(program, [`-max_total_time=${seconds}`, '-max_len=8192', '-timeout=10', `-artifact_prefix=${work}/`, scratch, path.join(root, 'fuzz', target.corpus)], { encoding: 'utf8' });
      assert.equal(result.status, 0, `the fuzzer found a crash (add the input to harness/native-agent/fuzz/${target.corpus} once fixed):\n${result.stderr.split('\n').slice(-30).join('\n')}`);
      assert.match(result.stderr, /Done \d+ runs/);
    });
  }

  const machines: Record<NativeArch, number> = { x86_64: 62, aarch64: 183, armhf: 40 };
  for (const arch of Object.keys(machines) as NativeArch[]) {
    it(`builds a static ${arch} agent`, async function () {
      const build = await buildNativeAgent(arch, { dir: work }).catch((error: Error) => error);
      if (build instanceof Error) {
        if (arch !== 'x86_64' && /no C compiler/.test(build.message)) this.skip(); // cross compilers: setup --tests
        throw build;
      }
      assert.equal(elfMachine(build.program), machines[arch]);
      assert.ok(!spawnSync('readelf', ['-l', build.program], { encoding: 'utf8' }).stdout.includes('INTERP'), 'no dynamic loader');
      process.stdout.write(`      [${arch}: ${build.size} bytes]\n`);
    });
  }

  it('answers bad input with errors naming the problem and goes on answering', async () => {
    const { program } = await buildNativeAgent('x86_64', { dir: work });
    const lines = [
      'console noise without a marker',
      '',
      ' \t',
      '@afalg1 {"id":1,"op":"hello"}',
      '@afalg1 {"id":2,"op":',
      '@afalg1 [1,2]',
      '@afalg1 {"id":3,"op":"teleport"}',
      '@afalg1 {"id":4,"op":"run","cases":[{"type":"hash","ref":"r","alg":"sha256","msg":7}]}',
      '@afalg1 {"id":5,"op":"matrix","algs":["sha256"],"strategies":["oneshot"],"cases":[{"type":"hash","msg":"not base64!"}]}',
      '@afalg1 {"id":6,"op":"bind","probes":"sha256"}',
      `@afalg1 {"id":7,"op":"run","cases":[{"type":"hash","ref":"big","alg":"sha256","msg":"${Buffer.alloc(200_000).toString('base64')}"}]}`,
      '@afalg1 {"id":10,"op":"kernel-log","since":-1}',
      '@afalg1 {"id":8,"op":"bye"}',
      '@afalg1 {"id":9,"op":"hello"}',
    ];
    const frames = await talk(program, lines.join('\n') + '\n');
    const [ready, ...answers] = frames;
    assert.equal(ready?.event, 'ready');
    assert.deepEqual(answers.map((frame) => frame.id), [-1, 1, -1, -1, 3, 4, 5, 6, 7, 10, 8], 'one answer per request (the line without a marker a damaged one), none after bye');
    assert.equal(error(answers.shift()), `${DAMAGED_LINE_ERROR}: console noise without a marker`);
    assert.equal((answers[0]?.result as { node: string }).node, 'native');
    assert.match(error(answers[1]), /^corrupt frame: @afalg1 \{"id":2,"op": \(unexpected end/);
    assert.match(error(answers[2]), /malformed request: needs numeric id and string op/);
    assert.match(error(answers[3]), /unknown op "teleport"/);
    assert.match(error(answers[4]), /run: cases\[0\]\.msg: expected string, got number/);
    assert.match(error(answers[5]), /matrix: cases\[0\]\.msg: not base64/);
    assert.match(error(answers[6]), /bind: probes: expected array, got string/);
    assert.match(error(answers[8]), /^kernel-log: since: expected a whole number >= 0, got -1$/);
    // a case larger than the agent's buffers is an outcome (E2BIG at send, like the Node agent), or a
    // bind error on a host without AF_ALG: never a crash
    const big = (answers[7]?.result as { outcomes: Array<{ ref: string; status: string; error: string }> }).outcomes[0];
    assert.equal(big?.status, 'error');
    assert.match(big?.error ?? '', /^(E2BIG|EAFNOSUPPORT)$/);
  });

  it('answers a matrix split over its workers with every execution counted and outcomes in case order', async () => {
    const { program } = await buildNativeAgent('x86_64', { dir: work });
    // transforms no kernel has: every execution is a bind error outcome, with or without AF_ALG on this host
    const algs = ['afalg-test-missing-a', 'afalg-test-missing-b', 'afalg-test-missing-c'];
    const strategies = ['oneshot', 'chunks'];
    // cases 30–35 interleave three sockets (boundary 'state socket' cases): a chunk never cuts that run
    const cases = Array.from({ length: 40 }, (_, i) => ({ type: 'hash', msg: Buffer.from(`case ${i}`).toString('base64'), ...(i >= 30 && i < 36 ? { socket: i % 3 } : {}) }));
    const request = (id: number, differential: boolean): string => `@afalg1 ${JSON.stringify({ id, op: 'matrix', algs, strategies, cases, differential })}`;
    const badSocket = `@afalg1 ${JSON.stringify({ id: 4, op: 'matrix', algs, strategies, cases: [{ type: 'hash', msg: '', socket: 99 }] })}`;
    const frames = await talk(program, [request(1, false), request(2, true), badSocket, '@afalg1 {"id":3,"op":"bye"}'].join('\n') + '\n');
    assert.match((frames[3]?.error as { message: string }).message, /^matrix: cases\[0\]\.socket: expected an integer in 0\.\.15, got 99$/);
    type Outcome = { index: number; alg: string; strategy: string; status: string; step: string };
    const [plain, differential] = frames.slice(1, 3).map((frame) => frame.result as { executed: number; outcomes: Outcome[] });
    assert.equal(plain?.executed, 240);
    const order = (outcomes: Outcome[] | undefined): string[] => (outcomes ?? []).map((outcome) => `${outcome.index} ${outcome.alg} ${outcome.strategy}`);
    assert.deepEqual(order(plain?.outcomes), cases.flatMap((_, i) => algs.flatMap((alg) => strategies.map((strategy) => `${i} ${alg} ${strategy}`))));
    assert.ok(plain?.outcomes.every((outcome) => outcome.status === 'error' && outcome.step === 'bind'));
    // differential: the reference failing ends each case after its one-shot
    assert.equal(differential?.executed, 40);
    assert.deepEqual(order(differential?.outcomes), cases.map((_, i) => `${i} ${algs[0]} oneshot`));
  });

  it('without the in-kernel executor module (this host): kexec, a matrix naming kernelAlgs and a bench through it each fail whole, naming the device', async () => {
    const { program } = await buildNativeAgent('x86_64', { dir: work });
    const lines = [
      '@afalg1 {"id":1,"op":"kexec","frame":"QUtYMg=="}',
      '@afalg1 {"id":2,"op":"matrix","algs":["virtio_crypto_aes_cbc"],"strategies":["oneshot"],"kernelAlgs":["virtio_crypto_aes_cbc"],"cases":[{"type":"hash","msg":""}]}',
      '@afalg1 {"id":3,"op":"matrix","algs":["x"],"strategies":["oneshot"],"kernelAlgs":[7],"cases":[]}',
      '@afalg1 {"id":4,"op":"bench","type":"hash","alg":"sha256","operation":"digest","path":"copy","sizes":[16],"warmupMs":1,"repetitionMs":1,"repetitions":1,"executor":"kernel"}',
      '@afalg1 {"id":5,"op":"bench","type":"hash","alg":"sha256","operation":"digest","path":"zerocopy","sizes":[16],"warmupMs":1,"repetitionMs":1,"repetitions":1,"executor":"kernel"}',
      '@afalg1 {"id":6,"op":"bench","type":"hash","alg":"sha256","operation":"digest","path":"copy","sizes":[16],"warmupMs":1,"repetitionMs":1,"repetitions":1,"executor":"gpu"}',
    ];
    const answers = (await talk(program, lines.join('\n') + '\n')).slice(1);
    const messages = answers.map((frame) => error(frame) || 'ok');
    const missing = /\/dev\/afalg_kexec: No such file or directory \(is the afalg_kexec module loaded\?\)/;
    assert.match(messages[0] ?? '', missing);
    assert.match(messages[1] ?? '', missing);
    assert.equal(messages[2], 'matrix: kernelAlgs[0]: expected string, got number');
    assert.match(messages[3] ?? '', missing);
    assert.equal(messages[4], 'bench: the in-kernel executor measures the copy path only, not zerocopy');
    assert.equal(messages[5], 'bench: executor: expected "kernel", got "gpu"');
  });

  it("answers kernel-config with this kernel's .config as the Node agent reads it", async () => {
    const { program } = await buildNativeAgent('x86_64', { dir: work });
    const [, answer] = await talk(program, '@afalg1 {"id":1,"op":"kernel-config"}\n');
    const result = answer?.result as { source?: string; text?: string; tried: string[] };
    const boot = `/boot/config-${os.release()}`;
    assert.deepEqual(result.tried, ['/proc/config.gz', boot]);
    const expected = fs.existsSync('/proc/config.gz') ? zlib.gunzipSync(fs.readFileSync('/proc/config.gz')).toString('utf8') : fs.existsSync(boot) ? fs.readFileSync(boot, 'utf8') : undefined;
    assert.equal(result.text, expected);
    assert.equal(result.source, expected === undefined ? undefined : fs.existsSync('/proc/config.gz') ? '/proc/config.gz' : boot);
  });
});
