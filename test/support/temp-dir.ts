import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A temporary folder for the enclosing describe block: made before its tests, removed after. */
export function useTempDir(prefix: string): { readonly path: string } {
  const dir = { path: '' };
  before(() => {
    dir.path = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  after(() => {
    fs.rmSync(dir.path, { recursive: true, force: true });
  });
  return dir;
}
