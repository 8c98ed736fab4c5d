/**
 * Building kernel modules for a kernel this host's toolchain cannot build for: Debian's 7.x kernels
 * are built with gcc-16 (flags gcc-12 rejects) and their objtool needs glibc 2.38. A minimal chroot
 * of the kernel's own suite (`debootstrap --variant=minbase SUITE`) with `linux-headers-REL` and
 * make installed in it (the headers package pulls the kernel's own compiler) builds them with the
 * kernel's own toolchain. The chroot is cached under cacheDir('build-chroots', SUITE-ARCH) and
 * reused for every release of that suite (their headers are added as needed).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheDir } from '../harness/core/paths.js';
import { execFile, requireHostTools } from '../harness/core/exec.js';
import { HarnessError } from '../harness/core/errors.js';
import type { DebianArch } from './apt/debian.js';
import { hostMirrors, isRollingSuite, sourcesList } from './apt/sources.js';

export interface BuildChroot {
  root: string;
  suite: string;
  arch: DebianArch;
}

const APT_ENV = { ...process.env, LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive' };

/** Where Debian's linux-headers-REL puts a kernel's headers (on the host, or inside a chroot). */
export function headersDir(kernelRelease: string): string {
  return `/usr/src/linux-headers-${kernelRelease}`;
}

export function buildChrootDir(suite: string, arch: DebianArch): string {
  return cacheDir('build-chroots', `${suite}-${arch}`);
}

/** apt-get inside the chroot; a rolling suite's Release may be past Valid-Until on the mirror. */
export function chrootAptArgs(suite: string, args: string[]): string[] {
  return ['apt-get', ...(isRollingSuite(suite) ? ['-o', 'Acquire::Check-Valid-Until=false'] : []), '-q', '-y', '--no-install-recommends', ...args];
}

/** The chroot of the suite (made once: debootstrap into a temporary directory, then renamed). */
export async function ensureBuildChroot(suite: string, arch: DebianArch, log: (line: string) => void): Promise<BuildChroot> {
  const root = buildChrootDir(suite, arch);
  if (fs.existsSync(path.join(root, 'usr', 'bin', 'apt-get'))) return { root, suite, arch };
  requireHostTools([{ command: 'debootstrap', debianPackage: 'debootstrap' }], `building modules for a ${suite} kernel`);
  const work = `${root}.tmp-${process.pid}`;
  fs.rmSync(work, { recursive: true, force: true });
  const mirror = hostMirrors().debian;
  log(`debootstrap --variant=minbase ${suite} (${arch}) into ${root}`);
  await execFile('debootstrap', ['--variant=minbase', `--arch=${arch}`, suite, work, mirror], { env: APT_ENV });
  fs.renameSync(work, root);
  return { root, suite, arch };
}

