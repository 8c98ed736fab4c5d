/** The kernel text captured from the qemu/fixtures kernel-fault fixtures (test/fixtures/kernel-events). */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../harness/paths.js';

export function capture(name: string): string {
  return fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'kernel-events', `${name}.console.txt`), 'utf8');
}
