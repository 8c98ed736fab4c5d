/**
 * Where built images live: cacheDir('images', <arch>)/<kernel package>-<recipe hash>, each with a
 * manifest.json that describes it. The recipe hash covers everything that goes into the image, so
 * an image is reused exactly when nothing in it would change.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { QemuBoard } from '../../harness/board/board.js';
import { cacheDir } from '../../harness/core/paths.js';
import type { ClosurePackage, DebianPackage } from '../apt/debian.js';
import { DEBIAN_SUITE } from '../apt/sources.js';
import { guestInitScript } from './initramfs-tree.js';
import { NODE_LAYOUT_FORMAT, trimmedPaths } from './node-closure.js';
import type { ImagePackages } from './package-resolution.js';

/** Bump when the layout of the image changes in a way the recipe does not capture. */
const IMAGE_FORMAT = 1;

/** An image's manifest.json. */
export interface GuestImage {
  dir: string;
  kernel: string;
  /** the file QEMU boots: vmlinux when extracted, else vmlinuz */
  bootKernel: string;
  initramfs: string;
  /** the device tree QEMU passes with -dtb (a user's own kernel may come with one) */
  dtb?: string;
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

/** The directory of the image these packages make for this board. */
export function imageDirFor(board: QemuBoard, { kernel, busybox, node }: ImagePackages): string {
  return path.join(imagesDir(board), `${kernel.name}-${hashRecipe(board, kernel, busybox, node)}`);
}

/** The image in dir, when its manifest and the files it names are there. */
export function readManifest(dir: string): GuestImage | undefined {
  const manifest = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifest)) return undefined;
  const image = JSON.parse(fs.readFileSync(manifest, 'utf8')) as GuestImage;
  return fs.existsSync(image.bootKernel) && fs.existsSync(image.initramfs) ? image : undefined;
}

export function writeManifest(image: GuestImage): void {
  fs.writeFileSync(path.join(image.dir, 'manifest.json'), JSON.stringify(image, null, 2) + '\n');
}

/** The newest complete image for this board's architecture (used when apt cannot be asked). */
export function newestCachedImage(board: QemuBoard): GuestImage | undefined {
  const base = imagesDir(board);
  if (!fs.existsSync(base)) return undefined;
  return fs
    .readdirSync(base)
    .map((entry) => readManifest(path.join(base, entry)))
    .filter((image): image is GuestImage => image !== undefined)
    .sort((a, b) => b.builtAt.localeCompare(a.builtAt))[0];
}