async function inChroot(chroot: BuildChroot, args: string[]): Promise<void> {
  await execFile('chroot', [chroot.root, ...args], { env: { ...APT_ENV, PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
}

/** apt-get install `packages` in the chroot, its package lists refreshed first. */
export async function installInChroot(chroot: BuildChroot, packages: string[], log: (line: string) => void): Promise<void> {
  log(`apt-get install ${packages.join(' ')} (in the ${chroot.suite} chroot)`);
  // debootstrap lists the suite alone; a stable suite's current kernel comes from -security or -updates
  fs.writeFileSync(path.join(chroot.root, 'etc', 'apt', 'sources.list'), sourcesList(chroot.arch, hostMirrors(), chroot.suite));
  await inChroot(chroot, chrootAptArgs(chroot.suite, ['update']));
  await inChroot(chroot, chrootAptArgs(chroot.suite, ['install', ...packages]));
}

/** linux-headers-REL and make in the chroot (apt-get update first when the package is unknown). */
export async function ensureHeaders(chroot: BuildChroot, kernelRelease: string, log: (line: string) => void): Promise<string> {
  const headers = headersDir(kernelRelease);
  if (fs.existsSync(path.join(chroot.root, headers, 'Makefile'))) return headers;
  await installInChroot(chroot, [`linux-headers-${kernelRelease}`, 'make'], log);
  if (!fs.existsSync(path.join(chroot.root, headers, 'Makefile'))) throw new HarnessError(`linux-headers-${kernelRelease} installed no ${headers}/Makefile in ${chroot.root}`, 2);
  return headers;
}

/**
 * Where `make -C HEADERS M=DIR modules` runs: the host (its toolchain builds the host suite's
 * kernels) or a chroot of the kernel's suite. `hostDir` is where the build directory lives on the
 * host, `guestDir` what make is told it is.
 */
export interface ModuleBuilder {
  describe: string;
  headers: string;
  /** a fresh build directory: host path and the path make sees */
  workDir(name: string): { hostDir: string; makeDir: string };
  make(args: string[]): Promise<void>;
}

/** Build with the host's toolchain against headers installed on the host. */
export function hostBuilder(headers: string): ModuleBuilder {
  return {
    describe: 'on the host',
    headers,
    workDir: (name) => {
      const dir = path.join(os.tmpdir(), `afalg-build-${name}`);
      return { hostDir: dir, makeDir: dir };
    },
    make: async (args) => void (await execFile('make', args)),
  };
}

/**
 * Build inside the suite's chroot against `headers` there (ensureHeaders, or cross-headers.ts for
 * another architecture, whose make variables — CROSS_COMPILE — come in `variables`).
 */
export function chrootBuilder(chroot: BuildChroot, headers: string, variables: readonly string[] = []): ModuleBuilder {
  return {
    describe: `in the ${chroot.suite} chroot${variables.length > 0 ? ` (${variables.join(' ')})` : ''}`,
    headers,
    workDir: (name) => ({ hostDir: path.join(chroot.root, 'build', name), makeDir: `/build/${name}` }),
    make: async (args) => {
      // objtool reads /proc/self/limits: the chroot gets a /proc for the build
      const proc = path.join(chroot.root, 'proc');
      await execFile('mount', ['-t', 'proc', 'proc', proc]);
      try {
        await inChroot(chroot, ['make', ...variables, ...args]);
      } finally {
        await execFile('umount', [proc]);
      }
    },
  };
}

/** The cached .ko files of modules built from `sources` for kernelRelease, and their directory. */
export function builtModules(kernelRelease: string, sources: string[], modules: string[], cacheName: string): { outDir: string; files: string[] } {
  const digest = crypto.createHash('sha256');
  for (const file of sources) digest.update(path.basename(file)).update(fs.readFileSync(file));
  const outDir = cacheDir(cacheName, kernelRelease, digest.digest('hex').slice(0, 16));
  return { outDir, files: modules.map((name) => path.join(outDir, `${name}.ko`)) };
}

/**
 * Build out-of-tree modules (their sources and a Kbuild listing them, written unless the sources
 * bring their own: a module of several objects) for kernelRelease; returns the
 * .ko files, cached under cacheDir(cacheName, REL, hash of the sources). The builder is asked for
 * only when the cache misses.
 */
export async function buildModules(
  builderFor: () => Promise<ModuleBuilder>,
  kernelRelease: string,
  sources: string[],
  modules: string[],
  cacheName: string,
  log: (line: string) => void,
): Promise<string[]> {
  const { outDir, files } = builtModules(kernelRelease, sources, modules, cacheName);
  if (files.every((file) => fs.existsSync(file))) return files;
  const builder = await builderFor();
  const { hostDir, makeDir } = builder.workDir(`${path.basename(outDir)}-${process.pid}`);
  fs.rmSync(hostDir, { recursive: true, force: true });
  fs.mkdirSync(hostDir, { recursive: true });
  try {
    for (const file of sources) fs.copyFileSync(file, path.join(hostDir, path.basename(file)));
    if (!sources.some((file) => path.basename(file) === 'Kbuild')) fs.writeFileSync(path.join(hostDir, 'Kbuild'), modules.map((name) => `obj-m += ${name}.o\n`).join(''));
    log(`make -C ${builder.headers} M=${makeDir} modules (${builder.describe})`);
    try {
      await builder.make(['-C', builder.headers, `M=${makeDir}`, 'modules']);
    } catch (error) {
      throw new HarnessError(`building ${modules.join(', ')} for ${kernelRelease} ${builder.describe} failed: ${(error as Error).message}`, 2);
    }
    fs.mkdirSync(outDir, { recursive: true });
    for (const name of modules) fs.copyFileSync(path.join(hostDir, `${name}.ko`), path.join(outDir, `${name}.ko`));
    return files;
  } finally {
    fs.rmSync(hostDir, { recursive: true, force: true });
  }
}
