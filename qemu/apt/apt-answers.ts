/** Reading what apt-cache and apt-get print, and the names apt gives what it downloads. */
import type { ClosurePackage } from './debian.js';

/** `apt-get -s install` lines: "Inst libc6 (2.36-9+deb12u14 Debian:12.15/oldstable [arm64])". */
export function parseSimulatedInstall(output: string): ClosurePackage[] {
  const packages: ClosurePackage[] = [];
  for (const line of output.split('\n')) {
    const inst = /^Inst (\S+?)(?::\S+)? (?:\[[^\]]*\] )?\((\S+) .*\[([a-z0-9]+)\]\)/.exec(line);
    if (inst) packages.push({ name: inst[1] as string, version: inst[2] as string, arch: inst[3] as string });
  }
  return packages;
}

/** The file name apt gives a downloaded .deb ("1:1.2" → "1%3a1.2"). */
export function debFileName(pkg: ClosurePackage): string {
  return `${pkg.name}_${pkg.version.replace(/:/g, '%3a')}_${pkg.arch}.deb`;
}

/** The versioned package a kernel meta package depends on (`apt-cache depends` output). */
export function kernelDependency(dependsOutput: string): string | undefined {
  return /Depends: (linux-image-[^\s:<>]+)/.exec(dependsOutput)?.[1];
}

/**
 * The packages a split kernel package depends on for its files (`apt-cache depends
 * linux-image-REL` output): since 7.x Debian ships linux-image-REL as a small package depending on
 * linux-binary-REL (/usr/lib/modules/REL/vmlinuz), linux-modules-REL (the .ko.xz modules) and
 * linux-base-REL (modules.builtin, modules.order, config). Empty for a kernel package that holds
 * everything itself (bookworm's).
 */
export function kernelSplitParts(dependsOutput: string, kernelName: string): string[] {
  const release = kernelName.replace(/^linux-image-/, '');
  const parts = new Set<string>();
  for (const match of dependsOutput.matchAll(/^\s*\|?Depends: (linux-(?:binary|modules|base)-[^\s:<>]+)/gm)) {
    const name = match[1] as string;
    if (name.replace(/^linux-(?:binary|modules|base)-/, '') === release) parts.add(name);
  }
  return [...parts].sort();
}

/** `apt-cache show --no-all-versions` → its Version field. */
export function versionField(showOutput: string): string | undefined {
  return /^Version: (\S+)$/m.exec(showOutput)?.[1];
}
