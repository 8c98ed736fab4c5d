/**
 * Building the guest image from Debian's own packages: the kernel (.deb fetched with
 * `apt-get download`, never installed on the host), a busybox initramfs holding the crypto modules,
 * modules.dep and a working modprobe. Cached outside the repo, keyed by everything that goes in it.
 *
 * A board of another architecture than the host's gets its packages through a private apt
 * configuration (foreign-apt.ts). A board with `agentNode: "image"` also gets Debian's nodejs for
 * its architecture, with everything it depends on, unpacked into the initramfs. Root layout then:
 *
 *   /bin, /sbin      real directories: busybox and its applet links (init is busybox sh)
 *   /lib             real directory: lib/modules/<release>, and libc6's lib/<triplet> with the
 *                    dynamic loader link (lib/ld-linux-aarch64.so.1 → <triplet>/ld-linux-…), where
 *                    the ELF interpreter path of /usr/bin/node points
 *   /usr/bin/node, /usr/lib/<triplet>, /usr/share/nodejs   as the bookworm debs ship them
 *
 * i.e. bookworm's unmerged layout, exactly as its debs ship it (bookworm's debs still put files in
 * /lib; merged /usr is made by usrmerge at install time, which we do not run). No directory is ever
 * turned into a symlink, so busybox's /bin keeps working; a deb that ships /bin, /sbin or /lib as a
 * symlink is refused (rootLayoutProblems), as is a node whose interpreter does not resolve in the root.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type { QemuBoard } from '../harness/board/board.js';
import { cacheDir, projectRoot } from '../harness/core/paths.js';
import { execFile, requireHostTools } from '../harness/core/exec.js';
import { BadInputError, HarnessError } from '../harness/core/errors.js';
import { StepProgress } from '../harness/core/progress.js';
import { parseModulesDep, preloadOrder, selectModules } from './kernel-modules.js';
import { extractVmlinuxFile } from './vmlinux.js';
import { Apt, DEBIAN_SUITE, ForeignApt, hostDebianArch, type ClosurePackage, type DebianArch, type DebianPackage } from './foreign-apt.js';
import { installModule, kernelTreeLayout } from './kernel-tree.js';

/** Bump when the layout of the image changes in a way the recipe does not capture. */
const IMAGE_FORMAT = 1;
/** Bump when the way nodejs is laid out in the image (trimming, layout) changes. */
const NODE_LAYOUT_FORMAT = 1;
/** What the guest's node needs: Debian's nodejs and its dependencies (no recommends). */
export const NODE_PACKAGES = ['nodejs'];
export const guestInitScript = path.join(projectRoot, 'qemu', 'guest-init.sh');

export interface GuestImage {
  dir: string;
  kernel: string;
  /** the file QEMU boots: vmlinux when extracted, else vmlinuz */
  bootKernel: string;
  initramfs: string;
  kernelRelease: string;
  kernelPackage: string;
  kernelVersion: string;
  busyboxVersion: string;
  moduleCount: number;
  preload: string[];
  builtAt: string;
  /** agentNode image: the node in the image (/usr/bin/node) */
  nodeVersion?: string;
  /** agentNode image: the packages unpacked for it */
  nodePackages?: string[];
  /** size of the initramfs in bytes */
  initramfsBytes?: number;
  /** seconds the build took */
  buildSeconds?: number;
}

/** Debian architecture → multiarch triplet. */
export const DEBIAN_TRIPLETS: Record<DebianArch, string> = {
  amd64: 'x86_64-linux-gnu',
  arm64: 'aarch64-linux-gnu',
  armhf: 'arm-linux-gnueabihf',
};

/** The dynamic loader path each architecture's executables name (PT_INTERP). */
export const DEBIAN_INTERPRETERS: Record<DebianArch, string> = {
  amd64: '/lib64/ld-linux-x86-64.so.2',
  arm64: '/lib/ld-linux-aarch64.so.1',
  armhf: '/lib/ld-linux-armhf.so.3',
};

