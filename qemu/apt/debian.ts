/** What Debian calls things: its architectures, their multiarch triplets and loaders, and packages. */

export type DebianArch = 'amd64' | 'arm64' | 'armhf';

export interface DebianPackage {
  name: string;
  version: string;
}

/** A package of a download closure, with its architecture (`all` for architecture-independent ones). */
export interface ClosurePackage extends DebianPackage {
  arch: string;
}

export interface DownloadedPackage extends ClosurePackage {
  file: string;
}

/** Debian architecture → multiarch triplet. */
export const DEBIAN_TRIPLETS: Record<DebianArch, string> = {
  amd64: 'x86_64-linux-gnu',
  arm64: 'aarch64-linux-gnu',
  armhf: 'arm-linux-gnueabihf',
};

/** The dynamic loader path each architecture's executables name (PT_INTERP). */
export const DEBIAN_INTERPRETERS: Record<DebianArch, string> = {
  amd64: '/lib64/ld-linux-x86-64.so.2',
  arm64: '/lib/ld-linux-aarch64.so.1',
  armhf: '/lib/ld-linux-armhf.so.3',
};
