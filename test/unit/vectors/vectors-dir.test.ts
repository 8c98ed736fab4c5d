import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../../../harness/core/errors.js';
import { cacheDir } from '../../../harness/core/paths.js';
import {
  cachedVectorsDir,
  describeVectorOrigins,
  FETCHED_MARKER,
  resolveVectorsDir,
  type FetchedMarker,
} from '../../../vectors/vectors-dir.js';
import { useTempDir } from '../../support/temp-dir.js';
import { vectorsDir as sharedVectorsDir } from './vectors-dir.js';

const PINNED_COMMIT = 'dac1dd4729fd1f8dd9e1e9f3dce51d783da6c166';

/** Makes dir/<families...>/ and returns dir. */
function vectorsLike(root: string, name: string, families: string[]): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const family of families) fs.mkdirSync(path.join(dir, family), { recursive: true });
  return dir;
}

function writeMarker(dir: string, marker: FetchedMarker): void {
  fs.writeFileSync(path.join(dir, FETCHED_MARKER), JSON.stringify(marker));
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function badInput(pattern: RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof BadInputError, `expected a BadInputError, got ${String(error)}`);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes('\n'), 'one line');
    return true;
  };
}

describe('vectors/vectors-dir', () => {
  const tmp = useTempDir('afalg-vectors-dir-');
  let optionDir = '';
  let envDir = '';
  let besideDir = '';
  let cacheVectors = '';
  let nowhere = '';

  before(() => {
    optionDir = vectorsLike(tmp.path, 'option', ['wycheproof']);
    envDir = vectorsLike(tmp.path, 'env', ['nist']);
    besideDir = vectorsLike(tmp.path, 'beside', ['wycheproof', 'nist']);
    cacheVectors = vectorsLike(tmp.path, 'cache', ['wycheproof']);
    writeMarker(cacheVectors, {
      wycheproof: { repo: 'C2SP/wycheproof', commit: PINNED_COMMIT, url: 'https://example.invalid/x', fetchedAt: '2026-01-01T00:00:00.000Z', files: 1 },
    });
    nowhere = path.join(tmp.path, 'does-not-exist');
  });

  describe('resolveVectorsDir: resolution order', () => {
    it('takes --vectors over everything else', () => {
      const got = resolveVectorsDir(optionDir, { env: { AFALG_VECTORS_DIR: envDir }, besideCheckout: besideDir, cache: cacheVectors });
      assert.deepEqual(got, { dir: optionDir, origin: 'option' });
    });

    it('resolves a relative --vectors against the working directory', () => {
      const relative = path.relative(process.cwd(), optionDir);
      assert.deepEqual(resolveVectorsDir(relative, { besideCheckout: nowhere, cache: nowhere }), { dir: optionDir, origin: 'option' });
    });

    it('then AFALG_VECTORS_DIR', () => {
      const got = resolveVectorsDir(undefined, { env: { AFALG_VECTORS_DIR: envDir }, besideCheckout: besideDir, cache: cacheVectors });
      assert.deepEqual(got, { dir: envDir, origin: 'env' });
    });

    it('treats an empty option or AFALG_VECTORS_DIR as unset', () => {
      const got = resolveVectorsDir('', { env: { AFALG_VECTORS_DIR: '' }, besideCheckout: besideDir, cache: cacheVectors });
      assert.deepEqual(got, { dir: besideDir, origin: 'beside-checkout' });
    });

    it('then ../shared/vectors beside the checkout', () => {
      const got = resolveVectorsDir(undefined, { env: {}, besideCheckout: besideDir, cache: cacheVectors });
      assert.deepEqual(got, { dir: besideDir, origin: 'beside-checkout' });
    });

    it('skips a beside-checkout folder that holds no vectors', () => {
      const empty = vectorsLike(tmp.path, 'beside-empty', []);
      const got = resolveVectorsDir(undefined, { env: {}, besideCheckout: empty, cache: cacheVectors });
      assert.deepEqual(got, { dir: cacheVectors, origin: 'cache' });
    });

    it('then the cache, when it holds a fetched set', () => {
      const got = resolveVectorsDir(undefined, { env: {}, besideCheckout: nowhere, cache: cacheVectors });
      assert.deepEqual(got, { dir: cacheVectors, origin: 'cache' });
    });

    it('ignores a cache folder without the fetch marker (e.g. a fetch that never finished)', () => {
      const unfinished = vectorsLike(tmp.path, 'cache-unfinished', ['wycheproof']);
      assert.throws(() => resolveVectorsDir(undefined, { env: {}, besideCheckout: nowhere, cache: unfinished }), badInput(/no test vectors found/));
    });

    it('says what to do and where it looked when nothing is found', () => {
      const emptyCache = path.join(tmp.path, 'no-cache');
      assert.throws(
        () => resolveVectorsDir(undefined, { env: {}, besideCheckout: nowhere, cache: emptyCache }),
        (error: unknown) => {
          assert.ok(error instanceof BadInputError);
          assert.equal(
            error.message,
            `no test vectors found: run 'afalg-harness vectors fetch' or pass --vectors DIR (looked in: ${nowhere}, ${emptyCache})`,
          );
          assert.equal(error.exitCode, 2);
          return true;
        },
      );
    });
  });

  describe('resolveVectorsDir: a directory the user names must be a vectors directory', () => {
    it('rejects a --vectors that does not exist, naming it', () => {
      assert.throws(() => resolveVectorsDir(nowhere), badInput(new RegExp(`^--vectors ${escape(nowhere)}: no such directory$`)));
    });

    it('rejects a --vectors without wycheproof/ or nist/, naming it', () => {
      const empty = vectorsLike(tmp.path, 'empty', ['other']);
      assert.throws(
        () => resolveVectorsDir(empty, { besideCheckout: besideDir }),
        badInput(new RegExp(`^--vectors ${escape(empty)}: not a test-vectors directory \\(it has neither wycheproof/ nor nist/ inside\\)$`)),
      );
    });

    it('rejects a --vectors that is a file', () => {
      const file = path.join(tmp.path, 'a-file');
      fs.writeFileSync(file, '');
      assert.throws(() => resolveVectorsDir(file), badInput(/: not a directory$/));
    });

    it('rejects a bad AFALG_VECTORS_DIR, naming the variable, rather than falling back', () => {
      assert.throws(
        () => resolveVectorsDir(undefined, { env: { AFALG_VECTORS_DIR: nowhere }, besideCheckout: besideDir }),
        badInput(new RegExp(`^AFALG_VECTORS_DIR=${escape(nowhere)}: no such directory$`)),
      );
    });
  });

  describe('resolveVectorsDir: the real environment', () => {
    const saved: Record<string, string | undefined> = {};
    beforeEach(() => {
      saved.AFALG_VECTORS_DIR = process.env.AFALG_VECTORS_DIR;
      saved.AFALG_CACHE_DIR = process.env.AFALG_CACHE_DIR;
    });
    afterEach(() => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    it('reads AFALG_VECTORS_DIR from process.env', () => {
      process.env.AFALG_VECTORS_DIR = envDir;
      assert.deepEqual(resolveVectorsDir(), { dir: envDir, origin: 'env' });
    });

    it('looks for the fetched set in cacheDir("vectors"), which AFALG_CACHE_DIR moves', () => {
      process.env.AFALG_CACHE_DIR = path.join(tmp.path, 'xdg');
      assert.equal(cachedVectorsDir(), path.join(tmp.path, 'xdg', 'vectors'));
      assert.equal(cachedVectorsDir(), cacheDir('vectors'));
      delete process.env.AFALG_VECTORS_DIR;
      const cached = vectorsLike(path.join(tmp.path, 'xdg'), 'vectors', ['nist']);
      writeMarker(cached, { nist: { debianPackage: 'python3-cryptography-vectors', version: '38.0.4-1', fetchedAt: 'x', files: 1 } });
      assert.deepEqual(resolveVectorsDir(undefined, { besideCheckout: nowhere }), { dir: cached, origin: 'cache' });
    });
  });

  describe('describeVectorOrigins', () => {
    it('reads the commit and version from the SOURCE.txt files of the shared vectors', function () {
      if (!fs.existsSync(sharedVectorsDir)) this.skip();
      const origins = describeVectorOrigins(sharedVectorsDir);
      const wycheproof = origins.find((origin) => origin.family === 'wycheproof');
      const nist = origins.find((origin) => origin.family === 'nist');
      assert.equal(wycheproof?.commit, PINNED_COMMIT);
      assert.match(wycheproof?.origin ?? '', /^C2SP\/wycheproof@dac1dd47\w+, per wycheproof\/SOURCE\.txt$/);
      assert.equal(nist?.version, '38.0.4-1');
      assert.match(nist?.origin ?? '', /python3-cryptography-vectors 38\.0\.4-1, per nist\/SOURCE\.txt/);
    });

    it('prefers the fetch marker, and lists only the families present', () => {
      const origins = describeVectorOrigins(cacheVectors);
      assert.equal(origins.length, 1);
      assert.equal(origins[0]?.family, 'wycheproof');
      assert.equal(origins[0]?.commit, PINNED_COMMIT);
      assert.equal(origins[0]?.fetchedAt, '2026-01-01T00:00:00.000Z');
      assert.match(origins[0]?.origin ?? '', /fetched from https:\/\/example\.invalid\/x/);
    });

    it('says unknown when a family has neither SOURCE.txt nor marker', () => {
      const origins = describeVectorOrigins(besideDir);
      assert.deepEqual(
        origins.map((origin) => [origin.family, origin.commit, origin.version]),
        [
          ['wycheproof', undefined, undefined],
          ['nist', undefined, undefined],
        ],
      );
      assert.match(origins[0]?.origin ?? '', /^unknown \(no wycheproof\/SOURCE\.txt or FETCHED\.json/);
    });
  });
});
