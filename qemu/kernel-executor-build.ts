/**
 * The in-kernel executor module (qemu/executor: kexec_device.c, kexec_ops.c, linked by its Kbuild
 * into afalg_kexec.ko) built for a guest kernel — on the
 * host for the host suite's kernels, else in a chroot of the kernel's own Debian suite
 * (build-chroot.ts) — cached by source content.
 */
import path from 'node:path';
import { projectRoot } from '../harness/core/paths.js';
import { KEXEC_MODULE } from '../harness/protocol/kernel-executor.js';
import { buildModules } from './build-chroot.js';
import { suiteModuleBuilder } from './module-builder.js';
import type { DebianArch } from './apt/debian.js';

const executorDir = path.join(projectRoot, 'qemu', 'executor');
export const executorSources = ['Kbuild', 'kexec.h', 'kexec_device.c', 'kexec_ops.c'].map((name) => path.join(executorDir, name));

/** Build (or find cached) afalg_kexec.ko for kernelRelease of the given suite; returns its path. */
export async function buildKernelExecutor(kernelRelease: string, suite: string, arch: DebianArch, log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<string> {
  const [module] = await buildModules(() => suiteModuleBuilder(kernelRelease, suite, arch, log), kernelRelease, executorSources, [KEXEC_MODULE], 'executor', log);
  return module as string;
}
