/** The kernel text captured from the qemu/fixtures kernel-fault fixtures (test/fixtures/kernel-events). */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../harness/core/paths.js';

/** A capture by name: `oops-null-deref` is the console's oops-null-deref.console.txt; a name with an extension is the file itself. */
export function capture(name: string): string {
  const file = /\.txt$/.test(name) ? name : `${name}.console.txt`;
  return fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'kernel-events', file), 'utf8');
}
