/**
 * The guest image around the user's own kernel (a board's `qemu.kernel`, or `--board kernel:…`):
 * the same initramfs the Debian boards get — busybox-static from Debian, the board's modules closed
 * over modules.dep, the harness's init (image/initramfs-tree.ts) — with the modules taken from the
 * user's modules dir or modules-*.tgz instead of a kernel package, and the user's kernel booted as it
 * is. Module entries of the board that this kernel does not have as modules (built in, or not
 * configured) are named once, not an error: the user's config decides. Cached apart from the Debian
 * images, keyed by the kernel's bytes and the modules' names, sizes and times.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { OwnKernelFiles, QemuBoard } from '../../harness/board/board.js';
import { cacheDir } from '../../harness/core/paths.js';
import { execFile, requireHostTools } from '../../harness/core/exec.js';
import { BadInputError } from '../../harness/core/errors.js';
import { StepProgress } from '../../harness/core/progress.js';
import { hostDebianArch } from '../apt/apt-command.js';
import { kernelImageRelease, readKernelImageInfo } from '../kernel-image.js';
import { moduleName, preloadOrder, selectModules } from '../kernel-modules.js';
import { writeCpio } from '../image/cpio-writer.js';
import { readManifest, writeManifest, type GuestImage } from '../image/image-cache.js';
import { assembleInitramfs, guestInitScript } from '../image/initramfs-tree.js';
import { busyboxBinaryIn } from '../image/kernel-package.js';
import { downloadBusybox, packageSources } from '../image/package-resolution.js';
import type { ModuleSelection } from '../image/module-selection.js';
import { readModuleTree, type ModuleTree } from './modules-source.js';

/** Bump when the layout of these images changes in a way the key does not capture. */
const OWN_IMAGE_FORMAT = 1;

/** The board's kernel files as absolute paths (a board file's are relative to it). */
export function ownKernelFiles(board: QemuBoard): OwnKernelFiles {
  const files = board.qemu.kernel;
  if (!files) throw new BadInputError(`board ${board.name} (${board.file}) names no kernel files`);
  const base = path.dirname(path.resolve(board.file));
  const at = (file: string | undefined): string | undefined => (file === undefined ? undefined : path.resolve(base, file));
  return { image: at(files.image) as string, ...(files.modules ? { modules: at(files.modules) } : {}), ...(files.dtb ? { dtb: at(files.dtb) } : {}), ...(files.config ? { config: at(files.config) } : {}) };
}

/** A file's content, hashed (kernels, archives, configs: the same bytes anywhere are the same image). */
export function contentHash(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** A modules dir's files (relative path, size, time: hashing thousands of modules would cost more than the build), or an archive's content. */
function modulesStamps(source: string): string[] {
  if (!fs.statSync(source).isDirectory()) return [contentHash(source)];
  return (fs.readdirSync(source, { recursive: true }) as string[])
    .sort()
    .map((entry) => ({ entry, stat: fs.statSync(path.join(source, entry)) }))
    .filter(({ stat }) => stat.isFile())
    .map(({ entry, stat }) => `${entry}:${stat.size}:${stat.mtimeMs}`);
}

/** Where the images around users' kernels live: beside the Debian ones, not among them (a Debian board's fallback to the newest cached image must never find one). */
export const ownImagesDir = (debianArch: string): string => cacheDir('own-kernel-images', debianArch);

function imageKey(board: QemuBoard, files: OwnKernelFiles, busyboxVersion: string): string {
  const recipe = {
    OWN_IMAGE_FORMAT,
    kernel: contentHash(files.image),
    modules: files.modules ? modulesStamps(files.modules) : [],
    dtb: files.dtb ? contentHash(files.dtb) : undefined,
    config: files.config ? contentHash(files.config) : undefined,
    busyboxVersion,
    boardModules: board.qemu.modules,
    init: fs.readFileSync(guestInitScript, 'utf8'),
  };
  return crypto.createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 16);
}

/** The image's release and the module tree agree, or one line says they do not. */
export function reconcileRelease(files: OwnKernelFiles, imageRelease: string | undefined, tree: ModuleTree | undefined): string {
  if (imageRelease && tree && tree.release !== imageRelease) {
    throw new BadInputError(`${files.modules}: modules of release ${tree.release}, but ${files.image} is ${imageRelease}: the kernel would load none of them`);
  }
  return imageRelease ?? tree?.release ?? 'unknown';
}

/** The board's include list over this kernel's modules; entries it does not have as modules are named, not fatal. */
function selectOwnModules(board: QemuBoard, tree: ModuleTree | undefined, emptyRoot: string, progress: StepProgress): ModuleSelection {
  if (!tree) {
    progress.detail('no modules given: everything the harness needs (virtio, 9p, AF_ALG) must be built into the kernel');
    return { moduleRoot: emptyRoot, files: [], preload: [] };
  }
  const selection = selectModules(tree.deps, board.qemu.modules.include);
  const have = new Set([...selection.files.map(moduleName), ...tree.builtin]);
  const preload = preloadOrder(selection.files, board.qemu.modules.preload).filter((name) => have.has(name));
  const absent = selection.unmatched.filter((entry) => !tree.builtin.has(entry.replace(/-/g, '_')));
  progress.detail(`${selection.files.length} modules, ${preload.length} loaded at boot${absent.length > 0 ? `; not modules of this kernel (built in or not configured): ${absent.join(', ')}` : ''}`);
  return { moduleRoot: tree.moduleRoot, files: selection.files, preload };
}

