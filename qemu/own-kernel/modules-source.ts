/**
 * The modules of a user's kernel, as a kernel build or Yocto hands them over: a directory
 * (`make modules_install INSTALL_MOD_PATH=DIR` gives DIR/lib/modules/<release>; a lib/modules dir or
 * the <release> dir itself also do) or an archive (Yocto's modules-<machine>.tgz, lib/modules/<release>
 * inside). Resolved to one lib/modules/<release> with a modules.dep, never written into the user's
 * files: an archive is unpacked into the harness's work dir, a directory without modules.dep is
 * copied there before depmod runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from '../../harness/core/exec.js';
import { BadInputError } from '../../harness/core/errors.js';
import { parseModulesDep } from '../kernel-modules.js';

export interface ModuleTree {
  /** lib/modules/<release> */
  moduleRoot: string;
  release: string;
  /** module path (relative to moduleRoot) → what it depends on */
  deps: Map<string, string[]>;
  /** names in modules.builtin (empty when the tree has none) */
  builtin: Set<string>;
}

const ARCHIVE = /\.(tgz|tar\.gz|tar\.xz|tar\.zst|tar)$/;
/** Files that make a directory a lib/modules/<release>. */
const RELEASE_DIR_MARKS = ['modules.dep', 'modules.order', 'modules.builtin', 'kernel'];

export const isModulesArchive = (file: string): boolean => ARCHIVE.test(file);

function isReleaseDir(dir: string): boolean {
  return RELEASE_DIR_MARKS.some((name) => fs.existsSync(path.join(dir, name)));
}

/** The lib/modules dirs a base may hold (legacy and merged /usr). */
function modulesDirsUnder(base: string): string[] {
  return [path.join(base, 'lib', 'modules'), path.join(base, 'usr', 'lib', 'modules'), base].filter((dir) => fs.existsSync(dir) && fs.statSync(dir).isDirectory());
}

/**
 * lib/modules/<release> under `base` (an INSTALL_MOD_PATH, a lib/modules, or the release dir), the
 * one of `wanted` release when there are several; a BadInputError naming `source` when none.
 */
export function findReleaseDir(base: string, source: string, wanted?: string, releaseDirItself = true): { moduleRoot: string; release: string } {
  if (releaseDirItself && isReleaseDir(base) && !fs.existsSync(path.join(base, 'lib'))) return { moduleRoot: base, release: path.basename(base) };
  for (const dir of modulesDirsUnder(base).filter((dir) => releaseDirItself || dir !== base)) {
    const releases = fs.readdirSync(dir).filter((name) => isReleaseDir(path.join(dir, name)));
    const release = wanted && releases.includes(wanted) ? wanted : releases.length === 1 ? releases[0] : undefined;
    if (release) return { moduleRoot: path.join(dir, release), release };
    if (releases.length > 1) throw new BadInputError(`${source}: modules of ${releases.length} releases (${releases.join(', ')})${wanted ? `, none of them the kernel's ${wanted}` : ''}: keep one`);
  }
  throw new BadInputError(`${source}: no lib/modules/<release> with modules in it: not a modules dir (INSTALL_MOD_PATH) or a modules-*.tgz`);
}

async function unpackArchive(file: string, work: string): Promise<string> {
  const into = path.join(work, 'modules-archive');
  fs.rmSync(into, { recursive: true, force: true });
  fs.mkdirSync(into, { recursive: true });
  try {
    await execFile('tar', ['-xf', file, '-C', into]);
  } catch (error) {
    throw new BadInputError(`${file}: not a modules archive tar can unpack: ${(error as Error).message.split('\n')[0]}`);
  }
  return into;
}

function readBuiltin(moduleRoot: string): Set<string> {
  const file = path.join(moduleRoot, 'modules.builtin');
  if (!fs.existsSync(file)) return new Set();
  return new Set(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => path.basename(line).replace(/\.ko$/, '').replace(/-/g, '_')));
}

/** `source` (a dir or an archive) as one lib/modules/<release> with its modules.dep; `work` is the harness's scratch dir. */
export async function readModuleTree(source: string, work: string, wantedRelease?: string): Promise<ModuleTree> {
  if (!fs.existsSync(source)) throw new BadInputError(`${source}: no such modules dir or archive`);
  const archive = fs.statSync(source).isFile();
  if (archive && !isModulesArchive(source)) throw new BadInputError(`${source}: not a modules dir or a modules archive (.tgz, .tar.gz, .tar.xz, .tar)`);
  const base = archive ? await unpackArchive(source, work) : source;
  let { moduleRoot, release } = findReleaseDir(base, source, wantedRelease, !archive);
  if (!fs.existsSync(path.join(moduleRoot, 'modules.dep'))) {
    if (!archive || !moduleRoot.endsWith(path.join('lib', 'modules', release))) {
      // the user's tree stays as it is: depmod runs on a copy
      const copy = path.join(work, 'modules-copy', 'lib', 'modules', release);
      fs.cpSync(moduleRoot, copy, { recursive: true });
      moduleRoot = copy;
    }
    await execFile('depmod', ['-b', path.resolve(moduleRoot, '..', '..', '..'), release]);
  }
  const deps = parseModulesDep(fs.readFileSync(path.join(moduleRoot, 'modules.dep'), 'utf8'));
  return { moduleRoot, release, deps, builtin: readBuiltin(moduleRoot) };
}
