/**
 * 'afalg-harness vectors fetch': downloads the pinned vector sources into the user cache (or --dest),
 * checks every kept file against the sha256 pinned in vectors/manifest.json, and only then moves
 * each family into place with a rename, so a failed or interrupted fetch never leaves a
 * half-written wycheproof/ or nist/ behind.
 *
 *   wycheproof: the GitHub tarball of the pinned commit (codeload.github.com), unpacked with tar
 *   nist:       Debian's python3-cryptography-vectors, via 'apt-get download' and 'dpkg-deb -x'
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { EXIT, HarnessError } from '../harness/core/errors.js';
import { execFile, requireHostTools } from '../harness/core/exec.js';
import { readValidatedJson } from '../harness/core/json-validation.js';
import { projectRoot } from '../harness/core/paths.js';
import { cachedVectorsDir, FETCHED_MARKER, readFetchedMarker, vectorFamilies, type FetchedMarker, type VectorFamily } from './vectors-dir.js';

export const manifestPath = path.join(projectRoot, 'vectors', 'manifest.json');
export const manifestSchemaPath = path.join(projectRoot, 'vectors', 'manifest.schema.json');

/** relative path under the family folder -> lowercase hex sha256 */
export type FileHashes = Record<string, string>;

export interface VectorManifest {
  $schema?: string;
  wycheproof: { repo: string; commit: string; urlTemplate: string; files: FileHashes };
  nist: { debianPackage: string; version: string; packagePath: string; files: FileHashes };
}

export function readManifest(file = manifestPath): VectorManifest {
  return readValidatedJson<VectorManifest>(file, manifestSchemaPath);
}

export function wycheproofTarballUrl(manifest: VectorManifest): string {
  const { repo, commit, urlTemplate } = manifest.wycheproof;
  return urlTemplate.replaceAll('{repo}', repo).replaceAll('{commit}', commit);
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface HashMismatch {
  /** path relative to the checked root */
  file: string;
  expected: string;
  /** undefined when the file is missing */
  actual: string | undefined;
}

/** Every file of `files` under root whose sha256 differs, or that is missing. */
export async function findHashMismatches(root: string, files: FileHashes): Promise<HashMismatch[]> {
  const mismatches: HashMismatch[] = [];
  for (const [file, expected] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    let actual: string | undefined;
    try {
      actual = await sha256File(path.join(root, file));
    } catch {
      actual = undefined;
    }
    if (actual !== expected) mismatches.push({ file, expected, actual });
  }
  return mismatches;
}

/** One line: "<label>/<file>: sha256 mismatch: expected …, got …" (label is the family folder). */
export function describeMismatch(mismatch: HashMismatch, label?: string): string {
  const name = label ? `${label}/${mismatch.file}` : mismatch.file;
  return mismatch.actual === undefined
    ? `${name}: missing (expected sha256 ${mismatch.expected})`
    : `${name}: sha256 mismatch: expected ${mismatch.expected}, got ${mismatch.actual}`;
}

/**
 * Checks every file of `files` under root; throws one line naming the first bad file with both
 * hashes (the others, if any, are in the error's details).
 */
export async function verifyVectorFiles(root: string, files: FileHashes, label?: string): Promise<void> {
  const mismatches = await findHashMismatches(root, files);
  const [first, ...rest] = mismatches;
  if (!first) return;
  const more = rest.length ? ` (and ${rest.length} more file${rest.length === 1 ? '' : 's'})` : '';
  throw new HarnessError(
    `vectors: ${describeMismatch(first, label)}${more}; the download does not match vectors/manifest.json, nothing was installed`,
    EXIT.badInput,
    rest.map((mismatch) => describeMismatch(mismatch, label)),
  );
}

export interface FetchVectorsOptions {
  /** where the vectors directory goes; default: the user cache (cacheDir('vectors')) */
  dest?: string;
  /** default: both families */
  only?: VectorFamily[];
  onProgress?: (line: string) => void;
  /** default: vectors/manifest.json in the checkout */
  manifestFile?: string;
  /** replaces the tarball URL built from the manifest (tests point it at an unroutable address) */
  wycheproofUrl?: string;
  /** default: the global fetch */
  fetch?: typeof fetch;
  /** no answer, or no data, for this long aborts the download; default 30 s */
  timeoutMs?: number;
}

export interface FetchVectorsResult {
  dest: string;
  fetched: VectorFamily[];
  /** each error is a HarnessError whose message is one line and whose exitCode is non-zero */
  failed: Array<{ family: VectorFamily; error: HarnessError }>;
}

/** For the CLI: the error to exit with when any family failed (first one's line; the others as details). */
export function fetchFailure(result: FetchVectorsResult): HarnessError | undefined {
  const [first, ...rest] = result.failed;
  if (!first) return undefined;
  return new HarnessError(
    first.error.message,
    Math.max(...result.failed.map((failure) => failure.error.exitCode)),
    [...first.error.details, ...rest.map((failure) => failure.error.message)],
  );
}

const MB = 1024 * 1024;

/** The one-line reason of a fetch() failure: Node's "fetch failed" hides it in `cause`. */
function fetchErrorReason(error: unknown): string {
  const err = error as { name?: string; message?: string; cause?: { message?: string; code?: string } };
  if (err?.cause?.message === 'bad port') return 'bad port (fetch refuses to connect to that port)';
  if (err?.cause?.message) return err.cause.message;
  if (err?.cause?.code) return err.cause.code;
  return err?.message ?? String(error);
}

/** Streams url into file; no answer or no data for timeoutMs aborts. Returns the byte count. */
async function download(
  url: string,
  file: string,
  fetchImpl: typeof fetch,
  timeoutMs: number,
  progress: (line: string) => void,
): Promise<number> {
  const controller = new AbortController();
  const span = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`;
  let timer: NodeJS.Timeout | undefined;
  const arm = (what: string): void => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`${what} within ${span}`)), timeoutMs);
  };
  let bytes = 0;
  try {
    arm('no answer');
    const response = await fetchImpl(url, { signal: controller.signal, redirect: 'follow' });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    arm('no data');
    let reported = 0;
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      async function* count(source: AsyncIterable<Uint8Array>) {
        for await (const chunk of source) {
          arm('no data');
          bytes += chunk.length;
          if (bytes - reported >= 10 * MB) {
            reported = bytes;
            progress(`${(bytes / MB).toFixed(0)} MB`);
          }
          yield chunk;
        }
      },
      fs.createWriteStream(file),
    );
    return bytes;
  } catch (error) {
    throw new Error(fetchErrorReason(error));
  } finally {
    clearTimeout(timer);
  }
}

/** Moves every manifest file from `from` to `to` (same file system), creating folders. */
function moveListed(from: string, to: string, files: FileHashes): void {
  for (const file of Object.keys(files)) {
    const target = path.join(to, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(path.join(from, file), target);
  }
}

/** Replaces dest/<family> with the verified staged folder: two renames, never a partial folder. */
function installFamily(staged: string, dest: string, family: VectorFamily, work: string): void {
  const target = path.join(dest, family);
  if (fs.existsSync(target)) {
    const old = path.join(work, `old-${family}`);
    fs.renameSync(target, old);
    fs.renameSync(staged, target);
    fs.rmSync(old, { recursive: true, force: true });
  } else {
    fs.renameSync(staged, target);
  }
}

function writeMarker(dest: string, update: FetchedMarker): void {
  const marker: FetchedMarker = { ...(readFetchedMarker(dest) ?? {}), ...update };
  const file = path.join(dest, FETCHED_MARKER);
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(marker, null, 2)}\n`);
  fs.renameSync(temp, file);
}

