/**
 * Where an out-of-tree module for a guest kernel is built: on the host for the host suite's
 * kernels (bookworm's 6.1) when their headers are installed here, else in a chroot of the kernel's
 * own Debian suite with its own compiler (build-chroot.ts: bullseye's 5.10 was built with gcc-10,
 * trixie's 6.12 with gcc-14, Debian's 7.x kernels need gcc-16 and their glibc) — of the host's
 * architecture, cross-compiling for a kernel of another (cross-headers.ts). The fixtures and the
 * in-kernel executor are both built through it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chrootBuilder, ensureBuildChroot, ensureHeaders, headersDir, hostBuilder, type ModuleBuilder } from './build-chroot.js';
import { ensureCrossHeaders } from './cross-headers.js';
import { hostDebianArch } from './apt/apt-command.js';
import type { DebianArch } from './apt/debian.js';
import { DEBIAN_SUITE } from './apt/sources.js';

export { headersDir } from './build-chroot.js';

/** The guest kernel a module is built for: its release and the Debian suite and architecture it comes from. */
export interface GuestKernel {
  release: string;
  suite: string;
  arch: DebianArch;
}

/** The host's kernel suite: what a caller that names no suite builds for (headers installed on the host). */
export function hostSuiteKernel(release: string, arch: DebianArch = 'amd64'): GuestKernel {
  return { release, suite: DEBIAN_SUITE, arch };
}

/** The builder for kernel: the host's toolchain for the host suite with headers here, else the suite's chroot (cross for another architecture). */
export async function guestModuleBuilder(kernel: GuestKernel, log: (line: string) => void): Promise<ModuleBuilder> {
  const hostArch = (await hostDebianArch()) as DebianArch;
  const hostHeaders = headersDir(kernel.release);
  if (kernel.suite === DEBIAN_SUITE && kernel.arch === hostArch && fs.existsSync(path.join(hostHeaders, 'Makefile'))) return hostBuilder(hostHeaders);
  const chroot = await ensureBuildChroot(kernel.suite, hostArch, log);
  if (kernel.arch === hostArch) return chrootBuilder(chroot, await ensureHeaders(chroot, kernel.release, log));
  const cross = await ensureCrossHeaders(chroot, kernel.release, kernel.arch, log);
  return chrootBuilder(chroot, cross.headers, cross.variables);
}
