/**
 * Builds the native agent (harness/native-agent/src/*.c: C11, libc only, -static) for a board
 * architecture: the host's gcc for x86_64, Debian's cross compilers for aarch64 and armhf
 * (scripts/setup-debian.sh --tests installs them). Like the C reference (harness/bench/c-reference.ts)
 * the program lands in the cache under a name that carries a hash of its sources, flags and compiler:
 * an unchanged tree reuses it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { compile, firstErrorLine } from '../core/compile.js';
import { findOnPath } from '../core/exec.js';
import { cacheDir, projectRoot } from '../core/paths.js';

export type NativeArch = 'x86_64' | 'aarch64' | 'armhf';

export const NATIVE_AGENT_SOURCE_DIR = path.join(projectRoot, 'harness', 'native-agent', 'src');
export const NATIVE_AGENT_FLAGS = ['-std=c11', '-O2', '-Wall', '-Wextra', '-Werror', '-static', '-pthread', '-s'];

/** The C compiler for each architecture, and the Debian package that provides it. */
export const NATIVE_COMPILERS: Record<NativeArch, { cc: string; debianPackage: string }> = {
  x86_64: { cc: 'x86_64-linux-gnu-gcc', debianPackage: 'gcc' },
  aarch64: { cc: 'aarch64-linux-gnu-gcc', debianPackage: 'gcc-aarch64-linux-gnu' },
  armhf: { cc: 'arm-linux-gnueabihf-gcc', debianPackage: 'gcc-arm-linux-gnueabihf' },
};

export interface NativeAgentBuild {
  arch: NativeArch;
  program: string;
  /** bytes */
  size: number;
  /** false: reused from the cache */
  built: boolean;
}

/** Sources the agent shares with the C reference loop: the stopping rule of adaptive measurements. */
export const NATIVE_AGENT_SHARED_DIR = path.join(projectRoot, 'bench');
const SHARED_SOURCES = ['bench-stopping.c', 'bench-stopping.h'];

/** The agent's C sources (not the test and fuzz programs beside them), sorted, then the shared ones. */
export function nativeAgentSources(): string[] {
  const own = fs
    .readdirSync(NATIVE_AGENT_SOURCE_DIR)
    .filter((file) => /\.[ch]$/.test(file))
    .sort()
    .map((file) => path.join(NATIVE_AGENT_SOURCE_DIR, file));
  return [...own, ...SHARED_SOURCES.map((file) => path.join(NATIVE_AGENT_SHARED_DIR, file))];
}

function sourceDigest(cc: string, flags: readonly string[]): string {
  const hash = crypto.createHash('sha256').update(cc).update('\0').update(flags.join(' '));
  for (const file of nativeAgentSources()) hash.update('\0').update(path.basename(file)).update('\0').update(fs.readFileSync(file));
  return hash.digest('hex').slice(0, 12);
}

/** The compiler buildNativeAgent uses for `arch`: the triplet-named one, or the host's gcc for x86_64 without it. */
function compilerFor(arch: NativeArch): string {
  const { cc } = NATIVE_COMPILERS[arch];
  return findOnPath(cc) || arch !== 'x86_64' ? cc : 'gcc';
}

/** Whether buildNativeAgent(arch) can answer without failing: its program is cached or its compiler is installed. */
export function nativeAgentBuildable(arch: NativeArch): boolean {
  const cc = compilerFor(arch);
  return Boolean(findOnPath(cc)) || fs.existsSync(path.join(cacheDir('bin'), `afalg-agent-${arch}-${sourceDigest(cc, NATIVE_AGENT_FLAGS)}`));
}

/**
 * Build (or reuse) `<dir>/afalg-agent-<arch>-<hash>` (dir: `<cache>/bin`). Throws one line naming the
 * missing compiler package or the compiler's first error.
 */
export async function buildNativeAgent(arch: NativeArch, options: { dir?: string; cc?: string } = {}): Promise<NativeAgentBuild> {
  const { debianPackage } = NATIVE_COMPILERS[arch];
  // the host's own gcc builds x86_64 when no triplet-named compiler is installed
  const cc = options.cc ?? compilerFor(arch);
  const dir = options.dir ?? cacheDir('bin');
  const program = path.join(dir, `afalg-agent-${arch}-${sourceDigest(cc, NATIVE_AGENT_FLAGS)}`);
  if (fs.existsSync(program)) return { arch, program, size: fs.statSync(program).size, built: false };
  if (!findOnPath(cc)) throw new Error(`no C compiler ${cc} for the ${arch} native agent: install Debian's ${debianPackage} (scripts/setup-debian.sh --tests)`);
  fs.mkdirSync(dir, { recursive: true });
  const temp = `${program}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  try {
    const sources = nativeAgentSources().filter((file) => file.endsWith('.c'));
    const result = await compile(cc, [...NATIVE_AGENT_FLAGS, '-I', NATIVE_AGENT_SHARED_DIR, '-o', temp, ...sources, '-lm']);
    if (result.code !== 0) throw new Error(`${cc} failed to build the ${arch} native agent: ${firstErrorLine(result.stderr) || `exit ${result.code ?? '?'}`}`);
    fs.renameSync(temp, program);
    return { arch, program, size: fs.statSync(program).size, built: true };
  } finally {
    fs.rmSync(temp, { force: true });
  }
}
