/**
 * The headers of a Debian kernel of another architecture than the host's (an arm64 kernel on an
 * amd64 host), set up for a cross build in the suite's chroot of the host's architecture (a chroot
 * of the kernel's own architecture could not run here). Debian ships them for it: the flavour's
 * linux-headers-REL (the kernel's architecture), linux-headers-…-common (all) and linux-kbuild-…
 * (Multi-Arch foreign: the host architecture's scripts) are unpacked into the chroot — their Depends
 * name the kernel image and a native gcc the chroot does not need — keeping the chroot's merged-/usr
 * links (bookworm's kbuild ships /lib/linux-kbuild-6.1). The headers' .kernelvariables name the
 * compiler (`$(CROSS_COMPILE)gcc-14`), whose cross package (gcc-14-aarch64-linux-gnu) apt installs
 * in the chroot; make is given CROSS_COMPILE (trixie's headers set it themselves, bookworm's only
 * when told the host architecture).
 */
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../harness/core/paths.js';
import { execFile } from '../harness/core/exec.js';
import { HarnessError } from '../harness/core/errors.js';
import { ForeignApt } from './apt/foreign-apt.js';
import { APT_ENV } from './apt/apt-command.js';
import { DEBIAN_TRIPLETS, type DebianArch } from './apt/debian.js';
import { headersDir, installInChroot, type BuildChroot } from './build-chroot.js';

/** The packages a `linux-headers-REL` Depends names that hold its files: the -common headers and linux-kbuild. */
export function headerParts(showOutput: string): { common?: string; kbuild?: string } {
  const depends = /^Depends: (.*)$/m.exec(showOutput)?.[1] ?? '';
  const names = depends.split(/,\s*/).map((entry) => entry.trim().split(/[\s(|]/)[0] ?? '');
  return { common: names.find((name) => /^linux-headers-.*-common$/.test(name)), kbuild: names.find((name) => name.startsWith('linux-kbuild-')) };
}

/** The cross compiler the headers' .kernelvariables names for `triplet`: `CC = … $(CROSS_COMPILE)gcc-14` → gcc-14-aarch64-linux-gnu. */
export function crossCompilerPackage(kernelVariables: string, triplet: string): string | undefined {
  const compiler = /^CC = .*\$\(CROSS_COMPILE\)(gcc(?:-\d+)?)\s*$/m.exec(kernelVariables)?.[1];
  return compiler ? `${compiler}-${triplet}` : undefined;
}

/**
 * One package's .deb (its candidate in the private lists of `apt`) unpacked into the chroot, its
 * directory symlinks (/lib → usr/lib) kept: dpkg-deb -x would replace them by directories.
 */
async function unpackInto(chroot: BuildChroot, apt: ForeignApt, name: string): Promise<void> {
  const deb = await apt.download({ name, version: await apt.candidateVersion(name) }, cacheDir('downloads', apt.arch));
  await execFile('bash', ['-o', 'pipefail', '-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x --keep-directory-symlink -C "$2"', 'unpack', deb, chroot.root]);
}

export interface CrossHeaders {
  /** the headers' path in the chroot */
  headers: string;
  /** make variables of the cross build */
  variables: string[];
}

/** The headers of kernelRelease (of `arch`) in the host-architecture chroot, with their cross compiler. */
export async function ensureCrossHeaders(chroot: BuildChroot, kernelRelease: string, arch: DebianArch, log: (line: string) => void): Promise<CrossHeaders> {
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
  const triplet = DEBIAN_TRIPLETS[arch];
  const compiler = crossCompilerPackage(fs.readFileSync(variables, 'utf8'), triplet);
  if (!compiler) throw new HarnessError(`${variables}: names no compiler (CC = …$(CROSS_COMPILE)gcc-N)`, 2);
  const compilerBinary = `${triplet}-${compiler.slice(0, -triplet.length - 1)}`;
  if (!fs.existsSync(path.join(chroot.root, 'usr', 'bin', compilerBinary)) || !fs.existsSync(path.join(chroot.root, 'usr', 'bin', 'make'))) {
    await installInChroot(chroot, [compiler, 'make'], log);
  }
  return { headers, variables: [`CROSS_COMPILE=${triplet}-`] };
}
