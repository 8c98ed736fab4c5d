/**
 * The in-kernel executor module (qemu/executor/afalg_kexec.c) built for a guest kernel, in a
 * chroot of the kernel's own Debian suite (build-chroot.ts), cached by source content.
 */
import path from 'node:path';
import { projectRoot } from '../harness/core/paths.js';
import { KEXEC_MODULE } from '../harness/protocol/kernel-executor.js';
import { buildModulesInChroot, ensureBuildChroot } from './build-chroot.js';
import type { DebianArch } from './foreign-apt.js';

export const executorSource = path.join(projectRoot, 'qemu', 'executor', `${KEXEC_MODULE}.c`);

/** Build (or find cached) afalg_kexec.ko for kernelRelease of the given suite; returns its path. */
export async function buildKernelExecutor(kernelRelease: string, suite: string, arch: DebianArch, log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<string> {
  const chroot = await ensureBuildChroot(suite, arch, log);
  const [module] = await buildModulesInChroot(chroot, kernelRelease, [executorSource], [KEXEC_MODULE], 'executor', log);
  return module as string;
}
