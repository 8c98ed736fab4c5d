/**
 * The agent as files to upload to a board: one esbuild bundle of harness/agent/main.ts (plus the
 * worker threads' scripts as bundles beside it) and the part of koffi the target's
 * architecture needs. Layout of the bundle directory (default dist/agent-bundle/):
 *
 *   agent.mjs                     the agent (`node agent.mjs` speaks the protocol on stdio)
 *   matrix-worker.js              worker thread script: matrix-pool.ts loads `./matrix-worker.js`
 *   kmsg-worker.js                worker thread script: kernel-log-watch.ts loads `./kmsg-worker.js`
 *   decoy-worker.js               worker thread script: decoy-reader.ts loads `./decoy-worker.js`
 *                                 relative to its own module, i.e. next to agent.mjs
 *   package.json                  {"type": "module"}: makes matrix-worker.js an ES module
 *   node_modules/koffi/           koffi's package.json and JS entries (`import koffi from 'koffi'`)
 *   node_modules/@koromix/koffi-linux-<cpu>/
 *                                 koffi's prebuilt koffi.node for that CPU (glibc and/or musl) and
 *                                 the loader that picks one; koffi's ESM entry finds it with
 *                                 require('@koromix/koffi-linux-<cpu>') (works on Node 18)
 *
 * The C reference (harness/protocol/c-reference-program.ts, lazily imported by c-reference-runner.ts) is not
 * bundled: it builds C on the host and runs only on QEMU; in the bundle it is a stub that says so.
 */
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Arch } from '../board/board.js';
import { BadInputError } from '../core/errors.js';
import { cacheDir, projectRoot } from '../core/paths.js';
import { AGENT_VERSION } from '../protocol/version.js';

const execFileAsync = promisify(execFile);

export interface AgentBundleFile {
  /** relative to the bundle directory, posix separators */
  path: string;
  data: Buffer;
  mode: number;
}

export interface AgentBundle {
  /** where the files were written on the host */
  dir: string;
  arch: Arch;
  files: AgentBundleFile[];
  /** sha256 over the files sorted by path (path and content of each), first 16 hex digits */
  version: string;
  /** the file that starts the agent: agent.mjs (run by node), or the static native agent itself */
  entry: string;
  /** native: entry is the static native agent, run without node (harness/deploy/native-bundle.ts) */
  runtime?: 'node' | 'native';
}

/** Which C library builds of koffi.node to ship: both (koffi picks at load time) or one. */
export type Libc = 'glibc' | 'musl' | 'both';

export interface BuildAgentBundleOptions {
  arch: Arch;
  /** default dist/agent-bundle */
  outDir?: string;
  /** default 'both' (when the architecture has both) */
  libc?: Libc;
}

export const defaultBundleDir = path.join(projectRoot, 'dist', 'agent-bundle');

/** Board architecture → koffi's platform package and its ABI directory names. */
const KOFFI_TARGETS: Record<Arch, { pkg: string; abi: string }> = {
  x86_64: { pkg: 'linux-x64', abi: 'x64' },
  aarch64: { pkg: 'linux-arm64', abi: 'arm64' },
  armhf: { pkg: 'linux-arm', abi: 'armhf' },
};

/** The files of koffi itself that `import koffi from 'koffi'` (and require) load. */
const KOFFI_FILES = ['package.json', 'LICENSE.txt', 'index.js', 'index.cjs', 'src/koffi/index.js', 'src/koffi/index.cjs', 'src/koffi/src/static.js', 'src/koffi/src/static.cjs'];

const C_REFERENCE_STUB = `
const unavailable = () => {
  throw new Error('the C reference is not part of the uploaded agent (it runs only on QEMU targets)');
};
export const cReferenceArgs = unavailable;
export const parseCReferenceOutput = unavailable;
`;

const STAMP = '.bundle-inputs.json';

interface Stamp {
  key: string;
  /** input path (relative to the project root) → sha256 */
  inputs: Record<string, string>;
  /** output name → sha256 */
  outputs: Record<string, string>;
}

export function sha256(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** The content version of a file list: independent of order, changes with any path or byte. */
export function bundleVersion(files: ReadonlyArray<{ path: string; data: Buffer }>): string {
  const hash = crypto.createHash('sha256');
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`${file.path}\0${file.data.length}\0`);
    hash.update(file.data);
  }
  return hash.digest('hex').slice(0, 16);
}

function agentSource(name: 'main' | 'matrix-worker' | 'kmsg-worker' | 'decoy-worker'): string {
  const ts = path.join(projectRoot, 'harness', 'agent', `${name}.ts`);
  if (fs.existsSync(ts)) return ts;
  const js = path.join(projectRoot, 'dist', 'harness', 'agent', `${name}.js`);
  if (fs.existsSync(js)) return js;
  throw new BadInputError(`cannot bundle the agent: neither ${ts} nor ${js} exists`);
}

