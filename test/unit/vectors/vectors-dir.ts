/** Where the shared vector files are: AFALG_VECTORS_DIR, else ../shared/vectors next to the checkout. */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../harness/core/paths.js';

export const vectorsDir = path.resolve(process.env.AFALG_VECTORS_DIR ?? path.resolve(projectRoot, '../shared/vectors'));

export function vectorPath(...parts: string[]): string {
  if (!fs.existsSync(vectorsDir)) {
    throw new Error(`no vector files at ${vectorsDir}: put the shared vectors beside the checkout or set AFALG_VECTORS_DIR`);
  }
  return path.join(vectorsDir, ...parts);
}
