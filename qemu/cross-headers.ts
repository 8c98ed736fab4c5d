/**
 * The headers of a Debian kernel of another architecture than the host's (trixie's arm64 6.12 on an
 * amd64 host), set up for a cross build in the suite's chroot of the host's architecture (a chroot of
 * the kernel's own architecture could not run here). Debian ships them for it: the flavour's
 * linux-headers-REL (the kernel's architecture), linux-headers-…-common (all) and linux-kbuild-…
 * (Multi-Arch foreign: the host architecture's scripts) are unpacked into the chroot with dpkg-deb —
 * their Depends name the kernel image and a native gcc the chroot does not need — and the headers'
 * .kernelvariables set ARCH and CROSS_COMPILE and name the compiler (`$(CROSS_COMPILE)gcc-14`), whose
 * cross package (gcc-14-aarch64-linux-gnu) apt installs in the chroot.
 */
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../harness/core/paths.js';
import { execFile } from '../harness/core/exec.js';
import { HarnessError } from '../harness/core/errors.js';
import { ForeignApt } from './apt/foreign-apt.js';
import { APT_ENV } from './apt/apt-command.js';
import type { DebianArch } from './apt/debian.js';
import { headersDir, installInChroot, type BuildChroot } from './build-chroot.js';

/** The packages a `linux-headers-REL` Depends names that hold its files: the -common headers and linux-kbuild. */
export function headerParts(showOutput: string): { common?: string; kbuild?: string } {
  const depends = /^Depends: (.*)$/m.exec(showOutput)?.[1] ?? '';
  const names = depends.split(/,\s*/).map((entry) => entry.trim().split(/[\s(|]/)[0] ?? '');
  return { common: names.find((name) => /^linux-headers-.*-common$/.test(name)), kbuild: names.find((name) => name.startsWith('linux-kbuild-')) };
}

/** The cross compiler package the headers' .kernelvariables names: `CC = … $(CROSS_COMPILE)gcc-14` with CROSS_COMPILE = aarch64-linux-gnu- → gcc-14-aarch64-linux-gnu. */
export function crossCompilerPackage(kernelVariables: string): string | undefined {
  const compiler = /^CC = .*\$\(CROSS_COMPILE\)(gcc(?:-\d+)?)\s*$/m.exec(kernelVariables)?.[1];
  const prefix = /^override CROSS_COMPILE = (\S+)-\s*$/m.exec(kernelVariables)?.[1];
  return compiler && prefix ? `${compiler}-${prefix}` : undefined;
}

/** One package's .deb (its candidate in the private lists of `apt`) unpacked into the chroot. */
async function unpackInto(chroot: BuildChroot, apt: ForeignApt, name: string): Promise<void> {
  const deb = await apt.download({ name, version: await apt.candidateVersion(name) }, cacheDir('downloads', apt.arch));
  await execFile('dpkg-deb', ['-x', deb, chroot.root]);
}

/** The headers of kernelRelease (of `arch`) in the host-architecture chroot, with their cross compiler; returns their path there. */
export async function ensureCrossHeaders(chroot: BuildChroot, kernelRelease: string, arch: DebianArch, log: (line: string) => void): Promise<string> {
  const headers = headersDir(kernelRelease);
  const variables = path.join(chroot.root, headers, '.kernelvariables');
  if (!fs.existsSync(variables)) {
    const kernelApt = new ForeignApt(arch, { suite: chroot.suite, log });
    const name = `linux-headers-${kernelRelease}`;
    log(`unpacking ${name} (${arch}) and the headers and kbuild it needs into the ${chroot.suite} ${chroot.arch} chroot`);
    await kernelApt.ensureLists();
    const { stdout } = await execFile('apt-cache', [...kernelApt.options, 'show', '--no-all-versions', `${name}:${arch}`], { env: APT_ENV });
    const { common, kbuild } = headerParts(stdout);
    if (!common || !kbuild) throw new HarnessError(`${name}:${arch} names no -common headers or linux-kbuild package (apt-cache show, private ${chroot.suite} lists)`, 2);
    await unpackInto(chroot, kernelApt, name);
    await unpackInto(chroot, kernelApt, common);
    await unpackInto(chroot, new ForeignApt(chroot.arch, { suite: chroot.suite, log }), kbuild);
  }
  const compiler = crossCompilerPackage(fs.readFileSync(variables, 'utf8'));
  if (!compiler) throw new HarnessError(`${variables}: names no cross compiler (CC = …$(CROSS_COMPILE)gcc-N, override CROSS_COMPILE = …)`, 2);
  if (!fs.existsSync(path.join(chroot.root, 'usr', 'bin', compiler.replace(/^(gcc-\d+)-(.*)$/, '$2-$1'))) || !fs.existsSync(path.join(chroot.root, 'usr', 'bin', 'make'))) {
    await installInChroot(chroot, [compiler, 'make'], log);
  }
  return headers;
}
