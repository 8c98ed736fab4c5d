import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  LISTS_MAX_AGE_MS,
  PARTIAL_LISTS_MAX_AGE_MS,
  failedIndexes,
  listsNeedRefresh,
  mainIndexPresent,
  readListsStamp,
  updateVerdict,
  writeListsStamp,
  type ListsStamp,
} from '../../../../qemu/apt/list-refresh.js';
import { useTempDir } from '../../../support/temp-dir.js';

/** What apt-get update printed here when bookworm-security's armhf index was caught mid-sync. */
const MID_SYNC_OUTPUT = `Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]
Get:2 http://deb.debian.org/debian bookworm-updates InRelease [55.4 kB]
Get:3 http://deb.debian.org/debian-security bookworm-security InRelease [34.8 kB]
Ign:4 http://deb.debian.org/debian-security bookworm-security/main armhf Packages
Get:4 http://deb.debian.org/debian-security bookworm-security/main armhf Packages [350 kB]
Err:4 http://deb.debian.org/debian-security bookworm-security/main armhf Packages
  File has unexpected size (334084 != 349884). Mirror sync in progress? [IP: 203.0.113.80 80]
Fetched 241 kB in 1s (428 kB/s)
Reading package lists...
E: Failed to fetch http://deb.debian.org/debian-security/dists/bookworm-security/main/binary-armhf/Packages.xz  File has unexpected size (334084 != 349884). Mirror sync in progress? [IP: 203.0.113.80 80]
   Hashes of expected file:
    - Filesize:349884 [weak]
E: Some index files failed to download. They have been ignored, or old ones used instead.
`;

const SECURITY_URL = 'http://deb.debian.org/debian-security/dists/bookworm-security/main/binary-armhf/Packages.xz';

/** A lists directory as apt leaves it after that update (indexes kept lz4-compressed). */
function fakeListsDir(files: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-lists-'));
  for (const file of files) fs.writeFileSync(path.join(dir, file), '');
  fs.mkdirSync(path.join(dir, 'partial'));
  return dir;
}