interface FamilyContext {
  manifest: VectorManifest;
  dest: string;
  work: string;
  progress: (line: string) => void;
  options: FetchVectorsOptions;
}

/** Check the unpacked files against the manifest, move them into place, record what was installed. */
async function verifyAndInstall(
  { dest, work, progress }: Pick<FamilyContext, 'dest' | 'work' | 'progress'>,
  family: VectorFamily,
  root: string,
  files: FileHashes,
  marker: FetchedMarker,
): Promise<void> {
  progress(`verifying ${Object.keys(files).length} files against vectors/manifest.json`);
  await verifyVectorFiles(root, files, family);
  const staged = path.join(work, `stage-${family}`);
  moveListed(root, staged, files);
  installFamily(staged, dest, family, work);
  writeMarker(dest, marker);
  progress(`installed ${Object.keys(files).length} files in ${path.join(dest, family)}`);
}

async function fetchWycheproof({ manifest, dest, work, progress, options }: FamilyContext): Promise<void> {
  const url = options.wycheproofUrl ?? wycheproofTarballUrl(manifest);
  const { repo, commit, files } = manifest.wycheproof;
  requireHostTools(
    [
      { command: 'tar', debianPackage: 'tar' },
      { command: 'gzip', debianPackage: 'gzip' },
    ],
    'vectors fetch (wycheproof)',
  );
  const tarball = path.join(work, 'wycheproof.tar.gz');
  progress(`downloading ${url}`);
  const started = Date.now();
  let bytes: number;
  try {
    bytes = await download(url, tarball, options.fetch ?? fetch, options.timeoutMs ?? 30_000, progress);
  } catch (error) {
    throw new HarnessError(
      `vectors fetch wycheproof: cannot download ${url}: ${(error as Error).message}; ` +
        `without access to GitHub, pass --vectors DIR (a directory holding wycheproof/testvectors_v1 and wycheproof/schemas ` +
        `of ${repo}@${commit.slice(0, 12)}) or copy such a wycheproof/ folder into ${dest}`,
      EXIT.target,
    );
  }
  progress(`downloaded ${(bytes / MB).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s; unpacking`);
  const extract = path.join(work, 'wycheproof-extract');
  fs.mkdirSync(extract);
  try {
    // the tarball has one top folder (wycheproof-<commit>/); keep only its testvectors_v1/ and schemas/
    await execFile('tar', [
      '-xzf', tarball, '-C', extract, '--strip-components=1',
      '--wildcards', '--no-wildcards-match-slash', '*/testvectors_v1/*', '*/schemas/*',
    ]);
  } catch (error) {
    throw new HarnessError(`vectors fetch wycheproof: cannot unpack the tarball from ${url}: ${(error as Error).message}`, EXIT.badInput);
  }
  fs.rmSync(tarball, { force: true });
  await verifyAndInstall({ dest, work, progress }, 'wycheproof', extract, files, {
    wycheproof: { repo, commit, url, fetchedAt: new Date().toISOString(), files: Object.keys(files).length },
  });
}

