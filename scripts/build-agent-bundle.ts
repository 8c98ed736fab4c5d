/**
 * npm run bundle:agent [-- --arch x86_64|aarch64|armhf] [--out DIR] [--libc glibc|musl|both]
 * Builds the agent into one file with esbuild, plus the koffi files that architecture needs, into
 * dist/agent-bundle/ (what gets uploaded to a board), and prints its files and content version.
 */
import os from 'node:os';
import path from 'node:path';
import type { Arch } from '../harness/board/board.js';
import { buildAgentBundle, bundleSize, type Libc } from '../harness/deploy/agent-bundle.js';
import { HarnessError } from '../harness/core/errors.js';

const ARCHES: Arch[] = ['x86_64', 'aarch64', 'armhf'];
const LIBCS: Libc[] = ['glibc', 'musl', 'both'];

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function hostArch(): Arch {
  const machine = os.machine();
  if (machine === 'x86_64') return 'x86_64';
  if (machine === 'aarch64' || machine === 'arm64') return 'aarch64';
  return 'armhf';
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

const arch = (argument('arch') ?? hostArch()) as Arch;
const libc = (argument('libc') ?? 'both') as Libc;
if (!ARCHES.includes(arch)) {
  process.stderr.write(`bundle:agent: --arch must be one of ${ARCHES.join(', ')}\n`);
  process.exit(2);
}
if (!LIBCS.includes(libc)) {
  process.stderr.write(`bundle:agent: --libc must be one of ${LIBCS.join(', ')}\n`);
  process.exit(2);
}
const out = argument('out');

try {
  const started = Date.now();
  const bundle = await buildAgentBundle({ arch, libc, ...(out ? { outDir: path.resolve(out) } : {}) });
  for (const file of bundle.files) process.stdout.write(`  ${file.mode.toString(8)}  ${kib(file.data.length).padStart(11)}  ${file.path}\n`);
  process.stdout.write(
    `agent bundle ${bundle.version} for ${arch}: ${bundle.files.length} files, ${kib(bundleSize(bundle))}, in ${bundle.dir} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
  );
} catch (error) {
  if (error instanceof HarnessError) {
    process.stderr.write(`bundle:agent: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  throw error;
}