/**
 * Paths (relative to the root, posix) dropped from the unpacked node packages: documentation,
 * translations, shell completions, debugger and tracing scripts, and glibc's iconv modules (gconv,
 * ~20 MB: node converts with ICU, never iconv). Everything else stays (/usr/share/nodejs holds
 * modules Debian's node loads: acorn, undici, cjs-module-lexer…).
 */
export function trimmedPaths(arch: DebianArch): string[] {
  const triplet = DEBIAN_TRIPLETS[arch];
  return [
    ...['doc', 'doc-base', 'man', 'info', 'locale', 'lintian', 'bug', 'bash-completion', 'zsh', 'fish', 'gdb', 'gcc', 'systemtap', 'menu'].map((dir) => `usr/share/${dir}`),
    `usr/lib/${triplet}/gconv`,
    `lib/${triplet}/gconv`,
  ];
}

/** Whether `rel` (relative to the root) is trimmed: it is, or lies under, a trimmed path. */
export function isTrimmed(rel: string, arch: DebianArch): boolean {
  const clean = rel.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  return trimmedPaths(arch).some((trimmed) => clean === trimmed || clean.startsWith(`${trimmed}/`));
}

/** Remove the trimmed paths from an unpacked root; returns the bytes removed. */
export function trimRoot(root: string, arch: DebianArch): number {
  let removed = 0;
  for (const rel of trimmedPaths(arch)) {
    const target = path.join(root, rel);
    if (!fs.existsSync(target)) continue;
    removed += treeBytes(target);
    fs.rmSync(target, { recursive: true, force: true });
  }
  return removed;
}

export function treeBytes(target: string): number {
  const stat = fs.lstatSync(target);
  if (!stat.isDirectory()) return stat.isFile() ? stat.size : 0;
  return fs.readdirSync(target).reduce((sum, entry) => sum + treeBytes(path.join(target, entry)), 0);
}

/** The PT_INTERP path of an ELF executable (32 or 64 bit, little or big endian), or undefined. */
export function elfInterpreter(elf: Buffer): string | undefined {
  if (elf.length < 52 || elf.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const is64 = elf[4] === 2;
  const little = elf[5] === 1;
  const u16 = (at: number): number => (little ? elf.readUInt16LE(at) : elf.readUInt16BE(at));
  const u32 = (at: number): number => (little ? elf.readUInt32LE(at) : elf.readUInt32BE(at));
  const word = (at: number): number => (is64 ? Number(little ? elf.readBigUInt64LE(at) : elf.readBigUInt64BE(at)) : u32(at));
  const phoff = word(is64 ? 0x20 : 0x1c);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + phentsize > elf.length) return undefined;
    if (u32(at) !== 3) continue; // PT_INTERP
    const offset = word(at + (is64 ? 0x08 : 0x04));
    const size = word(at + (is64 ? 0x20 : 0x10));
    if (offset + size > elf.length) return undefined;
    return elf.subarray(offset, offset + size).toString('latin1').replace(/\0+$/, '');
  }
  return undefined;
}

/**
 * Where `absolute` (a path as the guest sees it) leads inside `root`, following symlinks as the
 * guest would (absolute targets from the root, relative ones from the link's directory); undefined
 * when a component is missing or links loop.
 */
export function resolveInRoot(root: string, absolute: string): string | undefined {
  let pending = absolute.split('/').filter(Boolean);
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '.') continue;
    if (part === '..') {
      done.pop();
      continue;
    }
    const host = path.join(root, ...done, part);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(host);
    } catch {
      return undefined;
    }
    if (stat.isSymbolicLink()) {
      if (++links > 40) return undefined;
      const target = fs.readlinkSync(host);
      if (target.startsWith('/')) done.length = 0;
      pending = [...target.split('/').filter(Boolean), ...pending];
      continue;
    }
    done.push(part);
  }
  return path.join(root, ...done);
}

/**
 * What is wrong with an initramfs root that must run both busybox (/bin, /sbin) and `node`: the
 * top directories must be real directories (a deb replacing /bin by a symlink would hide busybox),
 * and node's ELF interpreter must resolve to a file inside the root (and be the one of the board's
 * architecture, when given).
 */
