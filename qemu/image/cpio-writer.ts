/** The initramfs archive: `cpio -o -H newc` over a staging tree, every file owned by root. */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { HarnessError } from '../../harness/core/errors.js';

/** Every path under root (relative, posix), each directory before what it holds, names sorted. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      out.push(child);
      if (entry.isDirectory()) walk(child);
    }
  };
  walk('');
  return out;
}

/** `cpio -o -H newc` over the staging tree (names on stdin, archive to a file). */
export function writeCpio(staging: string, output: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const outFd = fs.openSync(output, 'w');
    const child = spawn('cpio', ['-o', '-H', 'newc', '--quiet', '--owner=0:0'], { cwd: staging, stdio: ['pipe', outFd, 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      fs.closeSync(outFd);
      if (code === 0) resolve();
      else reject(new HarnessError(`cpio failed (exit ${code}): ${stderr.trim()}`, 2));
    });
    child.stdin?.end(listFiles(staging).join('\n') + '\n');
  });
}
