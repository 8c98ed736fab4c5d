/**
 * npx tsc -p . && node dist/scripts/make-vector-manifest.js [VECTORS_DIR]
 * Writes vectors/manifest.json: the sha256 of every vector file the harness uses, taken from a
 * vectors directory that holds exactly the pinned sources (default: ../shared/vectors beside the
 * checkout). The Wycheproof commit and the Debian package version come from its SOURCE.txt files.
 *
 * Kept: wycheproof/schemas/*.json, wycheproof/testvectors_v1/*.json (the shared set is already the
 * kernel-relevant subset), and every file under nist/ except our own SOURCE.txt note.
 */
import fs from 'node:fs';
import path from 'node:path';
import { besideCheckoutVectorsDir, describeVectorOrigins } from '../vectors/vectors-dir.js';
import { manifestPath, readManifest, sha256File, type FileHashes, type VectorManifest } from '../vectors/fetch.js';

const NIST_PACKAGE = 'python3-cryptography-vectors';
const NIST_PACKAGE_PATH = 'usr/lib/python3/dist-packages/cryptography_vectors';
const WYCHEPROOF_URL_TEMPLATE = 'https://codeload.github.com/{repo}/tar.gz/{commit}';

function fail(message: string): never {
  process.stderr.write(`make-vector-manifest: ${message}\n`);
  process.exit(2);
}

/** Every file under dir, as sorted '/'-separated paths relative to dir. */
function listFiles(dir: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...listFiles(dir, rel));
    else if (entry.isFile()) files.push(rel);
    else fail(`${path.join(dir, rel)}: not a regular file`);
  }
  return files.sort();
}

async function hashAll(root: string, files: string[]): Promise<FileHashes> {
  const hashes: FileHashes = {};
  for (const file of files) hashes[file] = await sha256File(path.join(root, file));
  return hashes;
}

const source = path.resolve(process.argv[2] ?? besideCheckoutVectorsDir());
if (!fs.existsSync(path.join(source, 'wycheproof')) || !fs.existsSync(path.join(source, 'nist'))) {
  fail(`${source}: needs both wycheproof/ and nist/`);
}

const origins = describeVectorOrigins(source);
const wycheproofOrigin = origins.find((origin) => origin.family === 'wycheproof');
const nistOrigin = origins.find((origin) => origin.family === 'nist');
const wycheproofSource = fs.readFileSync(path.join(source, 'wycheproof', 'SOURCE.txt'), 'utf8');
const repo = /^Repository:\s*(\S+)/m.exec(wycheproofSource)?.[1];
const commit = wycheproofOrigin?.commit;
const version = nistOrigin?.version;
if (!repo || !commit || commit.length !== 40) fail(`${source}/wycheproof/SOURCE.txt: no 'Repository:' and full 40-digit 'Commit:' line`);
if (!version) fail(`${source}/nist/SOURCE.txt: does not name '${NIST_PACKAGE} <version>'`);

const wycheproofRoot = path.join(source, 'wycheproof');
const wycheproofFiles = listFiles(wycheproofRoot).filter((file) => /^(schemas|testvectors_v1)\/[^/]+\.json$/.test(file));
const nistRoot = path.join(source, 'nist');
const nistFiles = listFiles(nistRoot).filter((file) => file !== 'SOURCE.txt');

const manifest: VectorManifest = {
  $schema: './manifest.schema.json',
  wycheproof: {
    repo,
    commit,
    urlTemplate: WYCHEPROOF_URL_TEMPLATE,
    files: await hashAll(wycheproofRoot, wycheproofFiles),
  },
  nist: {
    debianPackage: NIST_PACKAGE,
    version,
    packagePath: NIST_PACKAGE_PATH,
    files: await hashAll(nistRoot, nistFiles),
  },
};

const text = `${JSON.stringify(manifest, null, 2)}\n`;
const temp = `${manifestPath}.tmp`;
fs.writeFileSync(temp, text);
fs.renameSync(temp, manifestPath);
readManifest(); // validates what was just written against manifest.schema.json
process.stdout.write(
  `wrote ${manifestPath}: ${wycheproofFiles.length} wycheproof + ${nistFiles.length} nist files, ` +
    `${(text.length / 1024).toFixed(1)} KB (${repo}@${commit}, ${NIST_PACKAGE} ${version})\n`,
);
