import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { BadInputError, EXIT, HarnessError } from '../../../harness/core/errors.js';
import { execFile } from '../../../harness/core/exec.js';
import {
  fetchFailure,
  fetchVectors,
  findHashMismatches,
  manifestPath,
  readManifest,
  verifyVectorFiles,
  wycheproofTarballUrl,
  type VectorManifest,
} from '../../../vectors/fetch.js';
import { describeVectorOrigins, FETCHED_MARKER, resolveVectorsDir, type FetchedMarker } from '../../../vectors/vectors-dir.js';
import { useTempDir } from '../../support/temp-dir.js';
import { vectorsDir as sharedVectorsDir } from './vectors-dir.js';

const PINNED_COMMIT = 'dac1dd4729fd1f8dd9e1e9f3dce51d783da6c166';
const UNROUTABLE = 'http://127.0.0.1:9/wycheproof.tar.gz';
const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const haveShared = (): boolean => fs.existsSync(path.join(sharedVectorsDir, 'wycheproof')) && fs.existsSync(path.join(sharedVectorsDir, 'nist'));

/** Copies shared vector files (relative to the family folder) under root/<family>/. */
function copyShared(root: string, family: 'wycheproof' | 'nist', files: string[]): void {
  for (const file of files) {
    const target = path.join(root, family, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(sharedVectorsDir, family, file), target);
  }
}

function flipOneByte(file: string, at = 100): Buffer {
  const bytes = fs.readFileSync(file);
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  fs.writeFileSync(file, bytes);
  return bytes;
}

