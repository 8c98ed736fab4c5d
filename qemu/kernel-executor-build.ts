/**
 * The in-kernel executor module (qemu/executor: kexec_device.c, kexec_ops.c, linked by its Kbuild
 * into afalg_kexec.ko) built for a guest kernel — on the
 * host for the host suite's kernels, else in a chroot of the kernel's own Debian suite
 * (build-chroot.ts) — cached by source content.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../harness/core/paths.js';
import { KEXEC_MODULE } from '../harness/protocol/kernel-executor.js';
import { buildModules, chrootBuilder, ensureBuildChroot, hostBuilder, type ModuleBuilder } from './build-chroot.js';
import type { DebianArch } from './apt/debian.js';
import { DEBIAN_SUITE } from './apt/sources.js';
import { headersDir } from './fixtures.js';

const executorDir = path.join(projectRoot, 'qemu', 'executor');
export const executorSources = ['Kbuild', 'kexec.h', 'kexec_device.c', 'kexec_ops.c'].map((name) => path.join(executorDir, name));

/** Build (or find cached) afalg_kexec.ko for kernelRelease of the given suite; returns its path. */
export async function buildKernelExecutor(kernelRelease: string, suite: string, arch: DebianArch, log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<string> {
  const [module] = await buildModules(() => builderFor(kernelRelease, suite, arch, log), kernelRelease, executorSources, [KEXEC_MODULE], 'executor', log);
  return module as string;
}

/**
 * The host's toolchain builds for the host suite's kernels (bookworm's 6.1, as the fixtures are
 * built) when their headers are installed here; any other suite's kernel is built in its chroot.
 */
async function builderFor(kernelRelease: string, suite: string, arch: DebianArch, log: (line: string) => void): Promise<ModuleBuilder> {
  const hostHeaders = headersDir(kernelRelease);
  if (suite === DEBIAN_SUITE && fs.existsSync(path.join(hostHeaders, 'Makefile'))) return hostBuilder(hostHeaders);
  return chrootBuilder(await ensureBuildChroot(suite, arch, log), kernelRelease, log);
}
