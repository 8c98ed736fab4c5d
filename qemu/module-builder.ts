/**
 * Which builder makes out-of-tree modules (fixtures, the in-kernel executor) for a Debian kernel of a
 * suite and architecture: the host's toolchain for the host suite's kernels (bookworm's 6.1) when
 * their headers are installed here; else a chroot of the kernel's own suite with its own compiler
 * (bullseye's 5.10 was built with gcc-10, trixie's 6.12 with gcc-14, sid's 7.x with gcc-16) — of the
 * host's architecture, cross-compiling for a kernel of another (cross-headers.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { hostDebianArch } from './apt/apt-command.js';
import type { DebianArch } from './apt/debian.js';
import { DEBIAN_SUITE } from './apt/sources.js';
import { chrootBuilder, ensureBuildChroot, ensureHeaders, headersDir, hostBuilder, type ModuleBuilder } from './build-chroot.js';
import { ensureCrossHeaders } from './cross-headers.js';

export async function suiteModuleBuilder(kernelRelease: string, suite: string, arch: DebianArch, log: (line: string) => void): Promise<ModuleBuilder> {
  const hostArch = (await hostDebianArch()) as DebianArch;
  const hostHeaders = headersDir(kernelRelease);
  if (suite === DEBIAN_SUITE && arch === hostArch && fs.existsSync(path.join(hostHeaders, 'Makefile'))) return hostBuilder(hostHeaders);
  const chroot = await ensureBuildChroot(suite, hostArch, log);
  if (arch === hostArch) return chrootBuilder(chroot, await ensureHeaders(chroot, kernelRelease, log));
  const cross = await ensureCrossHeaders(chroot, kernelRelease, arch, log);
  return chrootBuilder(chroot, cross.headers, cross.variables);
}
