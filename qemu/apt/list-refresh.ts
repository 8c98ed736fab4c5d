/**
 * When the private package lists are refreshed, and whether a refresh left them usable. The lists
 * are refreshed when older than a day (or on demand). A refresh that fails only for a secondary
 * index (bookworm-security or bookworm-updates caught mid-sync: "File has unexpected size … Mirror
 * sync in progress?") is accepted as long as bookworm's main Packages index for the architecture is
 * there, with a one-line warning naming the index that failed; such a partial refresh is retried
 * after an hour instead of a day.
 */
import fs from 'node:fs';
import type { DebianArch } from './debian.js';
import { DEBIAN_SUITE } from './sources.js';

/** Lists older than this are refreshed. */
export const LISTS_MAX_AGE_MS = 24 * 3600 * 1000;
/** A refresh that left a secondary index out is retried after this long. */
export const PARTIAL_LISTS_MAX_AGE_MS = 3600 * 1000;

/** apt's list file of bookworm's main Packages index for `arch` (kept compressed or not). */
export function mainIndexPattern(arch: DebianArch, suite = DEBIAN_SUITE): RegExp {
  return new RegExp(`_dists_${suite}_main_binary-${arch}_Packages(\\.(lz4|gz|xz|zst|bz2))?$`);
}

export function mainIndexPresent(listFiles: string[], arch: DebianArch, suite = DEBIAN_SUITE): boolean {
  const pattern = mainIndexPattern(arch, suite);
  return listFiles.some((file) => pattern.test(file));
}

/** The indexes an `apt-get update` reports as failed ("E: Failed to fetch URL  reason", "Err:N URI suite/comp arch Packages"). */
export function failedIndexes(output: string): string[] {
  const failed = new Set<string>();
  for (const line of output.split('\n')) {
    const fetch = /^(?:E|W): Failed to fetch (\S+)/.exec(line);
    if (fetch) {
      failed.add(fetch[1] as string);
      continue;
    }
    const err = /^Err:\d+ (\S+) (.+?)\s*$/.exec(line);
    if (err) failed.add(`${err[1]} ${err[2]}`);
  }
  // an Err line and its Failed-to-fetch line name the same index: keep the URL form when there is one
  const urls = [...failed].filter((entry) => !entry.includes(' '));
  return urls.length > 0 ? urls : [...failed];
}

export interface UpdateVerdict {
  accepted: boolean;
  /** indexes that failed (accepted: secondary ones; refused: everything apt named) */
  failed: string[];
  /** one line for the user */
  message?: string;
}

/**
 * Whether an `apt-get update` left usable lists: success, or a failure of secondary indexes only
 * (the main bookworm index for the architecture is in the lists directory).
 */
export function updateVerdict(exitCode: number, output: string, listFiles: string[], arch: DebianArch, suite = DEBIAN_SUITE): UpdateVerdict {
  const failed = failedIndexes(output);
  if (exitCode === 0) {
    return failed.length > 0 ? { accepted: true, failed, message: `apt-get update (${arch}) warned about ${failed.join(', ')}` } : { accepted: true, failed };
  }
  if (!mainIndexPresent(listFiles, arch, suite)) {
    const reason = failed.length > 0 ? failed.join(', ') : (output.trim().split('\n').filter((line) => line.startsWith('E:')).slice(-1)[0] ?? `exit ${exitCode}`);
    return { accepted: false, failed, message: `apt-get update (${arch}) failed and ${suite} main's Packages index is missing: ${reason}` };
  }
  const named = failed.length > 0 ? failed.join(', ') : 'an index (apt named none)';
  return { accepted: true, failed, message: `warning: apt-get update (${arch}) could not fetch ${named}; going on with the other lists` };
}

export interface ListsStamp {
  refreshedAt: string;
  /** hash of the sources list the lists were fetched for */
  sources: string;
  /** secondary indexes that failed in that refresh */
  failed: string[];
}

/** Whether the private lists must be fetched again. */
export function listsNeedRefresh(stamp: ListsStamp | undefined, sourcesHash: string, nowMs: number, force: boolean): boolean {
  if (force || !stamp) return true;
  if (stamp.sources !== sourcesHash) return true;
  const age = nowMs - Date.parse(stamp.refreshedAt);
  if (!Number.isFinite(age) || age < 0) return true;
  return age > (stamp.failed.length > 0 ? PARTIAL_LISTS_MAX_AGE_MS : LISTS_MAX_AGE_MS);
}

/** The stamp of the last refresh, or undefined when there was none (or it cannot be read). */
export function readListsStamp(file: string): ListsStamp | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ListsStamp;
  } catch {
    return undefined;
  }
}

export function writeListsStamp(file: string, stamp: ListsStamp): void {
  fs.writeFileSync(file, JSON.stringify(stamp, null, 2) + '\n');
}