/** A local port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function assertOneLine(error: HarnessError): void {
  assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
  assert.notEqual(error.exitCode, 0);
}

describe('vectors/fetch', () => {
  const tmp = useTempDir('afalg-vectors-fetch-');
  let manifest: VectorManifest;

  before(() => {
    manifest = readManifest();
  });

  describe('vectors/manifest.json', () => {
    it('validates against its schema and pins the Wycheproof commit and the Debian package', () => {
      assert.equal(manifest.wycheproof.repo, 'C2SP/wycheproof');
      assert.equal(manifest.wycheproof.commit, PINNED_COMMIT);
      assert.equal(wycheproofTarballUrl(manifest), `https://codeload.github.com/C2SP/wycheproof/tar.gz/${PINNED_COMMIT}`);
      assert.equal(manifest.nist.debianPackage, 'python3-cryptography-vectors');
      assert.equal(manifest.nist.version, '38.0.4-1');
    });

    it('stays small and lists the files the harness maps', () => {
      assert.ok(fs.statSync(manifestPath).size < 200 * 1024);
      const wycheproof = Object.keys(manifest.wycheproof.files);
      for (const file of [
        'testvectors_v1/aes_gcm_test.json',
        'testvectors_v1/aes_ccm_test.json',
        'testvectors_v1/hmac_sha256_test.json',
        'testvectors_v1/chacha20_poly1305_test.json',
        'testvectors_v1/xchacha20_poly1305_test.json',
        'testvectors_v1/aegis128_test.json',
        'testvectors_v1/sm4_gcm_test.json',
        'testvectors_v1/rsa_signature_2048_sha256_test.json',
        'schemas/aead_test_schema_v1.json',
      ]) {
        assert.ok(wycheproof.includes(file), file);
      }
      const nist = Object.keys(manifest.nist.files);
      for (const file of ['ciphers/AES/GCM/gcmDecrypt128.rsp', 'hashes/SHA2/SHA256ShortMsg.rsp', 'HMAC/rfc-4231-sha256.txt']) {
        assert.ok(nist.includes(file), file);
      }
      assert.ok(!nist.includes('SOURCE.txt'), 'our own note is not part of the package');
    });

    it('matches every file of the shared vectors it was made from', async function () {
      if (!haveShared()) this.skip();
      this.timeout(30_000);
      assert.deepEqual(await findHashMismatches(path.join(sharedVectorsDir, 'wycheproof'), manifest.wycheproof.files), []);
      assert.deepEqual(await findHashMismatches(path.join(sharedVectorsDir, 'nist'), manifest.nist.files), []);
    });

    it('is rejected, naming the file and field, when a hash is malformed', () => {
      const bad = path.join(tmp.path, 'bad-manifest.json');
      const copy = structuredClone(manifest);
      copy.nist.files['HMAC/rfc-2202-md5.txt'] = 'not-a-sha256';
      fs.writeFileSync(bad, JSON.stringify(copy));
      assert.throws(
        () => readManifest(bad),
        (error: unknown) => error instanceof BadInputError && error.message.startsWith(`${bad}: field '/nist/files/HMAC~1rfc-2202-md5.txt'`),
      );
    });
  });

  describe('verifyVectorFiles', () => {
    const wycheproofFiles = ['testvectors_v1/hmac_sha1_test.json', 'testvectors_v1/aes_cmac_test.json', 'schemas/mac_test_schema_v1.json'];
    const nistFiles = ['HMAC/rfc-2202-md5.txt', 'hashes/SHA1/SHA1ShortMsg.rsp'];
    let root = '';
    const pinned = (family: 'wycheproof' | 'nist', files: string[]): Record<string, string> =>
      Object.fromEntries(files.map((file) => [file, manifest[family].files[file] ?? '']));

    beforeEach(function () {
      if (!haveShared()) this.skip();
      root = fs.mkdtempSync(path.join(tmp.path, 'copies-'));
      copyShared(root, 'wycheproof', wycheproofFiles);
      copyShared(root, 'nist', nistFiles);
    });

    it('accepts untouched copies of real files', async () => {
      await verifyVectorFiles(path.join(root, 'wycheproof'), pinned('wycheproof', wycheproofFiles), 'wycheproof');
      await verifyVectorFiles(path.join(root, 'nist'), pinned('nist', nistFiles), 'nist');
    });

    it('names a file with one byte changed, with the expected and the actual sha256, in one line', async () => {
      const changed = flipOneByte(path.join(root, 'wycheproof', 'testvectors_v1/aes_cmac_test.json'));
      const expected = manifest.wycheproof.files['testvectors_v1/aes_cmac_test.json'] ?? '';
      const actual = sha256(changed);
      assert.notEqual(actual, expected);
      await assert.rejects(verifyVectorFiles(path.join(root, 'wycheproof'), pinned('wycheproof', wycheproofFiles), 'wycheproof'), (error: unknown) => {
        assert.ok(error instanceof HarnessError);
        assertOneLine(error);
        assert.equal(
          error.message,
          `vectors: wycheproof/testvectors_v1/aes_cmac_test.json: sha256 mismatch: expected ${expected}, got ${actual}; ` +
            `the download does not match vectors/manifest.json, nothing was installed`,
        );
        assert.deepEqual(error.details, []);
        return true;
      });
    });

    it('reports a missing file, and counts the further bad files', async () => {
      fs.rmSync(path.join(root, 'nist', 'HMAC/rfc-2202-md5.txt'));
      flipOneByte(path.join(root, 'nist', 'hashes/SHA1/SHA1ShortMsg.rsp'));
      await assert.rejects(verifyVectorFiles(path.join(root, 'nist'), pinned('nist', nistFiles), 'nist'), (error: unknown) => {
        assert.ok(error instanceof HarnessError);
        assertOneLine(error);
        assert.match(error.message, /^vectors: nist\/HMAC\/rfc-2202-md5\.txt: missing \(expected sha256 [0-9a-f]{64}\) \(and 1 more file\);/);
        assert.equal(error.details.length, 1);
        assert.match(error.details[0] ?? '', /^nist\/hashes\/SHA1\/SHA1ShortMsg\.rsp: sha256 mismatch: expected [0-9a-f]{64}, got [0-9a-f]{64}$/);
        return true;
      });
    });
  });

  describe('fetchVectors: wycheproof without network access', () => {
    it('fails with one clear line naming the URL, the reason and what to do instead, and writes nothing', async () => {
      const dest = path.join(tmp.path, 'dest-unreachable');
      const result = await fetchVectors({ dest, only: ['wycheproof'], wycheproofUrl: UNROUTABLE });
      assert.equal(result.dest, dest);
      assert.deepEqual(result.fetched, []);
      assert.equal(result.failed.length, 1);
      const { family, error } = result.failed[0] ?? {};
      assert.equal(family, 'wycheproof');
      assert.ok(error instanceof HarnessError);
      assertOneLine(error);
      assert.equal(error.exitCode, EXIT.target);
      assert.match(error.message, new RegExp(`^vectors fetch wycheproof: cannot download ${UNROUTABLE.replaceAll('.', '\\.')}: bad port \\(fetch refuses to connect to that port\\);`));
      assert.match(error.message, /pass --vectors DIR/);
      assert.match(error.message, new RegExp(`copy such a wycheproof/ folder into ${dest}$`));
      assert.deepEqual(fs.readdirSync(dest), [], 'no partial folder, marker or work folder is left');
      const failure = fetchFailure(result);
      assert.equal(failure?.message, error.message);
      assert.equal(failure?.exitCode, EXIT.target);
    });

    it('names the connection error when nothing listens', async () => {
      const port = await closedPort();
      const url = `http://127.0.0.1:${port}/wycheproof.tar.gz`;
      const dest = path.join(tmp.path, 'dest-refused');
      const result = await fetchVectors({ dest, only: ['wycheproof'], wycheproofUrl: url });
      const error = result.failed[0]?.error;
      assert.ok(error instanceof HarnessError);
      assertOneLine(error);
      assert.match(error.message, new RegExp(`^vectors fetch wycheproof: cannot download http://127\\.0\\.0\\.1:${port}/wycheproof\\.tar\\.gz: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}; .*pass --vectors DIR`));
      assert.deepEqual(fs.readdirSync(dest), []);
    });

    it('gives up when the server does not answer in time', async () => {
      const dest = path.join(tmp.path, 'dest-timeout');
      const hang: typeof fetch = (_url, init) =>
        new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
      const result = await fetchVectors({ dest, only: ['wycheproof'], wycheproofUrl: UNROUTABLE, fetch: hang, timeoutMs: 100 });
      assert.match(result.failed[0]?.error.message ?? '', /cannot download \S+: no answer within 100 ms;/);
      assert.deepEqual(fs.readdirSync(dest), []);
    });

    it('reports an HTTP error status', async () => {
      const dest = path.join(tmp.path, 'dest-404');
      const notFound: typeof fetch = async () => new Response('nope', { status: 404, statusText: 'Not Found' });
      const result = await fetchVectors({ dest, only: ['wycheproof'], fetch: notFound });
      assert.match(result.failed[0]?.error.message ?? '', new RegExp(`cannot download https://codeload\\.github\\.com/C2SP/wycheproof/tar\\.gz/${PINNED_COMMIT}: HTTP 404 Not Found;`));
    });

    it('returns no failure for the CLI when everything was fetched', () => {
      assert.equal(fetchFailure({ dest: '/x', fetched: ['nist'], failed: [] }), undefined);
    });
  });

  describe('fetchVectors: wycheproof from a served tarball (no network)', () => {
    const files = ['testvectors_v1/hmac_sha1_test.json', 'testvectors_v1/aes_cmac_test.json', 'schemas/mac_test_schema_v1.json'];
    let smallManifest = '';
    let goodTarball: Buffer;
    let badTarball: Buffer;
    const serve = (tarball: () => Buffer): typeof fetch => async () => new Response(new Uint8Array(tarball()));

    before(async function () {
      if (!haveShared()) this.skip();
      const pinned = Object.fromEntries(files.map((file) => [file, manifest.wycheproof.files[file] ?? '']));
      smallManifest = path.join(tmp.path, 'small-manifest.json');
      fs.writeFileSync(smallManifest, JSON.stringify({ ...manifest, wycheproof: { ...manifest.wycheproof, files: pinned } }));
      const make = async (name: string, corrupt: boolean): Promise<Buffer> => {
        const src = path.join(tmp.path, `tarball-${name}`);
        const top = path.join(src, `wycheproof-${PINNED_COMMIT}`);
        for (const file of files) {
          fs.mkdirSync(path.dirname(path.join(top, file)), { recursive: true });
          fs.copyFileSync(path.join(sharedVectorsDir, 'wycheproof', file), path.join(top, file));
        }
        // things in the repository the harness does not keep
        fs.mkdirSync(path.join(top, 'testvectors'));
        fs.writeFileSync(path.join(top, 'testvectors', 'old_test.json'), '{}');
        fs.writeFileSync(path.join(top, 'README.md'), 'readme');
        if (corrupt) flipOneByte(path.join(top, 'testvectors_v1', 'hmac_sha1_test.json'));
        const tarball = path.join(tmp.path, `${name}.tar.gz`);
        await execFile('tar', ['-czf', tarball, '-C', src, `wycheproof-${PINNED_COMMIT}`]);
        return fs.readFileSync(tarball);
      };
      goodTarball = await make('good', false);
      badTarball = await make('bad', true);
    });

    it('installs only the pinned files, writes the marker, and the result resolves as the cache', async () => {
      const dest = path.join(tmp.path, 'dest-good');
      const lines: string[] = [];
      const result = await fetchVectors({
        dest,
        only: ['wycheproof'],
        manifestFile: smallManifest,
        fetch: serve(() => goodTarball),
        onProgress: (line) => lines.push(line),
      });
      assert.deepEqual(result, { dest, fetched: ['wycheproof'], failed: [] });
      assert.deepEqual(fs.readdirSync(dest).sort(), [FETCHED_MARKER, 'wycheproof']);
      assert.deepEqual(fs.readdirSync(path.join(dest, 'wycheproof')).sort(), ['schemas', 'testvectors_v1']);
      assert.deepEqual(await findHashMismatches(path.join(dest, 'wycheproof'), readManifest(smallManifest).wycheproof.files), []);
      const marker = JSON.parse(fs.readFileSync(path.join(dest, FETCHED_MARKER), 'utf8')) as FetchedMarker;
      assert.equal(marker.wycheproof?.commit, PINNED_COMMIT);
      assert.equal(marker.wycheproof?.files, files.length);
      assert.ok(lines.every((line) => line.startsWith('wycheproof: ')));
      assert.ok(lines.some((line) => /installed 3 files/.test(line)), lines.join('\n'));
      assert.deepEqual(resolveVectorsDir(undefined, { env: {}, besideCheckout: path.join(tmp.path, 'none'), cache: dest }), {
        dir: dest,
        origin: 'cache',
      });
      assert.equal(describeVectorOrigins(dest)[0]?.commit, PINNED_COMMIT);
    });

    it('rejects a download with one byte changed, naming the file and both hashes, and keeps what was there', async () => {
      const dest = path.join(tmp.path, 'dest-good'); // holds the set installed by the test above
      const markerBefore = fs.readFileSync(path.join(dest, FETCHED_MARKER), 'utf8');
      const result = await fetchVectors({ dest, only: ['wycheproof'], manifestFile: smallManifest, fetch: serve(() => badTarball) });
      assert.deepEqual(result.fetched, []);
      const error = result.failed[0]?.error;
      assert.ok(error instanceof HarnessError);
      assertOneLine(error);
      assert.match(
        error.message,
        new RegExp(
          `^vectors: wycheproof/testvectors_v1/hmac_sha1_test\\.json: sha256 mismatch: expected ${manifest.wycheproof.files['testvectors_v1/hmac_sha1_test.json']}, got [0-9a-f]{64};`,
        ),
      );
      assert.deepEqual(fs.readdirSync(dest).sort(), [FETCHED_MARKER, 'wycheproof'], 'no work folder left behind');
      assert.equal(fs.readFileSync(path.join(dest, FETCHED_MARKER), 'utf8'), markerBefore);
      assert.deepEqual(await findHashMismatches(path.join(dest, 'wycheproof'), readManifest(smallManifest).wycheproof.files), []);
    });

    it('leaves no vectors directory when the first fetch is bad', async () => {
      const dest = path.join(tmp.path, 'dest-bad');
      const result = await fetchVectors({ dest, only: ['wycheproof'], manifestFile: smallManifest, fetch: serve(() => badTarball) });
      assert.equal(result.failed.length, 1);
      assert.deepEqual(fs.readdirSync(dest), []);
    });
  });
});
