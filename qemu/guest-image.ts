/**
 * Building the guest image from Debian's own packages: the kernel (.deb fetched with
 * `apt-get download`, never installed on the host), a busybox initramfs holding the crypto modules,
 * modules.dep and a working modprobe. Cached outside the repo, keyed by everything that goes in it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type { QemuBoard } from '../harness/board/board.js';
import { cacheDir, projectRoot } from '../harness/paths.js';
import { execFile, requireHostTools } from '../harness/exec.js';
import { BadInputError, HarnessError } from '../harness/errors.js';
import { StepProgress } from '../harness/progress.js';
import { parseModulesDep, preloadOrder, selectModules, stripModuleSignature } from './kernel-modules.js';
import { extractVmlinuxFile } from './vmlinux.js';

/** Bump when the layout of the image changes in a way the recipe does not capture. */
const IMAGE_FORMAT = 1;
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
}

interface DebianPackage {
  name: string;
  version: string;
}

async function candidateVersion(name: string, arch: string): Promise<string> {
  const { stdout } = await execFile('apt-cache', ['show', '--no-all-versions', `${name}:${arch}`]);
  const version = /^Version: (\S+)$/m.exec(stdout)?.[1];
  if (!version) throw new HarnessError(`apt-cache show ${name}:${arch}: no Version field`, 2);
  return version;
}

/** linux-image-amd64 → the versioned kernel package it depends on right now. */
async function resolveKernelPackage(meta: string, arch: string): Promise<DebianPackage> {
  const { stdout } = await execFile('apt-cache', ['depends', `${meta}:${arch}`]);
  const name = /Depends: (linux-image-[^\s:]+)/.exec(stdout)?.[1];
  if (!name) throw new HarnessError(`${meta}:${arch} names no linux-image dependency (apt-cache depends)`, 2);
  return { name, version: await candidateVersion(name, arch) };
}

async function download(pkg: DebianPackage, arch: string, dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const prefix = `${pkg.name}_${pkg.version.replace(/:/g, '%3a')}_`;
  const existing = fs.readdirSync(dir).find((file) => file.startsWith(prefix) && file.endsWith('.deb'));
  if (existing) return path.join(dir, existing);
  await execFile('apt-get', ['download', `${pkg.name}:${arch}=${pkg.version}`], { cwd: dir });
  const fetched = fs.readdirSync(dir).find((file) => file.startsWith(prefix) && file.endsWith('.deb'));
  if (!fetched) throw new HarnessError(`apt-get download ${pkg.name} wrote no ${prefix}*.deb in ${dir}`, 2);
  return path.join(dir, fetched);
}

