/**
 * Whether an initramfs root can run both busybox and Debian's node. The layout aimed at is
 * bookworm's unmerged one, exactly as its debs ship it (bookworm's debs still put files in /lib;
 * merged /usr is made by usrmerge at install time, which we do not run):
 *
 *   /bin, /sbin      real directories: busybox and its applet links (init is busybox sh)
 *   /lib             real directory: lib/modules/<release>, and libc6's lib/<triplet> with the
 *                    dynamic loader link (lib/ld-linux-aarch64.so.1 → <triplet>/ld-linux-…), where
 *                    the ELF interpreter path of /usr/bin/node points
 *   /usr/bin/node, /usr/lib/<triplet>, /usr/share/nodejs   as the bookworm debs ship them
 *
 * No directory is ever turned into a symlink, so busybox's /bin keeps working; a deb that ships
 * /bin, /sbin or /lib as a symlink is refused, as is a node whose interpreter does not resolve in
 * the root. Trixie's libc6 ships the loader under /usr/lib only (its /lib is base-files' merged-/usr
 * symlink, which we do not unpack): linkMovedInterpreter() points the interpreter path at it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileInterpreter } from './elf-interpreter.js';

/**
 * Where `absolute` (a path as the guest sees it) leads inside `root`, following symlinks as the
 * guest would (absolute targets from the root, relative ones from the link's directory); undefined
 * when a component is missing or links loop.
 */
export function resolveInRoot(root: string, absolute: string): string | undefined {
  let pending = absolute.split('/').filter(Boolean);
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '.') continue;
    if (part === '..') {
      done.pop();
      continue;
    }
    const host = path.join(root, ...done, part);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(host);
    } catch {
      return undefined;
    }
    if (stat.isSymbolicLink()) {
      if (++links > 40) return undefined;
      const target = fs.readlinkSync(host);
      if (target.startsWith('/')) done.length = 0;
      pending = [...target.split('/').filter(Boolean), ...pending];
      continue;
    }
    done.push(part);
  }
  return path.join(root, ...done);
}

/** The top directories that must be real directories (/bin, /sbin, /lib may still be missing). */
function topDirectoryProblems(root: string): string[] {
  const problems: string[] = [];
  for (const dir of ['bin', 'sbin', 'lib', 'usr', 'usr/bin', 'usr/lib']) {
    try {
      const stat = fs.lstatSync(path.join(root, dir));
      if (!stat.isDirectory()) problems.push(`/${dir} is ${stat.isSymbolicLink() ? `a symlink (→ ${fs.readlinkSync(path.join(root, dir))})` : 'not a directory'}`);
    } catch {
      if (dir === 'bin' || dir === 'sbin' || dir === 'lib') continue; // created afterwards
      problems.push(`/${dir} is missing`);
    }
  }
  return problems;
}

/** What stops `node` from starting in the root: missing, no interpreter, a foreign or absent one. */
function nodeProblems(root: string, node: string, expectedInterpreter?: string): string[] {
  const nodeFile = resolveInRoot(root, node);
  if (!nodeFile || !fs.statSync(nodeFile).isFile()) return [`${node} is missing`];
  const interpreter = fileInterpreter(nodeFile);
  if (!interpreter) return [`${node} names no ELF interpreter`];
  if (expectedInterpreter && interpreter !== expectedInterpreter) {
    return [`${node} asks for the interpreter ${interpreter}, not ${expectedInterpreter}: it is built for another architecture`];
  }
  const loader = resolveInRoot(root, interpreter);
  if (!loader || !fs.statSync(loader).isFile()) return [`${node}'s interpreter ${interpreter} does not resolve inside the image`];
  return [];
}

/**
 * What is wrong with an initramfs root that must run both busybox (/bin, /sbin) and `node`: the
 * top directories must be real directories (a deb replacing /bin by a symlink would hide busybox),
 * and node's ELF interpreter must resolve to a file inside the root (and be the one of the board's
 * architecture, when given).
 */
export function rootLayoutProblems(root: string, node = '/usr/bin/node', expectedInterpreter?: string): string[] {
  return [...topDirectoryProblems(root), ...nodeProblems(root, node, expectedInterpreter)];
}

/**
 * When the ELF interpreter path (/lib/ld-linux-aarch64.so.1) does not resolve in the root but the
 * same path under /usr does (trixie's libc6 moved its files to /usr), link the one file to it
 * inside a real /lib; returns whether a link was made. The loader finds the libraries under
 * /usr/lib/<triplet> by its default search path.
 */
export function linkMovedInterpreter(root: string, interpreter: string): boolean {
  if (resolveInRoot(root, interpreter) !== undefined) return false;
  const moved = resolveInRoot(root, `/usr${interpreter}`);
  if (!moved || !fs.statSync(moved).isFile()) return false;
  const link = path.join(root, interpreter);
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(path.relative(path.dirname(link), path.join(root, 'usr', interpreter)), link);
  return true;
}