export function rootLayoutProblems(root: string, node = '/usr/bin/node', expectedInterpreter?: string): string[] {
  const problems: string[] = [];
  for (const dir of ['bin', 'sbin', 'lib', 'usr', 'usr/bin', 'usr/lib']) {
    try {
      const stat = fs.lstatSync(path.join(root, dir));
      if (!stat.isDirectory()) problems.push(`/${dir} is ${stat.isSymbolicLink() ? `a symlink (→ ${fs.readlinkSync(path.join(root, dir))})` : 'not a directory'}`);
    } catch {
      if (dir === 'bin' || dir === 'sbin' || dir === 'lib') continue; // created afterwards
      problems.push(`/${dir} is missing`);
    }
  }
  const nodeFile = resolveInRoot(root, node);
  if (!nodeFile || !fs.statSync(nodeFile).isFile()) {
    problems.push(`${node} is missing`);
    return problems;
  }
  const fd = fs.openSync(nodeFile, 'r');
  const header = Buffer.alloc(64 * 1024);
  const length = fs.readSync(fd, header, 0, header.length, 0);
  fs.closeSync(fd);
  const interpreter = elfInterpreter(header.subarray(0, length));
  if (!interpreter) problems.push(`${node} names no ELF interpreter`);
  else if (expectedInterpreter && interpreter !== expectedInterpreter) {
    problems.push(`${node} asks for the interpreter ${interpreter}, not ${expectedInterpreter}: it is built for another architecture`);
  } else {
    const loader = resolveInRoot(root, interpreter);
    if (!loader || !fs.statSync(loader).isFile()) problems.push(`${node}'s interpreter ${interpreter} does not resolve inside the image`);
  }
  return problems;
}

/** The private apt of a board: for a foreign architecture or another suite, or for the node packages of agentNode image. */
interface PackageSources {
  /** kernel and busybox come from the private apt (the board's arch is not the host's, or its suite is not bookworm) */
  foreign: boolean;
  /** where the kernel and busybox come from: the host's apt, or the private one */
  apt: Apt;
  /** private apt for this arch, when foreign or agentNode image */
  privateApt?: ForeignApt;
}

export function hashRecipe(board: QemuBoard, kernel: DebianPackage, busybox: DebianPackage, node?: ClosurePackage[], init = fs.readFileSync(guestInitScript, 'utf8')): string {
  const recipe: Record<string, unknown> = {
    IMAGE_FORMAT,
    kernel,
    busybox,
    arch: board.qemu.debianArch,
    modules: board.qemu.modules,
    bootUncompressed: board.qemu.bootUncompressed ?? false,
    init,
  };
  // only boards of another suite carry it (the recipe of the others is as it was)
  if (board.qemu.debianSuite && board.qemu.debianSuite !== DEBIAN_SUITE) recipe.suite = board.qemu.debianSuite;
  // only boards whose node is in the image carry these (the recipe of the others is as it was)
  if ((board.qemu.agentNode ?? 'host') === 'image') {
    recipe.agentNode = 'image';
    recipe.node = (node ?? []).map((pkg) => `${pkg.name}=${pkg.version}:${pkg.arch}`);
    recipe.nodeLayout = { NODE_LAYOUT_FORMAT, trimmed: trimmedPaths(board.qemu.debianArch) };
  }
  return crypto.createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 16);
}

function imagesDir(board: QemuBoard): string {
  return cacheDir('images', board.qemu.debianArch);
}

function readManifest(dir: string): GuestImage | undefined {
  const manifest = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifest)) return undefined;
  const image = JSON.parse(fs.readFileSync(manifest, 'utf8')) as GuestImage;
  return fs.existsSync(image.bootKernel) && fs.existsSync(image.initramfs) ? image : undefined;
}

