/**
 * `--board kernel:PATH[,modules=DIR|FILE.tgz][,dtb=FILE][,config=FILE]`: the user's own kernel. PATH
 * is a kernel image (bzImage, Image, zImage, vmlinux) or a kernel build tree, where the image is
 * arch/<arch>/boot/{bzImage,Image,zImage} (else vmlinux) and the config its .config. Pure but for
 * looking at the tree.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BadInputError } from '../../harness/core/errors.js';
import type { OwnKernelFiles } from '../../harness/board/board.js';

export const KERNEL_SPEC_PREFIX = 'kernel:';
const OPTIONS = ['modules', 'dtb', 'config'] as const;
const USAGE = 'kernel:IMAGE_OR_KERNEL_TREE[,modules=DIR|FILE.tgz][,dtb=FILE][,config=FILE]';
/** Where a kernel build leaves the image, by preference. */
const TREE_IMAGES = ['arch/x86/boot/bzImage', 'arch/arm64/boot/Image', 'arch/arm64/boot/Image.gz', 'arch/arm/boot/zImage', 'vmlinux'];

/** A path of the spec, absolute; a leading ~ is the home dir (the shell leaves `kernel:~/linux` alone). */
const specPath = (value: string): string => path.resolve(value.replace(/^~(?=\/|$)/, os.homedir()));

export const isKernelSpec = (spec: string): boolean => spec.startsWith(KERNEL_SPEC_PREFIX);

/** A kernel build tree's image and .config. */
function fromKernelTree(dir: string): OwnKernelFiles {
  const image = TREE_IMAGES.map((name) => path.join(dir, name)).find((file) => fs.existsSync(file));
  if (!image) throw new BadInputError(`${dir}: no kernel image in this kernel tree (looked for ${TREE_IMAGES.join(', ')}): build it, or name the image`);
  const config = path.join(dir, '.config');
  return { image, ...(fs.existsSync(config) ? { config } : {}) };
}

export function parseKernelSpec(spec: string): OwnKernelFiles {
  const [target, ...options] = spec.slice(KERNEL_SPEC_PREFIX.length).split(',');
  if (!target) throw new BadInputError(`${spec}: no kernel named (${USAGE})`);
  const file = specPath(target);
  if (!fs.existsSync(file)) throw new BadInputError(`${target}: no such kernel image or kernel tree`);
  let files: OwnKernelFiles = fs.statSync(file).isDirectory() ? fromKernelTree(file) : { image: file };
  for (const option of options) {
    const [key, value] = [option.slice(0, option.indexOf('=')), option.slice(option.indexOf('=') + 1)];
    if (!(OPTIONS as readonly string[]).includes(key) || !value) throw new BadInputError(`${spec}: '${option}' is not one of ${OPTIONS.map((name) => `${name}=PATH`).join(', ')} (${USAGE})`);
    files = { ...files, [key]: specPath(value) };
  }
  return files;
}
