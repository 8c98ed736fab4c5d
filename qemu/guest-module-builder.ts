/**
 * Where an out-of-tree module for a guest kernel is built: on the host for the host suite's
 * kernels (bookworm's 6.1) when their headers are installed here, else in a chroot of the kernel's
 * own Debian suite (build-chroot.ts: Debian's 7.x kernels need their own gcc and glibc). The
 * fixtures and the in-kernel executor are both built through it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chrootBuilder, ensureBuildChroot, hostBuilder, type ModuleBuilder } from './build-chroot.js';
import type { DebianArch } from './apt/debian.js';
import { DEBIAN_SUITE } from './apt/sources.js';

/** Where Debian's linux-headers-<release> installs them (on the host or in a chroot). */
export function headersDir(kernelRelease: string): string {
  return `/usr/src/linux-headers-${kernelRelease}`;
}

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

/** The builder for kernel: the host's toolchain for the host suite with headers here, else the suite's chroot. */
export async function guestModuleBuilder(kernel: GuestKernel, log: (line: string) => void): Promise<ModuleBuilder> {
  const hostHeaders = headersDir(kernel.release);
  if (kernel.suite === DEBIAN_SUITE && fs.existsSync(path.join(hostHeaders, 'Makefile'))) return hostBuilder(hostHeaders);
  return chrootBuilder(await ensureBuildChroot(kernel.suite, kernel.arch, log), kernel.release, log);
}
