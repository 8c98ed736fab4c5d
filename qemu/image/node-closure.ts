/**
 * The guest's own node for boards with `agentNode: "image"`: Debian's nodejs for the board's
 * architecture with everything it depends on (resolved by the private apt), unpacked into the
 * empty initramfs root, trimmed, and checked to be runnable there (root-layout.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from '../../harness/core/exec.js';
import { HarnessError } from '../../harness/core/errors.js';
import type { StepProgress } from '../../harness/core/progress.js';
import type { ForeignApt } from '../apt/foreign-apt.js';
import { DEBIAN_INTERPRETERS, DEBIAN_TRIPLETS, type ClosurePackage, type DebianArch } from '../apt/debian.js';
import { linkMovedInterpreter, rootLayoutProblems } from './root-layout.js';

/** What the guest's node needs: Debian's nodejs and its dependencies (no recommends). */
export const NODE_PACKAGES = ['nodejs'];
/** Bump when the way nodejs is laid out in the image (trimming, layout) changes. */
export const NODE_LAYOUT_FORMAT = 1;

/**
 * Paths (relative to the root, posix) dropped from the unpacked node packages: documentation,
 * translations, shell completions, debugger and tracing scripts, and glibc's iconv modules (gconv,
 * ~20 MB: node converts with ICU, never iconv). Everything else stays (/usr/share/nodejs holds
 * modules Debian's node loads: acorn, undici, cjs-module-lexer…).
 */
export function trimmedPaths(arch: DebianArch): string[] {
  const triplet = DEBIAN_TRIPLETS[arch];
  return [
    ...['doc', 'doc-base', 'man', 'info', 'locale', 'lintian', 'bug', 'bash-completion', 'zsh', 'fish', 'gdb', 'gcc', 'systemtap', 'menu'].map((dir) => `usr/share/${dir}`),
    `usr/lib/${triplet}/gconv`,
    `lib/${triplet}/gconv`,
  ];
}

/** Whether `rel` (relative to the root) is trimmed: it is, or lies under, a trimmed path. */
export function isTrimmed(rel: string, arch: DebianArch): boolean {
  const clean = rel.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  return trimmedPaths(arch).some((trimmed) => clean === trimmed || clean.startsWith(`${trimmed}/`));
}

/** Remove the trimmed paths from an unpacked root; returns the bytes removed. */
export function trimRoot(root: string, arch: DebianArch): number {
  let removed = 0;
  for (const rel of trimmedPaths(arch)) {
    const target = path.join(root, rel);
    if (!fs.existsSync(target)) continue;
    removed += treeBytes(target);
    fs.rmSync(target, { recursive: true, force: true });
  }
  return removed;
}

/** Bytes of the regular files under target (symlinks count nothing). */
export function treeBytes(target: string): number {
  const stat = fs.lstatSync(target);
  if (!stat.isDirectory()) return stat.isFile() ? stat.size : 0;
  return fs.readdirSync(target).reduce((sum, entry) => sum + treeBytes(path.join(target, entry)), 0);
}

/** The version of nodejs itself among the closure's packages. */
export function nodejsVersion(packages: ClosurePackage[]): string | undefined {
  return packages.find((pkg) => pkg.name === 'nodejs')?.version;
}

/** Unpack the node packages into the staging root, trim them and check the result can run. */
async function unpackNode(debs: string[], staging: string, arch: DebianArch): Promise<{ removed: number }> {
  for (const deb of debs) await execFile('dpkg-deb', ['-x', deb, staging]);
  const removed = trimRoot(staging, arch);
  linkMovedInterpreter(staging, DEBIAN_INTERPRETERS[arch]);
  const problems = rootLayoutProblems(staging, '/usr/bin/node', DEBIAN_INTERPRETERS[arch]);
  if (problems.length > 0) throw new HarnessError(`the unpacked nodejs root cannot run: ${problems.join('; ')}`, 2);
  return { removed };
}

/**
 * The build step: download the closure and unpack it first, into the empty root (the debs create
 * /lib and /usr as they ship them; busybox comes after).
 */
export async function addNodeClosure(apt: ForeignApt, packages: ClosurePackage[], staging: string, progress: StepProgress): Promise<void> {
  const arch = apt.arch;
  progress.next(`adding nodejs ${nodejsVersion(packages) ?? ''} for ${arch} (${packages.length} packages, private apt)`);
  const debs = await apt.downloadClosure(packages);
  const { removed } = await unpackNode(
    debs.map((deb) => deb.file),
    staging,
    arch,
  );
  progress.detail(`${(treeBytes(staging) / 1e6).toFixed(0)} MB unpacked after trimming ${(removed / 1e6).toFixed(0)} MB (docs, locales, gconv)`);
}