/** The newest complete image for this board's architecture (used when apt cannot be asked). */
function newestCachedImage(board: QemuBoard): GuestImage | undefined {
  const base = imagesDir(board);
  if (!fs.existsSync(base)) return undefined;
  return fs
    .readdirSync(base)
    .map((entry) => readManifest(path.join(base, entry)))
    .filter((image): image is GuestImage => image !== undefined)
    .sort((a, b) => b.builtAt.localeCompare(a.builtAt))[0];
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      out.push(child);
      if (entry.isDirectory()) walk(child);
    }
  };
  walk('');
  return out;
}

/** `cpio -o -H newc` over the staging tree (names on stdin, archive to a file). */
function writeCpio(staging: string, output: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const outFd = fs.openSync(output, 'w');
    const child = spawn('cpio', ['-o', '-H', 'newc', '--quiet', '--owner=0:0'], { cwd: staging, stdio: ['pipe', outFd, 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      fs.closeSync(outFd);
      if (code === 0) resolve();
      else reject(new HarnessError(`cpio failed (exit ${code}): ${stderr.trim()}`, 2));
    });
    child.stdin?.end(listFiles(staging).join('\n') + '\n');
  });
}

interface AptAnswer {
  kernel: DebianPackage;
  /** the split parts of the kernel package (7.x: linux-binary-, linux-modules-, linux-base-REL) */
  kernelParts?: DebianPackage[];
  busybox: DebianPackage;
  /** mtime of apt's lists (the private lists' refresh time for a foreign arch) when apt was asked */
  listsMtimeMs: number;
}

interface NodeAnswer {
  packages: ClosurePackage[];
  listsMtimeMs: number;
}

type AnswerMemo = Record<string, AptAnswer | NodeAnswer>;

function readMemo(memoFile: string): AnswerMemo {
  try {
    return JSON.parse(fs.readFileSync(memoFile, 'utf8')) as AnswerMemo;
  } catch {
    return {}; // first time
  }
}

function writeMemo(memoFile: string, key: string, answer: AptAnswer | NodeAnswer): void {
  const memo = readMemo(memoFile);
  memo[key] = answer;
  fs.mkdirSync(path.dirname(memoFile), { recursive: true });
  fs.writeFileSync(memoFile, JSON.stringify(memo, null, 2) + '\n');
}

function packageSources(board: QemuBoard, hostArch: string, log: (line: string) => void): PackageSources {
  const suite = board.qemu.debianSuite ?? DEBIAN_SUITE;
  const foreign = board.qemu.debianArch !== hostArch || suite !== DEBIAN_SUITE;
  const privateApt = foreign || (board.qemu.agentNode ?? 'host') === 'image' ? new ForeignApt(board.qemu.debianArch, { log, suite }) : undefined;
  return { foreign, apt: foreign && privateApt ? privateApt : new Apt(board.qemu.debianArch), ...(privateApt ? { privateApt } : {}) };
}

/**
 * Which kernel and busybox apt offers changes only when apt's lists change (apt-get update), so
 * the answer is remembered until then: a second prepare does not wait on apt-cache.
 */
async function resolvePackages(board: QemuBoard, refresh: boolean, sources: PackageSources): Promise<AptAnswer> {
  const { debianArch, kernelPackage } = board.qemu;
  const memoFile = cacheDir('apt-answers.json');
  const { apt } = sources;
  const suite = board.qemu.debianSuite ?? DEBIAN_SUITE;
  const key = `${kernelPackage}:${debianArch}${sources.foreign ? ':private' : ''}${suite !== DEBIAN_SUITE ? `:${suite}` : ''}`;
  const listsMtimeMs = apt.listsRefreshedAtMs();
  const known = readMemo(memoFile)[key] as AptAnswer | undefined;
  if (!refresh && known && known.listsMtimeMs === listsMtimeMs && listsMtimeMs !== 0) return known;
  const kernel = await apt.resolveKernelPackage(kernelPackage);
  const answer: AptAnswer = {
    kernel,
    kernelParts: await apt.kernelParts(kernel),
    busybox: { name: 'busybox-static', version: await apt.candidateVersion('busybox-static') },
    listsMtimeMs,
  };
  writeMemo(memoFile, key, answer);
  return answer;
}

