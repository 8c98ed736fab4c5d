/**
 * The C reference for throughput: bench/afalg-speed.c makes the same AF_ALG system calls as the
 * agent's loop (harness/agent/afalg-bench.ts) without Node or koffi in between. This module builds
 * it for the host architecture into the cache, maps a bench request onto its arguments and reads
 * its one line of JSON back.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AjvModule from 'ajv';
import { findOnPath } from '../exec.js';
import { describeSchemaError } from '../json-validation.js';
import { cacheDir, projectRoot } from '../paths.js';
import type { BenchPoint, BenchRequestBody } from '../protocol/messages.js';

// ajv is CommonJS; under NodeNext its default export is the module object
const Ajv = AjvModule.default;

export const C_REFERENCE_SOURCE = path.join(projectRoot, 'bench', 'afalg-speed.c');

/** Flags of every build; -static is tried first and dropped when the C library has no static archive. */
export const C_REFERENCE_FLAGS = ['-O2', '-Wall', '-Wextra', '-Werror', '-std=gnu11'];

export type CReferenceBuild = { program: string; static: boolean } | { unavailable: string };

/**
 * Build the program into `<dir>/afalg-speed-<machine>-<hash>` (dir: `<cache>/bin`), or reuse it when
 * that file exists. Returns `unavailable` (never throws) when there is no compiler or it fails.
 */
export async function buildCReference(options: { cc?: string; dir?: string } = {}): Promise<CReferenceBuild> {
  const cc = options.cc ?? process.env.CC ?? 'cc';
  const dir = options.dir ?? cacheDir('bin');
  const source = fs.readFileSync(C_REFERENCE_SOURCE, 'utf8');
  const digest = crypto.createHash('sha256').update(source).update(C_REFERENCE_FLAGS.join(' ')).digest('hex').slice(0, 12);
  const program = path.join(dir, `afalg-speed-${os.machine()}-${digest}`);
  if (fs.existsSync(program)) return { program, static: !needsInterpreter(program) };

  const noCompiler = { unavailable: `no C compiler (${cc}); install gcc to measure the C reference` };
  if (!findOnPath(cc)) return noCompiler;
  fs.mkdirSync(dir, { recursive: true });
  const temp = `${program}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  try {
    let failure: CompileResult | undefined;
    for (const linkStatic of [true, false]) {
      const result = await compile(cc, [...C_REFERENCE_FLAGS, ...(linkStatic ? ['-static'] : []), '-o', temp, C_REFERENCE_SOURCE]);
      if (result.missing) return noCompiler;
      if (result.code === 0) {
        fs.renameSync(temp, program);
        return { program, static: linkStatic };
      }
      failure = result; // when both fail, the dynamic build's message is the one that matters
    }
    return { unavailable: `cc failed: ${firstErrorLine(failure?.stderr ?? '') || `exit ${failure?.code ?? '?'}`}` };
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

export interface CompileResult {
  code: number | null;
  stderr: string;
  /** the compiler could not be started (ENOENT) */
  missing: boolean;
}

/** Run the compiler; unlike exec.ts's execFile, the failure's stderr is kept whole for the message. */
export function compile(cc: string, args: string[]): Promise<CompileResult> {
  return new Promise((resolve) => {
    const child = spawn(cc, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: null, stderr: error.message, missing: error.code === 'ENOENT' }));
    child.on('close', (code) => resolve({ code, stderr: Buffer.concat(err).toString('utf8'), missing: false }));
  });
}

/** The first line that reports an error (gcc opens with "In function ..."), else the first line. */
export function firstErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  return lines.find((line) => /\berror\b/i.test(line)) ?? lines[0] ?? '';
}

/** Whether an ELF file asks for a dynamic loader (has a PT_INTERP program header). */
function needsInterpreter(file: string): boolean {
  const elf = fs.readFileSync(file);
  if (elf.length < 52 || elf.readUInt32BE(0) !== 0x7f454c46) return true;
  const is64 = elf[4] === 2;
  const little = elf[5] === 1;
  const u16 = (at: number): number => (little ? elf.readUInt16LE(at) : elf.readUInt16BE(at));
  const u32 = (at: number): number => (little ? elf.readUInt32LE(at) : elf.readUInt32BE(at));
  const phoff = is64 ? Number(little ? elf.readBigUInt64LE(32) : elf.readBigUInt64BE(32)) : u32(28);
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 > elf.length) break;
    if (u32(at) === 3 /* PT_INTERP */) return true;
  }
  return false;
}

/** The agent's default tag length when a request names none (harness/agent/afalg-bench.ts). */
const DEFAULT_AUTHSIZE = 16;

/**
 * The program's positional arguments for a bench request:
 * TYPE ALG OP PATH SIZES KEYHEX IVHEX ASSOCLEN AUTHSIZE WARMUP_MS REPETITION_MS REPETITIONS.
 * Like the agent, an aead request without authsize uses 16; AAD and tag length are 0 for the others.
 */
export function cReferenceArgs(req: BenchRequestBody): string[] {
  const hex = (base64: string | undefined): string => (base64 === undefined ? '-' : Buffer.from(base64, 'base64').toString('hex'));
  const aead = req.type === 'aead';
  return [
    req.type,
    req.alg,
    req.operation,
    req.path,
    req.sizes.join(','),
    hex(req.key),
    hex(req.iv),
    String(aead ? (req.assocLength ?? 0) : 0),
    String(aead ? (req.authsize ?? DEFAULT_AUTHSIZE) : 0),
    String(req.warmupMs),
    String(req.repetitionMs),
    String(req.repetitions),
  ];
}

const outputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['points'],
  properties: {
    points: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['size', 'repetitions'],
        properties: {
          size: { type: 'integer', minimum: 1 },
          repetitions: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['ops', 'ns'],
              properties: { ops: { type: 'integer', minimum: 1 }, ns: { type: 'integer', minimum: 0 } },
            },
          },
        },
      },
    },
  },
};

const validateOutput = new Ajv({ allErrors: false, strict: true }).compile(outputSchema);

/**
 * The program's stdout as points; throws one line for its `{"error": ...}` answer or for output
 * that is not the expected JSON.
 */
export function parseCReferenceOutput(stdout: string): { points: BenchPoint[] } {
  const text = stdout.trim();
  if (text === '') throw new Error('afalg-speed: no output');
  let data: unknown;
  try {
    data = JSON.parse(text) as unknown;
  } catch {
    throw new Error(`afalg-speed: output is not JSON: ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text)}`);
  }
  if (typeof data === 'object' && data !== null && 'error' in data) {
    const error = (data as { error: unknown }).error;
    throw new Error(`afalg-speed: ${typeof error === 'string' ? error : JSON.stringify(error)}`);
  }
  if (!validateOutput(data)) {
    const first = validateOutput.errors?.[0];
    throw new Error(`afalg-speed: unexpected output: ${first ? describeSchemaError(first) : 'does not match its schema'}`);
  }
  return data as { points: BenchPoint[] };
}
