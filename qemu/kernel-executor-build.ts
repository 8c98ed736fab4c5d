/**
 * The in-kernel executor module (qemu/executor: kexec_device.c, kexec_ops.c, linked by its Kbuild
 * into afalg_kexec.ko) built for a guest kernel — on the host for the host suite's kernels, else in
 * a chroot of the kernel's own Debian suite (guest-module-builder.ts) — cached by source content.
 */
import path from 'node:path';
import { projectRoot } from '../harness/core/paths.js';
import { KEXEC_MODULE } from '../harness/protocol/kernel-executor.js';
import { buildModules } from './build-chroot.js';
import type { DebianArch } from './apt/debian.js';
import { guestModuleBuilder } from './guest-module-builder.js';

const executorDir = path.join(projectRoot, 'qemu', 'executor');
export const executorSources = ['Kbuild', 'kexec.h', 'kexec_job.h', 'kexec_device.c', 'kexec_job.c', 'kexec_ops.c', 'kexec_concurrent.c', 'kexec_hash.c', 'kexec_cache.c'].map((name) => path.join(executorDir, name));

/** Build (or find cached) afalg_kexec.ko for kernelRelease of the given suite; returns its path. */
export async function buildKernelExecutor(kernelRelease: string, suite: string, arch: DebianArch, log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<string> {
  const kernel = { release: kernelRelease, suite, arch };
  const [module] = await buildModules(() => guestModuleBuilder(kernel, log), kernelRelease, executorSources, [KEXEC_MODULE], 'executor', log);
  return module as string;
}