/** Debian's nodejs for the board's arch and its closure on an empty system, remembered like the kernel. */
async function resolveNodePackages(board: QemuBoard, refresh: boolean, apt: ForeignApt): Promise<ClosurePackage[]> {
  const memoFile = cacheDir('apt-answers.json');
  const suite = board.qemu.debianSuite ?? DEBIAN_SUITE;
  const key = `${NODE_PACKAGES.join('+')}:${board.qemu.debianArch}${suite !== DEBIAN_SUITE ? `:${suite}` : ''}:closure`;
  const listsMtimeMs = apt.listsRefreshedAtMs();
  const known = readMemo(memoFile)[key] as NodeAnswer | undefined;
  if (!refresh && known && known.listsMtimeMs === listsMtimeMs && listsMtimeMs !== 0) return known.packages;
  const packages = await apt.closure(NODE_PACKAGES);
  writeMemo(memoFile, key, { packages, listsMtimeMs });
  return packages;
}

export interface PrepareOptions {
  /** ask apt again and rebuild even when the cache has this recipe */
  force?: boolean;
  progress?: NodeJS.WritableStream;
}

/** busybox applets linked in /bin (or /sbin) of every image; image mode also needs env. */
const BASE_APPLETS = ['sh', 'mount', 'modprobe', 'insmod', 'lsmod', 'chroot', 'poweroff', 'cut', 'cat', 'echo', 'ls', 'dmesg', 'uname', 'sleep'];
const SBIN_APPLETS = ['modprobe', 'insmod', 'lsmod', 'poweroff'];

export function appletsFor(agentNode: 'host' | 'image'): string[] {
  return agentNode === 'image' ? [...BASE_APPLETS, 'env'] : BASE_APPLETS;
}

/** Unpack the node packages into the staging root, trim them and check the result can run. */
async function unpackNode(debs: string[], staging: string, arch: DebianArch): Promise<{ removed: number }> {
  for (const deb of debs) await execFile('dpkg-deb', ['-x', deb, staging]);
  const removed = trimRoot(staging, arch);
  const problems = rootLayoutProblems(staging, '/usr/bin/node', DEBIAN_INTERPRETERS[arch]);
  if (problems.length > 0) throw new HarnessError(`the unpacked nodejs root cannot run: ${problems.join('; ')}`, 2);
  return { removed };
}

