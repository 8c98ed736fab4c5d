import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_MIRRORS,
  LISTS_MAX_AGE_MS,
  PARTIAL_LISTS_MAX_AGE_MS,
  aptOptions,
  debFileName,
  failedIndexes,
  foreignAptLayout,
  hostMirrors,
  kernelDependency,
  listsNeedRefresh,
  mainIndexPresent,
  parseDebianSources,
  parseSimulatedInstall,
  sourcesList,
  updateVerdict,
  versionField,
  type ListsStamp,
} from '../../../qemu/foreign-apt.js';

/** The host's /etc/apt/sources.list.d/debian.sources as Debian's container images ship it. */
const HOST_SOURCES = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
# http://snapshot.debian.org/archive/debian-security/20250520T000000Z
URIs: http://mirror.example/debian-security/
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

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

describe('qemu/foreign-apt', () => {
  describe('mirrors', () => {
    it('reads the debian and security URIs of the host deb822 sources', () => {
      assert.deepEqual(parseDebianSources(HOST_SOURCES), { debian: 'http://mirror.example/debian', security: 'http://mirror.example/debian-security' });
    });

    it('skips disabled and deb-src stanzas and other suites', () => {
      const text = [
        'Types: deb\nURIs: http://disabled.example/debian\nSuites: bookworm\nEnabled: no',
        'Types: deb-src\nURIs: http://src.example/debian\nSuites: bookworm',
        'Types: deb\nURIs: http://trixie.example/debian\nSuites: trixie',
        'Types: deb\nURIs: http://updates.example/debian\nSuites: bookworm-updates',
      ].join('\n\n');
      assert.deepEqual(parseDebianSources(text), { debian: 'http://updates.example/debian' });
    });

    it('falls back to deb.debian.org for what the host does not name', () => {
      assert.deepEqual(hostMirrors('/nonexistent/debian.sources'), DEFAULT_MIRRORS);
      assert.deepEqual(DEFAULT_MIRRORS, { debian: 'http://deb.debian.org/debian', security: 'http://deb.debian.org/debian-security' });
    });

    it('writes bookworm, bookworm-updates and bookworm-security main for the one architecture', () => {
      assert.equal(
        sourcesList('arm64', { debian: 'http://m/debian', security: 'http://m/debian-security' }),
        [
          'deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://m/debian bookworm main',
          'deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://m/debian bookworm-updates main',
          'deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://m/debian-security bookworm-security main',
          '',
        ].join('\n'),
      );
    });
  });

  describe('aptOptions', () => {
    it('points every apt state, cache and source at the private directory, for the board architecture only', () => {
      const layout = foreignAptLayout('/cache/apt/armhf');
      assert.deepEqual(aptOptions('armhf', layout), [
        '-o', 'Dir::State=/cache/apt/armhf/state',
        '-o', 'Dir::State::Lists=/cache/apt/armhf/state/lists',
        '-o', 'Dir::State::status=/cache/apt/armhf/dpkg/status',
        '-o', 'Dir::Cache=/cache/apt/armhf/cache',
        '-o', 'Dir::Etc::SourceList=/cache/apt/armhf/sources.list',
        '-o', 'Dir::Etc::SourceParts=/nonexistent',
        '-o', 'APT::Architecture=armhf',
        '-o', 'APT::Architectures::=armhf',
        '-o', 'Acquire::Languages=none',
      ]);
    });

    it('never names a host apt or dpkg path', () => {
      const options = aptOptions('arm64', foreignAptLayout('/cache/apt/arm64')).filter((_, i) => i % 2 === 1);
      for (const option of options) assert.doesNotMatch(option, /=\/(etc|var)\//, option);
      assert.equal(foreignAptLayout('/x').archives, '/x/cache/archives');
    });
  });

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

  describe('package answers', () => {
    it('reads the closure from a simulated install against the empty status', () => {
      const output = [
        'NOTE: This is only a simulation!',
        'Inst gcc-12-base (12.2.0-14+deb12u1 Debian:12.15/oldstable [arm64])',
        'Inst libgcc-s1 (12.2.0-14+deb12u1 Debian:12.15/oldstable [arm64]) []',
        'Inst libicu72 (72.1-3+deb12u1 Debian:12.15/oldstable, Debian-Security:12/oldstable-security [arm64])',
        'Inst zlib1g (1:1.2.13.dfsg-1 Debian:12.15/oldstable [arm64])',
        'Inst node-xtend (4.0.2-3 Debian:12.15/oldstable [all])',
        'Conf gcc-12-base (12.2.0-14+deb12u1 Debian:12.15/oldstable [arm64])',
      ].join('\n');
      assert.deepEqual(parseSimulatedInstall(output), [
        { name: 'gcc-12-base', version: '12.2.0-14+deb12u1', arch: 'arm64' },
        { name: 'libgcc-s1', version: '12.2.0-14+deb12u1', arch: 'arm64' },
        { name: 'libicu72', version: '72.1-3+deb12u1', arch: 'arm64' },
        { name: 'zlib1g', version: '1:1.2.13.dfsg-1', arch: 'arm64' },
        { name: 'node-xtend', version: '4.0.2-3', arch: 'all' },
      ]);
    });

    it('names downloaded debs as apt does (epoch colon escaped)', () => {
      assert.equal(debFileName({ name: 'zlib1g', version: '1:1.2.13.dfsg-1', arch: 'arm64' }), 'zlib1g_1%3a1.2.13.dfsg-1_arm64.deb');
      assert.equal(debFileName({ name: 'node-xtend', version: '4.0.2-3', arch: 'all' }), 'node-xtend_4.0.2-3_all.deb');
    });

    it("resolves the kernel meta package's versioned dependency and a Version field", () => {
      assert.equal(kernelDependency('linux-image-arm64\n  Depends: linux-image-6.1.0-56-arm64\n'), 'linux-image-6.1.0-56-arm64');
      assert.equal(kernelDependency('linux-image-armmp-lpae\n  Depends: linux-image-6.1.0-50-armmp-lpae\n'), 'linux-image-6.1.0-50-armmp-lpae');
      assert.equal(kernelDependency('linux-image-arm64\n  Depends: <linux-base>\n'), undefined);
      assert.equal(versionField('Package: nodejs\nVersion: 18.20.4+dfsg-1~deb12u3\nArchitecture: arm64\n'), '18.20.4+dfsg-1~deb12u3');
    });
  });
});