function koffiDir(): string {
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve('koffi');
  } catch {
    throw new BadInputError('cannot bundle the agent: koffi is not installed (npm install)');
  }
  return path.dirname(entry);
}

/** esbuild's outputs (agent.mjs and the worker scripts), reused from outDir when no input changed. */
async function bundleAgentCode(outDir: string): Promise<{ outputs: Map<string, Buffer>; stamp?: Stamp }> {
  const esbuild = await import('esbuild').catch(() => {
    throw new BadInputError('cannot bundle the agent: esbuild is not installed (npm install -D esbuild)');
  });
  const entries = { agent: agentSource('main'), 'matrix-worker': agentSource('matrix-worker'), 'kmsg-worker': agentSource('kmsg-worker'), 'decoy-worker': agentSource('decoy-worker') };
  const outputNames: Record<string, string> = { 'agent.js': 'agent.mjs', 'matrix-worker.js': 'matrix-worker.js', 'kmsg-worker.js': 'kmsg-worker.js', 'decoy-worker.js': 'decoy-worker.js' };
  const settings = {
    entryPoints: Object.entries(entries).map(([out, input]) => ({ in: input, out })),
    bundle: true,
    format: 'esm' as const,
    platform: 'node' as const,
    target: 'node18',
    external: ['koffi'],
    legalComments: 'inline' as const,
    logLevel: 'silent' as const,
  };
  const key = sha256(JSON.stringify({ esbuild: esbuild.version, settings, stub: C_REFERENCE_STUB }));

  const stampPath = path.join(outDir, STAMP);
  const cached = readStamp(stampPath);
  if (cached && cached.key === key) {
    const unchanged = Object.entries(cached.inputs).every(([input, hash]) => fileHash(path.join(projectRoot, input)) === hash);
    const outputs = new Map<string, Buffer>();
    for (const [name, hash] of Object.entries(cached.outputs)) {
      const file = path.join(outDir, name);
      if (fileHash(file) === hash) outputs.set(name, fs.readFileSync(file));
    }
    if (unchanged && outputs.size === Object.keys(outputNames).length) return { outputs };
  }

  const outdir = path.join(outDir, '.esbuild');
  const result = await esbuild
    .build({
      ...settings,
      absWorkingDir: projectRoot,
      outdir,
      write: false,
      metafile: true,
      plugins: [
        {
          name: 'afalg-no-c-reference',
          setup(build) {
            build.onResolve({ filter: /(^|\/)protocol\/c-reference-program\.js$/ }, () => ({ path: 'c-reference', namespace: 'afalg-stub' }));
            build.onLoad({ filter: /.*/, namespace: 'afalg-stub' }, () => ({ contents: C_REFERENCE_STUB, loader: 'js' }));
          },
        },
      ],
    })
    .catch((error: Error & { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }) => {
      const first = error.errors?.[0];
      const where = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
      throw new BadInputError(`cannot bundle the agent: ${first?.text ?? error.message}${where}`);
    });

  // only node: built-ins and koffi may stay imports: anything else would be missing on the board
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imported of output.imports) {
      if (imported.external && imported.path !== 'koffi' && !imported.path.startsWith('node:') && !isBuiltin(imported.path)) {
        throw new BadInputError(`cannot bundle the agent: it imports ${imported.path}, which the bundle does not carry`);
      }
    }
  }

  const outputs = new Map<string, Buffer>();
  for (const file of result.outputFiles) {
    const name = outputNames[path.relative(outdir, file.path).split(path.sep).join('/')];
    if (!name) throw new Error(`agent bundle: unexpected esbuild output ${file.path}`);
    outputs.set(name, Buffer.from(file.contents));
  }
  const stamp: Stamp = { key, inputs: {}, outputs: {} };
  for (const input of Object.keys(result.metafile.inputs)) {
    if (input.includes(':')) continue; // the stub namespace
    const hash = fileHash(path.join(projectRoot, input));
    if (hash) stamp.inputs[input] = hash;
  }
  for (const [name, data] of outputs) stamp.outputs[name] = sha256(data);
  // the stamp is written by the caller once the outputs are on disk
  return { outputs, stamp };
}

function isBuiltin(name: string): boolean {
  return builtinModules.includes(name);
}

function readStamp(file: string): Stamp | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

function fileHash(file: string): string | undefined {
  try {
    return sha256(fs.readFileSync(file));
  } catch {
    return undefined;
  }
}

/**
 * The directory of koffi's prebuilt package for this CPU: node_modules when npm installed it (the
 * host's own CPU), else the cache, else fetched there with `npm pack` (the registry's tarball,
 * integrity-checked by npm).
 */
