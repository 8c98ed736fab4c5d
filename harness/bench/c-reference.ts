/**
 * The C reference for throughput: bench/afalg-speed.c makes the same AF_ALG system calls as the
 * agent's loop (harness/agent/afalg-bench.ts) without Node or koffi in between. This module builds
 * it for the host architecture into the cache; harness/protocol/c-reference-program.ts maps a bench
 * request onto its arguments and reads its one line of JSON back.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOnPath } from '../core/exec.js';
import { cacheDir, projectRoot } from '../core/paths.js';
import { compile, firstErrorLine, type CompileResult } from '../core/compile.js';

export const C_REFERENCE_SOURCE = path.join(projectRoot, 'bench', 'afalg-speed.c');
/** Every file of the program (its main source first); the build compiles the .c ones. */
export const C_REFERENCE_FILES = ['afalg-speed.c', 'afalg-speed-args.c', 'afalg-speed-args.h', 'bench-stopping.c', 'bench-stopping.h'].map((file) => path.join(projectRoot, 'bench', file));

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
  const hash = crypto.createHash('sha256');
  for (const file of C_REFERENCE_FILES) hash.update(fs.readFileSync(file)).update('\0');
  const digest = hash.update(C_REFERENCE_FLAGS.join(' ')).digest('hex').slice(0, 12);
  const program = path.join(dir, `afalg-speed-${os.machine()}-${digest}`);
  if (fs.existsSync(program)) return { program, static: !needsInterpreter(program) };

  const noCompiler = { unavailable: `no C compiler (${cc}); install gcc to measure the C reference` };
  if (!findOnPath(cc)) return noCompiler;
  fs.mkdirSync(dir, { recursive: true });
  const temp = `${program}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  try {
    let failure: CompileResult | undefined;
    for (const linkStatic of [true, false]) {
      const result = await compile(cc, [...C_REFERENCE_FLAGS, ...(linkStatic ? ['-static'] : []), '-o', temp, ...C_REFERENCE_FILES.filter((file) => file.endsWith('.c'))]);
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
