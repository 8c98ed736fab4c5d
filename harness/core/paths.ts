/** Where things live: the project checkout, the user's cache, the shared vectors. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(start: string): string {
  let dir = start;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const name = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name;
      if (name === 'afalg-harness') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`afalg-harness: cannot find the project root above ${start}`);
    dir = parent;
  }
}

/** The checkout (or installed package) root: holds boards/, qemu/, dist/. */
export const projectRoot = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));

/** Compiled agent entry point, as the target sees it when it shares the host's file system. */
export const agentEntry = path.join(projectRoot, 'dist', 'harness', 'agent', 'main.js');

/** XDG cache: kernel packages, built guest images, the accelerator probe. Never inside the repo. */
export function cacheDir(...parts: string[]): string {
  const base = process.env.AFALG_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'afalg-harness');
  return path.join(base, ...parts);
}