async function koffiNativeDir(pkg: string, version: string): Promise<string> {
  const name = `@koromix/koffi-${pkg}`;
  // where npm put it for koffi (only the host's own CPU gets installed)
  let installed = '';
  try {
    installed = path.dirname(createRequire(path.join(koffiDir(), 'package.json')).resolve(`${name}/package.json`));
  } catch {
    // not installed
  }
  const matches = (dir: string): boolean => {
    try {
      return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: string }).version === version;
    } catch {
      return false;
    }
  };
  if (installed && matches(installed)) return installed;
  const cached = cacheDir('koffi', `koffi-${pkg}-${version}`);
  if (matches(cached)) return cached;

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-koffi-'));
  try {
    let tarball: string;
    try {
      const { stdout } = await execFileAsync('npm', ['pack', `${name}@${version}`, '--pack-destination', work, '--json', '--silent'], { timeout: 120_000 });
      const packed = JSON.parse(stdout) as Array<{ filename: string }>;
      tarball = path.join(work, packed[0]?.filename ?? '');
    } catch (error) {
      throw new BadInputError(
        `koffi's prebuilt module for this board (${name}@${version}) is not installed and fetching it with npm pack failed (${(error as Error).message.split('\n')[0]}); run: npm install --no-save ${name}@${version}`,
      );
    }
    await execFileAsync('tar', ['-xzf', tarball, '-C', work]);
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.rmSync(cached, { recursive: true, force: true });
    fs.renameSync(path.join(work, 'package'), cached);
    if (!matches(cached)) throw new BadInputError(`${name}@${version} fetched into ${cached} does not have version ${version}`);
    return cached;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function koffiFiles(arch: Arch, libc: Libc): Promise<AgentBundleFile[]> {
  const dir = koffiDir();
  const pkgJson = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
  const files: AgentBundleFile[] = KOFFI_FILES.map((file) => ({ path: `node_modules/koffi/${file}`, data: fs.readFileSync(path.join(dir, file)), mode: 0o644 }));

  const { pkg, abi } = KOFFI_TARGETS[arch];
  const nativeDir = await koffiNativeDir(pkg, pkgJson.version);
  const prefix = `node_modules/@koromix/koffi-${pkg}`;
  for (const file of ['package.json', 'index.js']) files.push({ path: `${prefix}/${file}`, data: fs.readFileSync(path.join(nativeDir, file)), mode: 0o644 });
  const wanted = libc === 'both' ? ['linux', 'musl'] : [libc === 'glibc' ? 'linux' : 'musl'];
  let natives = 0;
  for (const flavour of wanted) {
    const file = path.join(nativeDir, `${flavour}_${abi}`, 'koffi.node');
    if (!fs.existsSync(file)) continue;
    files.push({ path: `${prefix}/${flavour}_${abi}/koffi.node`, data: fs.readFileSync(file), mode: 0o644 });
    natives++;
  }
  if (natives === 0) throw new BadInputError(`koffi ${pkgJson.version} has no prebuilt module for ${arch} with libc ${libc} (looked in ${nativeDir})`);
  return files;
}

/** Build (or reuse) the bundle for `arch` into outDir and return its files and content version. */
export async function buildAgentBundle(options: BuildAgentBundleOptions): Promise<AgentBundle> {
  const dir = path.resolve(options.outDir ?? defaultBundleDir);
  fs.mkdirSync(dir, { recursive: true });
  const { outputs: code, stamp } = await bundleAgentCode(dir);
  const packageJson = `${JSON.stringify({ name: 'afalg-agent', version: AGENT_VERSION, private: true, type: 'module', main: 'agent.mjs' }, null, 2)}\n`;
  const files: AgentBundleFile[] = [
    { path: 'agent.mjs', data: code.get('agent.mjs') as Buffer, mode: 0o755 },
    { path: 'matrix-worker.js', data: code.get('matrix-worker.js') as Buffer, mode: 0o644 },
    { path: 'kmsg-worker.js', data: code.get('kmsg-worker.js') as Buffer, mode: 0o644 },
    { path: 'decoy-worker.js', data: code.get('decoy-worker.js') as Buffer, mode: 0o644 },
    { path: 'package.json', data: Buffer.from(packageJson), mode: 0o644 },
    ...(await koffiFiles(options.arch, options.libc ?? 'both')),
  ];
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  // node_modules is ours: rebuild it so that no other architecture's module stays behind
  fs.rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
  for (const file of files) {
    const target = path.join(dir, ...file.path.split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (fileHash(target) !== sha256(file.data)) fs.writeFileSync(target, file.data);
    fs.chmodSync(target, file.mode);
  }
  if (stamp) fs.writeFileSync(path.join(dir, STAMP), `${JSON.stringify(stamp, null, 2)}\n`);
  return { dir, arch: options.arch, files, version: bundleVersion(files), entry: 'agent.mjs' };
}

/** Total bytes of a bundle (for messages). */
export function bundleSize(bundle: AgentBundle): number {
  return bundle.files.reduce((sum, file) => sum + file.data.length, 0);
}