function hashRecipe(board: QemuBoard, kernel: DebianPackage, busybox: DebianPackage): string {
  const recipe = {
    IMAGE_FORMAT,
    kernel,
    busybox,
    arch: board.qemu.debianArch,
    modules: board.qemu.modules,
    bootUncompressed: board.qemu.bootUncompressed ?? false,
    init: fs.readFileSync(guestInitScript, 'utf8'),
  };
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

const APT_LISTS = '/var/lib/apt/lists';

interface AptAnswer {
  kernel: DebianPackage;
  busybox: DebianPackage;
  /** mtime of apt's lists when apt was asked */
  listsMtimeMs: number;
}

function aptListsMtime(): number {
  try {
    return fs.statSync(APT_LISTS).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Which kernel and busybox apt offers changes only when apt's lists change (apt-get update), so
 * the answer is remembered until then: a second prepare does not wait on apt-cache.
 */
async function resolvePackages(board: QemuBoard, refresh: boolean): Promise<AptAnswer> {
  const { debianArch, kernelPackage } = board.qemu;
  const memoFile = cacheDir('apt-answers.json');
  const key = `${kernelPackage}:${debianArch}`;
  let memo: Record<string, AptAnswer> = {};
  try {
    memo = JSON.parse(fs.readFileSync(memoFile, 'utf8')) as Record<string, AptAnswer>;
  } catch {
    // first time
  }
  const listsMtimeMs = aptListsMtime();
  const known = memo[key];
  if (!refresh && known && known.listsMtimeMs === listsMtimeMs && listsMtimeMs !== 0) return known;
  const answer: AptAnswer = {
    kernel: await resolveKernelPackage(kernelPackage, debianArch),
    busybox: { name: 'busybox-static', version: await candidateVersion('busybox-static', debianArch) },
    listsMtimeMs,
  };
  memo[key] = answer;
  fs.mkdirSync(path.dirname(memoFile), { recursive: true });
  fs.writeFileSync(memoFile, JSON.stringify(memo, null, 2) + '\n');
  return answer;
}

export interface PrepareOptions {
  /** ask apt again and rebuild even when the cache has this recipe */
  force?: boolean;
  progress?: NodeJS.WritableStream;
}

export async function prepareGuestImage(board: QemuBoard, options: PrepareOptions = {}): Promise<GuestImage> {
  const { debianArch, kernelPackage } = board.qemu;
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
  const progress = new StepProgress('qemu prepare', 6, options.progress);

  progress.next(`resolving ${kernelPackage}:${debianArch} and busybox-static:${debianArch} with apt-cache`);
  let kernel: DebianPackage;
  let busybox: DebianPackage;
  try {
    ({ kernel, busybox } = await resolvePackages(board, options.force ?? false));
  } catch (error) {
    const cached = newestCachedImage(board);
    if (cached) {
      progress.detail(`apt-cache could not answer (${(error as Error).message}); using the cached ${cached.kernelPackage} image`);
      return cached;
    }
    throw new BadInputError(`cannot resolve ${kernelPackage}:${debianArch}: ${(error as Error).message} (run 'apt-get update' first)`);
  }
  progress.detail(`${kernel.name} ${kernel.version}, busybox-static ${busybox.version}`);

  const dir = path.join(imagesDir(board), `${kernel.name}-${hashRecipe(board, kernel, busybox)}`);
  const cached = !options.force ? readManifest(dir) : undefined;
  if (cached) {
    progress.done(`cached image ${dir}`);
    return cached;
  }

  progress.next(`downloading ${kernel.name} and busybox-static (apt-get download)`);
  const downloads = cacheDir('downloads', debianArch);
  const kernelDeb = await download(kernel, debianArch, downloads);
  const busyboxDeb = await download(busybox, debianArch, downloads);
  progress.detail(`${path.basename(kernelDeb)} (${(fs.statSync(kernelDeb).size / 1e6).toFixed(0)} MB)`);

  progress.next('extracting the kernel package');
  const work = `${dir}.tmp-${process.pid}`;
  fs.rmSync(work, { recursive: true, force: true });
  const extracted = path.join(work, 'deb');
  fs.mkdirSync(extracted, { recursive: true });
  await execFile('dpkg-deb', ['-x', kernelDeb, extracted]);
  await execFile('dpkg-deb', ['-x', busyboxDeb, path.join(work, 'busybox')]);
  const releases = fs.readdirSync(path.join(extracted, 'lib', 'modules'));
  const kernelRelease = releases[0];
  if (releases.length !== 1 || !kernelRelease) throw new HarnessError(`${kernelDeb}: expected one lib/modules/<release>, found ${releases.join(', ')}`, 2);
  const vmlinuz = fs.readdirSync(path.join(extracted, 'boot')).find((file) => file.startsWith('vmlinuz-'));
  if (!vmlinuz) throw new HarnessError(`${kernelDeb}: no boot/vmlinuz-*`, 2);

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

  progress.next('assembling the initramfs (busybox, modules, init)');
  const staging = path.join(work, 'initramfs');
  for (const sub of ['bin', 'sbin', 'proc', 'sys', 'dev', 'host', 'tmp', 'etc/afalg', `lib/modules/${kernelRelease}`]) {
    fs.mkdirSync(path.join(staging, sub), { recursive: true });
  }
  const busyboxBinary = path.join(work, 'busybox', 'bin', 'busybox');
  fs.copyFileSync(busyboxBinary, path.join(staging, 'bin', 'busybox'));
  fs.chmodSync(path.join(staging, 'bin', 'busybox'), 0o755);
  for (const applet of ['sh', 'mount', 'modprobe', 'insmod', 'lsmod', 'chroot', 'poweroff', 'cut', 'cat', 'echo', 'ls', 'dmesg', 'uname', 'sleep']) {
    const dirName = ['modprobe', 'insmod', 'lsmod', 'poweroff'].includes(applet) ? 'sbin' : 'bin';
    fs.symlinkSync('/bin/busybox', path.join(staging, dirName, applet));
  }
  for (const file of selection.files) {
    const target = path.join(staging, 'lib', 'modules', kernelRelease, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, stripModuleSignature(fs.readFileSync(path.join(moduleRoot, file))));
  }
  for (const file of ['modules.order', 'modules.builtin', 'modules.builtin.modinfo']) {
    const source = path.join(moduleRoot, file);
    if (fs.existsSync(source)) fs.copyFileSync(source, path.join(staging, 'lib', 'modules', kernelRelease, file));
  }
  await execFile('depmod', ['-b', staging, kernelRelease]);
  fs.writeFileSync(path.join(staging, 'etc', 'afalg', 'preload'), preload.join('\n') + '\n');
  fs.copyFileSync(guestInitScript, path.join(staging, 'init'));
  fs.chmodSync(path.join(staging, 'init'), 0o755);

  progress.next('writing the image');
  fs.mkdirSync(dir, { recursive: true });
  const initramfs = path.join(dir, 'initramfs.cpio');
  await writeCpio(staging, initramfs);
  const kernelFile = path.join(dir, 'vmlinuz');
  fs.copyFileSync(path.join(extracted, 'boot', vmlinuz), kernelFile);
  let bootKernel = kernelFile;
  if (board.qemu.bootUncompressed) {
    const vmlinux = path.join(dir, 'vmlinux');
    const compression = extractVmlinuxFile(kernelFile, vmlinux);
    if (compression) bootKernel = vmlinux;
    progress.detail(compression ? `vmlinux extracted (${compression})` : 'no vmlinux found inside vmlinuz; booting vmlinuz');
  }
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
  };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(image, null, 2) + '\n');
  fs.rmSync(work, { recursive: true, force: true });
  progress.done(`image ${dir} (initramfs ${(fs.statSync(initramfs).size / 1e6).toFixed(1)} MB)`);
  return image;
}