async function fetchNist({ manifest, dest, work, progress }: FamilyContext): Promise<void> {
  const { debianPackage, version, packagePath, files } = manifest.nist;
  requireHostTools(
    [
      { command: 'apt-get', debianPackage: 'apt' },
      { command: 'dpkg-deb', debianPackage: 'dpkg' },
    ],
    'vectors fetch (nist)',
  );
  const spec = `${debianPackage}=${version}`;
  progress(`apt-get download ${spec}`);
  const started = Date.now();
  try {
    await execFile('apt-get', ['download', spec], { cwd: work });
  } catch (error) {
    const reason = (error as Error).message;
    const unavailable = /not found|Unable to locate|has no installation candidate/i.test(reason);
    throw new HarnessError(
      unavailable
        ? `vectors fetch nist: Debian package ${spec} is not available from this host's apt sources ` +
            `(it is in Debian bookworm; run 'apt-get update', or add bookworm to the sources, or pass --vectors DIR): ${reason}`
        : `vectors fetch nist: cannot download ${spec}: ${reason}; pass --vectors DIR to use vectors you already have`,
      unavailable ? EXIT.badInput : EXIT.target,
    );
  }
  const deb = fs.readdirSync(work).find((name) => name.startsWith(`${debianPackage}_`) && name.endsWith('.deb'));
  if (!deb) throw new HarnessError(`vectors fetch nist: apt-get download ${spec} left no .deb in ${work}`, EXIT.badInput);
  const size = fs.statSync(path.join(work, deb)).size;
  progress(`downloaded ${deb} (${(size / MB).toFixed(1)} MB) in ${((Date.now() - started) / 1000).toFixed(1)} s; unpacking`);
  const extract = path.join(work, 'nist-extract');
  fs.mkdirSync(extract);
  await execFile('dpkg-deb', ['-x', path.join(work, deb), extract]);
  fs.rmSync(path.join(work, deb), { force: true });
  await verifyAndInstall({ dest, work, progress }, 'nist', path.join(extract, packagePath), files, {
    nist: { debianPackage, version, fetchedAt: new Date().toISOString(), files: Object.keys(files).length },
  });
}

function asHarnessError(error: unknown, family: VectorFamily): HarnessError {
  if (error instanceof HarnessError) return error;
  return new HarnessError(`vectors fetch ${family}: ${(error as Error)?.message ?? String(error)}`, EXIT.badInput);
}

/**
 * Fetches the requested families one after the other. A family that fails is reported in `failed`
 * and leaves dest as it was; the other family still goes ahead.
 */
export async function fetchVectors(options: FetchVectorsOptions = {}): Promise<FetchVectorsResult> {
  const dest = path.resolve(options.dest ?? cachedVectorsDir());
  const manifest = readManifest(options.manifestFile);
  const families = vectorFamilies.filter((family) => !options.only || options.only.includes(family));
  const result: FetchVectorsResult = { dest, fetched: [], failed: [] };
  fs.mkdirSync(dest, { recursive: true });
  for (const family of families) {
    const progress = (line: string): void => options.onProgress?.(`${family}: ${line}`);
    // work folder inside dest so the final moves are renames on one file system
    const work = fs.mkdtempSync(path.join(dest, `.fetch-${family}-`));
    try {
      const context: FamilyContext = { manifest, dest, work, progress, options };
      if (family === 'wycheproof') await fetchWycheproof(context);
      else await fetchNist(context);
      result.fetched.push(family);
    } catch (error) {
      const failure = asHarnessError(error, family);
      progress(`failed: ${failure.message}`);
      result.failed.push({ family, error: failure });
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  return result;
}
