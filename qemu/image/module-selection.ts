/**
 * Which of the kernel package's modules go into the image: depmod over the unpacked package, the
 * board's include list closed over modules.dep, and the order the board's preload list loads in.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { QemuBoard } from '../../harness/board/board.js';
import { execFile } from '../../harness/core/exec.js';
import { BadInputError } from '../../harness/core/errors.js';
import type { StepProgress } from '../../harness/core/progress.js';
import { parseModulesDep, preloadOrder, selectModules } from '../kernel-modules.js';
import type { DebianPackage } from '../apt/debian.js';
import type { UnpackedKernel } from './kernel-package.js';

export interface ModuleSelection {
  /** lib/modules/<release> of the unpacked kernel package */
  moduleRoot: string;
  /** the selected modules, relative to moduleRoot */
  files: string[];
  /** the modules init loads at boot, in order */
  preload: string[];
}

/** The build step: the board's modules (and what they depend on) out of the kernel package. */
export async function selectImageModules(board: QemuBoard, kernel: DebianPackage, unpacked: UnpackedKernel, progress: StepProgress): Promise<ModuleSelection> {
  const { kernelRelease, tree } = unpacked;
  progress.next(`selecting modules for ${kernelRelease} (depmod)`);
  await execFile('depmod', ['-b', tree, kernelRelease]);
  const moduleRoot = path.join(tree, 'lib', 'modules', kernelRelease);
  const deps = parseModulesDep(fs.readFileSync(path.join(moduleRoot, 'modules.dep'), 'utf8'));
  const selection = selectModules(deps, board.qemu.modules.include);
  if (selection.unmatched.length > 0) {
    throw new BadInputError(`${board.file}: field '/qemu/modules/include' names modules not in ${kernel.name}: ${selection.unmatched.join(', ')}`);
  }
  const preload = preloadOrder(selection.files, board.qemu.modules.preload);
  progress.detail(`${selection.files.length} modules, ${preload.length} loaded at boot`);
  return { moduleRoot, files: selection.files, preload };
}
