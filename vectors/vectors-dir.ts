/**
 * Where the test vectors come from. Vector files are never part of the checkout; in order of
 * preference they are: the --vectors option, AFALG_VECTORS_DIR, ../shared/vectors beside the
 * checkout (what CI uses), or the set 'afalg-harness vectors fetch' put in the user cache.
 * Every one of them has the same layout: wycheproof/{testvectors_v1,schemas}/*.json and nist/...
 */
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../harness/core/errors.js';
import { cacheDir, projectRoot } from '../harness/core/paths.js';

export type VectorFamily = 'wycheproof' | 'nist';
export const vectorFamilies: readonly VectorFamily[] = ['wycheproof', 'nist'];

export type VectorsOrigin = 'option' | 'env' | 'beside-checkout' | 'cache';

/** Written by 'vectors fetch' into the directory it fills, once a family is verified and in place. */
export const FETCHED_MARKER = 'FETCHED.json';

export interface FetchedMarker {
  wycheproof?: { repo: string; commit: string; url: string; fetchedAt: string; files: number };
  nist?: { debianPackage: string; version: string; fetchedAt: string; files: number };
}

/** Where the lookup goes when there is no --vectors option; tests replace these. */
export interface VectorsLookup {
  env?: NodeJS.ProcessEnv;
  besideCheckout?: string;
  cache?: string;
}

export const besideCheckoutVectorsDir = (): string => path.resolve(projectRoot, '..', 'shared', 'vectors');
export const cachedVectorsDir = (): string => cacheDir('vectors');

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** The families present in dir (a family is present when its folder is). */
export function familiesIn(dir: string): VectorFamily[] {
  return vectorFamilies.filter((family) => isDirectory(path.join(dir, family)));
}

/** The marker a fetch left in dir, or undefined when there is none or it cannot be read. */
export function readFetchedMarker(dir: string): FetchedMarker | undefined {
  try {
    const data = JSON.parse(fs.readFileSync(path.join(dir, FETCHED_MARKER), 'utf8')) as unknown;
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as FetchedMarker) : undefined;
  } catch {
    return undefined;
  }
}

/** A directory the user named must exist and hold wycheproof/ or nist/. */
function checkNamedDir(dir: string, label: (resolved: string) => string): string {
  const resolved = path.resolve(dir);
  const what = label(resolved);
  if (!fs.existsSync(resolved)) throw new BadInputError(`${what}: no such directory`);
  if (!isDirectory(resolved)) throw new BadInputError(`${what}: not a directory`);
  if (familiesIn(resolved).length === 0) {
    throw new BadInputError(`${what}: not a test-vectors directory (it has neither wycheproof/ nor nist/ inside)`);
  }
  return resolved;
}

export function resolveVectorsDir(option?: string, lookup: VectorsLookup = {}): { dir: string; origin: VectorsOrigin } {
  if (option !== undefined && option !== '') return { dir: checkNamedDir(option, (dir) => `--vectors ${dir}`), origin: 'option' };

  const fromEnv = (lookup.env ?? process.env).AFALG_VECTORS_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return { dir: checkNamedDir(fromEnv, (dir) => `AFALG_VECTORS_DIR=${dir}`), origin: 'env' };

  const beside = path.resolve(lookup.besideCheckout ?? besideCheckoutVectorsDir());
  if (familiesIn(beside).length > 0) return { dir: beside, origin: 'beside-checkout' };

  const cache = path.resolve(lookup.cache ?? cachedVectorsDir());
  if (readFetchedMarker(cache) && familiesIn(cache).length > 0) return { dir: cache, origin: 'cache' };

  throw new BadInputError(
    `no test vectors found: run 'afalg-harness vectors fetch' or pass --vectors DIR (looked in: ${beside}, ${cache})`,
  );
}

export interface VectorOrigin {
  family: VectorFamily;
  /** one human-readable line: where the files came from and how that is known */
  origin: string;
  /** the Wycheproof commit */
  commit?: string;
  /** the Debian package version of the NIST/RFC files */
  version?: string;
  /** when 'vectors fetch' downloaded them */
  fetchedAt?: string;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Where each family in dir came from, for run.json: the fetch marker first, else the SOURCE.txt files. */
export function describeVectorOrigins(dir: string): VectorOrigin[] {
  const marker = readFetchedMarker(dir);
  const origins: VectorOrigin[] = [];
  for (const family of familiesIn(dir)) {
    if (family === 'wycheproof' && marker?.wycheproof) {
      const fetched = marker.wycheproof;
      origins.push({
        family,
        origin: `${fetched.repo}@${fetched.commit}, fetched from ${fetched.url} on ${fetched.fetchedAt}`,
        commit: fetched.commit,
        fetchedAt: fetched.fetchedAt,
      });
      continue;
    }
    if (family === 'nist' && marker?.nist) {
      const fetched = marker.nist;
      origins.push({
        family,
        origin: `Debian ${fetched.debianPackage} ${fetched.version}, fetched with apt-get download on ${fetched.fetchedAt}`,
        version: fetched.version,
        fetchedAt: fetched.fetchedAt,
      });
      continue;
    }
    const sourceFile = path.join(family, 'SOURCE.txt');
    const source = readText(path.join(dir, sourceFile));
    if (source === undefined) {
      origins.push({ family, origin: `unknown (no ${sourceFile} or ${FETCHED_MARKER} in ${dir})` });
    } else if (family === 'wycheproof') {
      const repo = /^Repository:\s*(\S+)/m.exec(source)?.[1];
      const commit = /^Commit:\s*([0-9a-f]{7,40})/im.exec(source)?.[1];
      origins.push({
        family,
        origin: `${repo ?? 'unknown repository'}${commit ? `@${commit}` : ''}, per ${sourceFile}`,
        ...(commit ? { commit } : {}),
      });
    } else {
      const match = /(python3-cryptography-vectors)\s+(\d[\w.+~:-]*\d)/.exec(source);
      origins.push({
        family,
        origin: match ? `Debian ${match[1]} ${match[2]}, per ${sourceFile}` : `see ${sourceFile}`,
        ...(match?.[2] ? { version: match[2] } : {}),
      });
    }
  }
  return origins;
}