describe('qemu/apt/list-refresh', () => {
  describe('apt-get update failures', () => {
    it('names the failed index by its URL', () => {
      assert.deepEqual(failedIndexes(MID_SYNC_OUTPUT), [SECURITY_URL]);
      assert.deepEqual(failedIndexes('Err:2 http://x/debian bookworm-updates/main arm64 Packages\n'), ['http://x/debian bookworm-updates/main arm64 Packages']);
      assert.deepEqual(failedIndexes('Get:1 http://x/debian bookworm InRelease\nReading package lists...\n'), []);
    });

    it('finds the main index whether apt keeps it compressed or not, for that architecture only', () => {
      assert.ok(mainIndexPresent(['deb.debian.org_debian_dists_bookworm_main_binary-armhf_Packages.lz4'], 'armhf'));
      assert.ok(mainIndexPresent(['deb.debian.org_debian_dists_bookworm_main_binary-armhf_Packages'], 'armhf'));
      assert.ok(!mainIndexPresent(['deb.debian.org_debian_dists_bookworm_main_binary-arm64_Packages.lz4'], 'armhf'));
      assert.ok(!mainIndexPresent(['deb.debian.org_debian_dists_bookworm-updates_main_binary-armhf_Packages.lz4'], 'armhf'));
      assert.ok(!mainIndexPresent(['deb.debian.org_debian-security_dists_bookworm-security_main_binary-armhf_Packages.lz4'], 'armhf'));
    });

    it('accepts a failed update when only a secondary index is missing, with a warning naming it', () => {
      const lists = fakeListsDir([
        'deb.debian.org_debian_dists_bookworm_InRelease',
        'deb.debian.org_debian_dists_bookworm_main_binary-armhf_Packages.lz4',
        'deb.debian.org_debian_dists_bookworm-updates_InRelease',
        'deb.debian.org_debian_dists_bookworm-updates_main_binary-armhf_Packages.lz4',
      ]);
      try {
        const verdict = updateVerdict(100, MID_SYNC_OUTPUT, fs.readdirSync(lists), 'armhf');
        assert.equal(verdict.accepted, true);
        assert.deepEqual(verdict.failed, [SECURITY_URL]);
        assert.ok(verdict.message?.startsWith('warning: '), verdict.message);
        assert.ok(verdict.message?.includes(SECURITY_URL), verdict.message);
        assert.equal(verdict.message?.includes('\n'), false);
      } finally {
        fs.rmSync(lists, { recursive: true, force: true });
      }
    });

    it('refuses a failed update that left no main index', () => {
      const lists = fakeListsDir(['deb.debian.org_debian_dists_bookworm-updates_main_binary-armhf_Packages.lz4']);
      try {
        const verdict = updateVerdict(100, MID_SYNC_OUTPUT, fs.readdirSync(lists), 'armhf');
        assert.equal(verdict.accepted, false);
        assert.match(verdict.message ?? '', /bookworm main's Packages index is missing/);
        const offline = updateVerdict(100, 'E: Could not resolve deb.debian.org\n', [], 'arm64');
        assert.equal(offline.accepted, false);
        assert.match(offline.message ?? '', /Could not resolve/);
      } finally {
        fs.rmSync(lists, { recursive: true, force: true });
      }
    });

    it('accepts a clean update silently', () => {
      const verdict = updateVerdict(0, 'Get:1 http://x bookworm InRelease\nReading package lists...\n', ['x_dists_bookworm_main_binary-arm64_Packages.lz4'], 'arm64');
      assert.deepEqual(verdict, { accepted: true, failed: [] });
    });
  });

  describe('listsNeedRefresh', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    const stamp = (ageMs: number, failed: string[] = []): ListsStamp => ({ refreshedAt: new Date(now - ageMs).toISOString(), sources: 'abc', failed });

    it('refreshes when never refreshed, forced, or the sources changed', () => {
      assert.equal(listsNeedRefresh(undefined, 'abc', now, false), true);
      assert.equal(listsNeedRefresh(stamp(1000), 'abc', now, true), true);
      assert.equal(listsNeedRefresh(stamp(1000), 'other', now, false), true);
    });

    it('keeps lists for a day, and a partial refresh for an hour', () => {
      assert.equal(listsNeedRefresh(stamp(LISTS_MAX_AGE_MS - 60_000), 'abc', now, false), false);
      assert.equal(listsNeedRefresh(stamp(LISTS_MAX_AGE_MS + 60_000), 'abc', now, false), true);
      assert.equal(listsNeedRefresh(stamp(PARTIAL_LISTS_MAX_AGE_MS - 60_000, [SECURITY_URL]), 'abc', now, false), false);
      assert.equal(listsNeedRefresh(stamp(PARTIAL_LISTS_MAX_AGE_MS + 60_000, [SECURITY_URL]), 'abc', now, false), true);
    });

    it('refreshes when the stamp is from the future or unreadable', () => {
      assert.equal(listsNeedRefresh(stamp(-3_600_000), 'abc', now, false), true);
      assert.equal(listsNeedRefresh({ refreshedAt: 'garbage', sources: 'abc', failed: [] }, 'abc', now, false), true);
    });
  });

  describe('lists stamp', () => {
    const tmp = useTempDir('afalg-stamp-');

    it('reads back what was written, and nothing from a missing or broken file', () => {
      const file = path.join(tmp.path, 'lists-refreshed.json');
      assert.equal(readListsStamp(file), undefined);
      const stamp: ListsStamp = { refreshedAt: '2026-11-23T12:00:00.000Z', sources: 'abc', failed: [SECURITY_URL] };
      writeListsStamp(file, stamp);
      assert.deepEqual(readListsStamp(file), stamp);
      fs.writeFileSync(file, '{ not json');
      assert.equal(readListsStamp(file), undefined);
    });
  });
});