function copyBesideImage(dir: string, files: OwnKernelFiles, release: string): Pick<GuestImage, 'kernel' | 'bootKernel'> & { dtb?: string } {
  const kernel = path.join(dir, path.basename(files.image));
  fs.copyFileSync(files.image, kernel);
  // imageKernelConfig (kernel-config) reads config-<release> beside the image
  if (files.config) fs.copyFileSync(files.config, path.join(dir, `config-${release}`));
  const dtb = files.dtb ? path.join(dir, path.basename(files.dtb)) : undefined;
  if (files.dtb && dtb) fs.copyFileSync(files.dtb, dtb);
  return { kernel, bootKernel: kernel, ...(dtb ? { dtb } : {}) };
}

interface OwnBuild {
  board: QemuBoard;
  files: OwnKernelFiles;
  imageRelease: string | undefined;
  busybox: { version: string; deb: string };
  dir: string;
  startedAt: number;
}

/** The image's parts into `work`, then the initramfs, kernel and manifest into `dir`. */
async function buildOwnImage(build: OwnBuild, work: string, progress: StepProgress): Promise<GuestImage> {
  const { board, files, dir, busybox } = build;
  progress.next(files.modules ? `reading the modules in ${files.modules}` : 'no modules');
  const tree = files.modules ? await readModuleTree(files.modules, work, build.imageRelease) : undefined;
  const kernelRelease = reconcileRelease(files, build.imageRelease, tree);
  const modules = selectOwnModules(board, tree, path.join(work, 'no-modules'), progress);
  await execFile('dpkg-deb', ['-x', busybox.deb, path.join(work, 'busybox')]);
  const staging = path.join(work, 'initramfs');
  fs.mkdirSync(staging, { recursive: true });
  const busyboxBinary = busyboxBinaryIn(path.join(work, 'busybox'), busybox.deb);
  await assembleInitramfs(staging, { kernelRelease, busyboxBinary, modules, agentNode: 'host', arch: board.qemu.debianArch, withNode: false }, progress);
  progress.next('writing the image');
  fs.mkdirSync(dir, { recursive: true });
  const initramfs = path.join(dir, 'initramfs.cpio');
  await writeCpio(staging, initramfs);
  const image: GuestImage = {
    dir,
    ...copyBesideImage(dir, files, kernelRelease),
    initramfs,
    kernelRelease,
    kernelPackage: files.image,
    kernelVersion: kernelRelease,
    busyboxVersion: busybox.version,
    moduleCount: modules.files.length,
    preload: modules.preload,
    builtAt: new Date().toISOString(),
    initramfsBytes: fs.statSync(initramfs).size,
    buildSeconds: Math.round((Date.now() - build.startedAt) / 100) / 10,
  };
  writeManifest(image);
  return image;
}

/** The guest image around the board's own kernel: cached, else built (QemuTarget boots it as it boots a Debian one). */
export async function prepareOwnKernelImage(board: QemuBoard, options: { progress?: NodeJS.WritableStream; force?: boolean } = {}): Promise<GuestImage> {
  requireHostTools([{ command: 'apt-get', debianPackage: 'apt' }, { command: 'dpkg-deb', debianPackage: 'dpkg' }, { command: 'depmod', debianPackage: 'kmod' }, { command: 'tar', debianPackage: 'tar' }], 'building the image around your kernel');
  const startedAt = Date.now();
  const files = ownKernelFiles(board);
  if (board.qemu.agentNode === 'image') throw new BadInputError(`${board.file}: a board with its own kernel runs the host's node or the native agent (--agent native), not Debian's nodejs in the image (agentNode image)`);
  const progress = new StepProgress('qemu prepare', 4, options.progress);
  progress.next(`reading ${files.image}`);
  const info = readKernelImageInfo(files.image);
  if (info.arch !== board.arch) throw new BadInputError(`${files.image}: an ${info.arch} kernel, but board ${board.name} is ${board.arch}`);
  for (const file of [files.dtb, files.config]) if (file && !fs.existsSync(file)) throw new BadInputError(`${file}: no such file (named by ${board.file})`);
  const imageRelease = kernelImageRelease(files.image, info.kind);
  const out = options.progress ?? process.stderr;
  const sources = packageSources(board, await hostDebianArch(), (line) => out.write(`    ${line}\n`));
  const { busybox, deb } = await downloadBusybox(sources.apt);
  const dir = path.join(ownImagesDir(board.qemu.debianArch), `${imageRelease ?? info.kind}-${imageKey(board, files, busybox.version)}`);
  const cached = options.force ? undefined : readManifest(dir);
  if (cached) {
    progress.done(`cached image ${dir}`);
    return cached;
  }
  const work = `${dir}.tmp-${process.pid}`;
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  try {
    const image = await buildOwnImage({ board, files, imageRelease, busybox: { version: busybox.version, deb }, dir, startedAt }, work, progress);
    progress.done(`image ${dir} around ${files.image} (${image.kernelRelease}, initramfs ${((image.initramfsBytes ?? 0) / 1e6).toFixed(1)} MB)`);
    return image;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