export async function prepareGuestImage(board: QemuBoard, options: PrepareOptions = {}): Promise<GuestImage> {
  const { debianArch, kernelPackage } = board.qemu;
  const agentNode = board.qemu.agentNode ?? 'host';
  requireHostTools(
    [
      { command: 'apt-get', debianPackage: 'apt' },
      { command: 'apt-cache', debianPackage: 'apt' },
      { command: 'dpkg-deb', debianPackage: 'dpkg' },
      { command: 'depmod', debianPackage: 'kmod' },
      { command: 'cpio', debianPackage: 'cpio' },
      { command: 'xz', debianPackage: 'xz-utils' },
    ],
    'building the guest image',
  );
  const startedAt = Date.now();
  const progress = new StepProgress('qemu prepare', agentNode === 'image' ? 7 : 6, options.progress);
  const out = options.progress ?? process.stderr;

  let kernel: DebianPackage;
  let kernelParts: DebianPackage[] | undefined;
  let busybox: DebianPackage;
  let sources: PackageSources | undefined;
  let nodePackages: ClosurePackage[] | undefined;
  try {
    sources = packageSources(board, await hostDebianArch(), (line) => out.write(`    ${line}\n`));
    const where = sources.privateApt ? ` (private ${debianArch} lists in ${sources.privateApt.layout.root})` : '';
    progress.next(`resolving ${kernelPackage}:${debianArch} and busybox-static:${debianArch}${agentNode === 'image' ? ` (and nodejs:${debianArch})` : ''} with apt-cache${where}`);
    if (sources.privateApt && (await sources.privateApt.ensureLists({ force: options.force ?? false }))) {
      progress.detail(`private ${debianArch} lists refreshed (apt-get update)`);
    }
    ({ kernel, kernelParts, busybox } = await resolvePackages(board, options.force ?? false, sources));
    if (agentNode === 'image') nodePackages = await resolveNodePackages(board, options.force ?? false, sources.privateApt as ForeignApt);
  } catch (error) {
    const cached = newestCachedImage(board);
    if (cached) {
      out.write(`    apt could not answer (${(error as Error).message}); using the cached ${cached.kernelPackage} image\n`);
      return cached;
    }
    const hint = sources?.privateApt ? '' : " (run 'apt-get update' first)";
    throw new BadInputError(`cannot resolve ${kernelPackage}:${debianArch}: ${(error as Error).message}${hint}`);
  }
  const nodejs = nodePackages?.find((pkg) => pkg.name === 'nodejs');
  progress.detail(`${kernel.name} ${kernel.version}, busybox-static ${busybox.version}${nodePackages ? `, nodejs ${nodejs?.version ?? '?'} (+${nodePackages.length - 1} packages)` : ''}`);

  const dir = path.join(imagesDir(board), `${kernel.name}-${hashRecipe(board, kernel, busybox, nodePackages)}`);
  const cached = !options.force ? readManifest(dir) : undefined;
  if (cached) {
    progress.done(`cached image ${dir}`);
    return cached;
  }

  progress.next(`downloading ${kernel.name} and busybox-static (apt-get download${sources.foreign ? ', private lists' : ''})`);
  const downloads = cacheDir('downloads', debianArch);
  const kernelDebs: string[] = [];
  for (const pkg of [kernel, ...(kernelParts ?? [])]) kernelDebs.push(await sources.apt.download(pkg, downloads));
  const busyboxDeb = await sources.apt.download(busybox, downloads);
  const kernelBytes = kernelDebs.reduce((sum, deb) => sum + fs.statSync(deb).size, 0);
  progress.detail(`${kernelDebs.map((deb) => path.basename(deb)).join(', ')} (${(kernelBytes / 1e6).toFixed(0)} MB)`);

  progress.next('extracting the kernel package');
  const work = `${dir}.tmp-${process.pid}`;
  fs.rmSync(work, { recursive: true, force: true });
  const extracted = path.join(work, 'deb');
  fs.mkdirSync(extracted, { recursive: true });
  for (const deb of kernelDebs) await execFile('dpkg-deb', ['-x', deb, extracted]);
  await execFile('dpkg-deb', ['-x', busyboxDeb, path.join(work, 'busybox')]);
  const { kernelRelease, vmlinuz } = kernelTreeLayout(extracted, kernel.name);

  progress.next(`selecting modules for ${kernelRelease} (depmod)`);
  await execFile('depmod', ['-b', extracted, kernelRelease]);
  const moduleRoot = path.join(extracted, 'lib', 'modules', kernelRelease);
  const deps = parseModulesDep(fs.readFileSync(path.join(moduleRoot, 'modules.dep'), 'utf8'));
  const selection = selectModules(deps, board.qemu.modules.include);
  if (selection.unmatched.length > 0) {
    throw new BadInputError(`${board.file}: field '/qemu/modules/include' names modules not in ${kernel.name}: ${selection.unmatched.join(', ')}`);
  }
  const preload = preloadOrder(selection.files, board.qemu.modules.preload);
  progress.detail(`${selection.files.length} modules, ${preload.length} loaded at boot`);

  const staging = path.join(work, 'initramfs');
  fs.mkdirSync(staging, { recursive: true });
  if (nodePackages && sources.privateApt) {
    // first, into the empty root: the debs create /lib, /usr as they ship them; busybox comes after
    progress.next(`adding nodejs ${nodejs?.version ?? ''} for ${debianArch} (${nodePackages.length} packages, private apt)`);
    const debs = await sources.privateApt.downloadClosure(nodePackages);
    const { removed } = await unpackNode(
      debs.map((deb) => deb.file),
      staging,
      debianArch,
    );
    progress.detail(`${(treeBytes(staging) / 1e6).toFixed(0)} MB unpacked after trimming ${(removed / 1e6).toFixed(0)} MB (docs, locales, gconv)`);
  }

  progress.next(`assembling the initramfs (busybox, modules, init${nodePackages ? ', node' : ''})`);
  for (const sub of ['bin', 'sbin', 'proc', 'sys', 'dev', 'host', 'tmp', 'etc/afalg', `lib/modules/${kernelRelease}`]) {
    fs.mkdirSync(path.join(staging, sub), { recursive: true });
  }
  // bookworm's busybox-static ships /bin/busybox, sid's (merged /usr) /usr/bin/busybox
  const busyboxBinary = ['bin', 'usr/bin'].map((dir) => path.join(work, 'busybox', dir, 'busybox')).find((file) => fs.existsSync(file));
  if (!busyboxBinary) throw new HarnessError(`busybox-static ${busybox.version}: no bin/busybox or usr/bin/busybox in the package`, 2);
  fs.copyFileSync(busyboxBinary, path.join(staging, 'bin', 'busybox'));
  fs.chmodSync(path.join(staging, 'bin', 'busybox'), 0o755);
  for (const applet of appletsFor(agentNode)) {
    const link = path.join(staging, SBIN_APPLETS.includes(applet) ? 'sbin' : 'bin', applet);
    fs.rmSync(link, { force: true }); // busybox wins over anything a deb put there
    fs.symlinkSync('/bin/busybox', link);
  }
  for (const file of selection.files) {
    await installModule(path.join(moduleRoot, file), path.join(staging, 'lib', 'modules', kernelRelease), file);
  }
  for (const file of ['modules.order', 'modules.builtin', 'modules.builtin.modinfo']) {
    const source = path.join(moduleRoot, file);
    if (fs.existsSync(source)) fs.copyFileSync(source, path.join(staging, 'lib', 'modules', kernelRelease, file));
  }
  await execFile('depmod', ['-b', staging, kernelRelease]);
  fs.writeFileSync(path.join(staging, 'etc', 'afalg', 'preload'), preload.join('\n') + '\n');
  fs.copyFileSync(guestInitScript, path.join(staging, 'init'));
  fs.chmodSync(path.join(staging, 'init'), 0o755);
  if (nodePackages) {
    const problems = rootLayoutProblems(staging, '/usr/bin/node', DEBIAN_INTERPRETERS[debianArch]);
    if (problems.length > 0) throw new HarnessError(`the initramfs root is not usable: ${problems.join('; ')}`, 2);
  }

  progress.next('writing the image');
  fs.mkdirSync(dir, { recursive: true });
  const initramfs = path.join(dir, 'initramfs.cpio');
  await writeCpio(staging, initramfs);
  const kernelFile = path.join(dir, 'vmlinuz');
  fs.copyFileSync(vmlinuz, kernelFile);
  let bootKernel = kernelFile;
  if (board.qemu.bootUncompressed) {
    const vmlinux = path.join(dir, 'vmlinux');
    const compression = extractVmlinuxFile(kernelFile, vmlinux);
    if (compression) bootKernel = vmlinux;
    progress.detail(compression ? `vmlinux extracted (${compression})` : 'no vmlinux found inside vmlinuz; booting vmlinuz');
  }
  const initramfsBytes = fs.statSync(initramfs).size;
  const image: GuestImage = {
    dir,
    kernel: kernelFile,
    bootKernel,
    initramfs,
    kernelRelease,
    kernelPackage: kernel.name,
    kernelVersion: kernel.version,
    busyboxVersion: busybox.version,
    moduleCount: selection.files.length,
    preload,
    builtAt: new Date().toISOString(),
    ...(nodePackages ? { nodeVersion: nodejs?.version, nodePackages: nodePackages.map((pkg) => `${pkg.name}=${pkg.version}`) } : {}),
    initramfsBytes,
    buildSeconds: Math.round((Date.now() - startedAt) / 100) / 10,
  };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(image, null, 2) + '\n');
  fs.rmSync(work, { recursive: true, force: true });
  progress.done(`image ${dir} (initramfs ${(initramfsBytes / 1e6).toFixed(1)} MB)`);
  return image;
}
