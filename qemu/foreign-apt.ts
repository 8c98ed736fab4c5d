/**
 * Debian packages of any architecture through a private apt configuration: a sources list, package
 * lists, an empty dpkg status and a download cache of our own under cacheDir('apt', <arch>), passed
 * to apt-get/apt-cache with -o options. The host's apt configuration, lists, dpkg database and
 * architectures are never changed. (apt still reads /etc/apt/apt.conf.d, so the host's proxy and
 * validity settings apply.)
 *
 * The lists are refreshed when older than a day (or on demand). A refresh that fails only for a
 * secondary index (bookworm-security or bookworm-updates caught mid-sync: "File has unexpected
 * size … Mirror sync in progress?") is accepted as long as bookworm's main Packages index for the
 * architecture is there, with a one-line warning naming the index that failed; such a partial
 * refresh is retried after an hour instead of a day.
 */
import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../harness/core/paths.js';
import { execFile } from '../harness/core/exec.js';
import { BadInputError, HarnessError } from '../harness/core/errors.js';

export type DebianArch = 'amd64' | 'arm64' | 'armhf';

export const DEBIAN_SUITE = 'bookworm';
export const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
export const HOST_DEBIAN_SOURCES = '/etc/apt/sources.list.d/debian.sources';

export interface Mirrors {
  /** serves bookworm and bookworm-updates */
  debian: string;
  /** serves bookworm-security */
  security: string;
}

export const DEFAULT_MIRRORS: Mirrors = {
  debian: 'http://deb.debian.org/debian',
  security: 'http://deb.debian.org/debian-security',
};

export interface DebianPackage {
  name: string;
  version: string;
}

/** A package of a download closure, with its architecture (`all` for architecture-independent ones). */
export interface ClosurePackage extends DebianPackage {
  arch: string;
}

export interface DownloadedPackage extends ClosurePackage {
  file: string;
}

/** Lists older than this are refreshed. */
export const LISTS_MAX_AGE_MS = 24 * 3600 * 1000;
/** A refresh that left a secondary index out is retried after this long. */
export const PARTIAL_LISTS_MAX_AGE_MS = 3600 * 1000;

/**
 * The mirrors of the host's deb822 sources (debian.sources): the first URI of a `deb` stanza whose
 * suites name bookworm (or bookworm-updates) and of one naming bookworm-security. Missing ones are
 * left out (the caller falls back to deb.debian.org).
 */
export function parseDebianSources(text: string, suite = DEBIAN_SUITE): Partial<Mirrors> {
  const found: Partial<Mirrors> = {};
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let current = '';
    for (const line of stanza.split('\n')) {
      if (/^\s*#/.test(line) || !line.trim()) continue;
      const field = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (field) {
        current = (field[1] as string).toLowerCase();
        fields.set(current, (field[2] as string).trim());
      } else if (current && /^\s/.test(line)) {
        fields.set(current, `${fields.get(current) ?? ''} ${line.trim()}`.trim());
      }
    }
    if (fields.get('enabled')?.toLowerCase() === 'no') continue;
    const types = (fields.get('types') ?? '').split(/\s+/);
    if (!types.includes('deb')) continue;
    const uri = (fields.get('uris') ?? '').split(/\s+/).filter(Boolean)[0];
    if (!uri) continue;
    const suites = (fields.get('suites') ?? '').split(/\s+/);
    if (!found.security && suites.includes(`${suite}-security`)) found.security = uri.replace(/\/+$/, '');
    if (!found.debian && (suites.includes(suite) || suites.includes(`${suite}-updates`))) found.debian = uri.replace(/\/+$/, '');
  }
  return found;
}

/** The host's mirrors, each falling back to deb.debian.org. */
export function hostMirrors(file = HOST_DEBIAN_SOURCES): Mirrors {
  let parsed: Partial<Mirrors> = {};
  try {
    parsed = parseDebianSources(fs.readFileSync(file, 'utf8'));
  } catch {
    // no deb822 sources on this host
  }
  return { debian: parsed.debian ?? DEFAULT_MIRRORS.debian, security: parsed.security ?? DEFAULT_MIRRORS.security };
}

/**
 * Suites that move every day and have no -updates or -security companions. The mirror's Release
 * file of such a suite may be past its Valid-Until date (seen here for sid): apt is told not to
 * check it, the signature is still checked.
 */
export const ROLLING_SUITES = ['sid', 'unstable'];

export function isRollingSuite(suite: string): boolean {
  return ROLLING_SUITES.includes(suite);
}

/**
 * The private one-line-style sources list: a stable suite with its -updates and -security main
 * (bookworm), or a rolling suite alone (sid).
 */
export function sourcesList(arch: DebianArch, mirrors: Mirrors, suite = DEBIAN_SUITE): string {
  const options = `[arch=${arch} signed-by=${DEBIAN_KEYRING}]`;
  const main = `deb ${options} ${mirrors.debian} ${suite} main`;
  if (isRollingSuite(suite)) return [main, ''].join('\n');
  return [main, `deb ${options} ${mirrors.debian} ${suite}-updates main`, `deb ${options} ${mirrors.security} ${suite}-security main`, ''].join('\n');
}

export interface ForeignAptLayout {
  root: string;
  /** Dir::State */
  state: string;
  /** Dir::State::Lists */
  lists: string;
  /** Dir::State::status: an empty dpkg status (its directory also takes dpkg's lock files) */
  status: string;
  /** Dir::Cache (download-only installs land in archives/) */
  cache: string;
  archives: string;
  /** Dir::Etc::SourceList */
  sourcesList: string;
  /** when the lists were last refreshed, and what failed then */
  stamp: string;
}

export function foreignAptLayout(root: string): ForeignAptLayout {
  return {
    root,
    state: path.join(root, 'state'),
    lists: path.join(root, 'state', 'lists'),
    status: path.join(root, 'dpkg', 'status'),
    cache: path.join(root, 'cache'),
    archives: path.join(root, 'cache', 'archives'),
    sourcesList: path.join(root, 'sources.list'),
    stamp: path.join(root, 'lists-refreshed.json'),
  };
}

/** The -o options that make apt-get and apt-cache use only the private state, for `arch` alone. */
export function aptOptions(arch: DebianArch, layout: ForeignAptLayout, suite = DEBIAN_SUITE): string[] {
  const settings: Array<[string, string]> = [
    ['Dir::State', layout.state],
    ['Dir::State::Lists', layout.lists],
    ['Dir::State::status', layout.status],
    ['Dir::Cache', layout.cache],
    ['Dir::Etc::SourceList', layout.sourcesList],
    ['Dir::Etc::SourceParts', '/nonexistent'],
    ['APT::Architecture', arch],
    ['APT::Architectures::', arch],
    ['Acquire::Languages', 'none'],
    ...(isRollingSuite(suite) ? [['Acquire::Check-Valid-Until', 'false'] as [string, string]] : []),
  ];
  return settings.flatMap(([key, value]) => ['-o', `${key}=${value}`]);
}

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

/** `apt-get -s install` lines: "Inst libc6 (2.36-9+deb12u14 Debian:12.15/oldstable [arm64])". */
export function parseSimulatedInstall(output: string): ClosurePackage[] {
  const packages: ClosurePackage[] = [];
  for (const line of output.split('\n')) {
    const inst = /^Inst (\S+?)(?::\S+)? (?:\[[^\]]*\] )?\((\S+) .*\[([a-z0-9]+)\]\)/.exec(line);
    if (inst) packages.push({ name: inst[1] as string, version: inst[2] as string, arch: inst[3] as string });
  }
  return packages;
}

/** The file name apt gives a downloaded .deb ("1:1.2" → "1%3a1.2"). */
export function debFileName(pkg: ClosurePackage): string {
  return `${pkg.name}_${pkg.version.replace(/:/g, '%3a')}_${pkg.arch}.deb`;
}

/** The versioned package a kernel meta package depends on (`apt-cache depends` output). */
export function kernelDependency(dependsOutput: string): string | undefined {
  return /Depends: (linux-image-[^\s:<>]+)/.exec(dependsOutput)?.[1];
}

/**
 * The packages a split kernel package depends on for its files (`apt-cache depends
 * linux-image-REL` output): since 7.x Debian ships linux-image-REL as a small package depending on
 * linux-binary-REL (/usr/lib/modules/REL/vmlinuz), linux-modules-REL (the .ko.xz modules) and
 * linux-base-REL (modules.builtin, modules.order, config). Empty for a kernel package that holds
 * everything itself (bookworm's).
 */
export function kernelSplitParts(dependsOutput: string, kernelName: string): string[] {
  const release = kernelName.replace(/^linux-image-/, '');
  const parts = new Set<string>();
  for (const match of dependsOutput.matchAll(/^\s*\|?Depends: (linux-(?:binary|modules|base)-[^\s:<>]+)/gm)) {
    const name = match[1] as string;
    if (name.replace(/^linux-(?:binary|modules|base)-/, '') === release) parts.add(name);
  }
  return [...parts].sort();
}

/** `apt-cache show --no-all-versions` → its Version field. */
export function versionField(showOutput: string): string | undefined {
  return /^Version: (\S+)$/m.exec(showOutput)?.[1];
}

export interface ForeignAptOptions {
  /** default bookworm (DEBIAN_SUITE) */
  suite?: string;
  /** default cacheDir('apt', arch), or cacheDir('apt', arch-suite) for another suite than bookworm */
  root?: string;
  /** default: the host's (debian.sources), else deb.debian.org */
  mirrors?: Mirrors;
  /** where warnings go (default stderr) */
  log?: (line: string) => void;
}

const APT_ENV = { ...process.env, LC_ALL: 'C', LANGUAGE: '', DEBIAN_FRONTEND: 'noninteractive' };

const HOST_APT_LISTS = '/var/lib/apt/lists';

/**
 * Package queries and downloads for one architecture. This base class asks the host's apt as it is
 * configured; ForeignApt adds the private state. Both answer the same questions the same way.
 */
export class Apt {
  constructor(readonly arch: string) {}

  /** extra apt options (none: the host's configuration) */
  get options(): string[] {
    return [];
  }

  /** said in error messages after the command */
  protected get where(): string {
    return '';
  }

  /** make the lists usable before a query (the host's are apt-get update's business) */
  protected async prepare(): Promise<void> {}

  /** When the lists last changed (ms since the epoch; 0 when unknown): keys memoized answers. */
  listsRefreshedAtMs(): number {
    try {
      return fs.statSync(HOST_APT_LISTS).mtimeMs;
    } catch {
      return 0;
    }
  }

  async candidateVersion(name: string): Promise<string> {
    await this.prepare();
    const { stdout } = await execFile('apt-cache', [...this.options, 'show', '--no-all-versions', `${name}:${this.arch}`], { env: APT_ENV });
    const version = versionField(stdout);
    if (!version) throw new HarnessError(`apt-cache show ${name}:${this.arch}${this.where}: no Version field`, 2);
    return version;
  }

  /** linux-image-arm64 → linux-image-6.1.0-NN-arm64 and its candidate version. */
  async resolveKernelPackage(meta: string): Promise<DebianPackage> {
    await this.prepare();
    const { stdout } = await execFile('apt-cache', [...this.options, 'depends', `${meta}:${this.arch}`], { env: APT_ENV });
    const name = kernelDependency(stdout);
    if (!name) throw new HarnessError(`${meta}:${this.arch} names no linux-image dependency (apt-cache depends${this.where})`, 2);
    return { name, version: await this.candidateVersion(name) };
  }

  /** The split parts of a kernel package (kernelSplitParts), each at its candidate version. */
  async kernelParts(kernel: DebianPackage): Promise<DebianPackage[]> {
    await this.prepare();
    const { stdout } = await execFile('apt-cache', [...this.options, 'depends', `${kernel.name}:${this.arch}`], { env: APT_ENV });
    const parts: DebianPackage[] = [];
    for (const name of kernelSplitParts(stdout, kernel.name)) parts.push({ name, version: await this.candidateVersion(name) });
    return parts;
  }

  /** One package's .deb into dir (kept: a second call finds it there). */
  async download(pkg: DebianPackage, dir: string): Promise<string> {
    fs.mkdirSync(dir, { recursive: true });
    const prefix = `${pkg.name}_${pkg.version.replace(/:/g, '%3a')}_`;
    const find = (): string | undefined => fs.readdirSync(dir).find((file) => file.startsWith(prefix) && file.endsWith('.deb'));
    const existing = find();
    if (existing) return path.join(dir, existing);
    await this.prepare();
    await execFile('apt-get', [...this.options, '-q', 'download', `${pkg.name}:${this.arch}=${pkg.version}`], { cwd: dir, env: APT_ENV });
    const fetched = find();
    if (!fetched) throw new HarnessError(`apt-get download ${pkg.name}:${this.arch}${this.where} wrote no ${prefix}*.deb in ${dir}`, 2);
    return path.join(dir, fetched);
  }
}

/** apt for one architecture, with private state. */
export class ForeignApt extends Apt {
  readonly layout: ForeignAptLayout;
  readonly mirrors: Mirrors;
  readonly suite: string;
  private readonly log: (line: string) => void;
  private listsChecked = false;

  constructor(
    override readonly arch: DebianArch,
    options: ForeignAptOptions = {},
  ) {
    super(arch);
    this.suite = options.suite ?? DEBIAN_SUITE;
    this.layout = foreignAptLayout(options.root ?? cacheDir('apt', this.suite === DEBIAN_SUITE ? arch : `${arch}-${this.suite}`));
    this.mirrors = options.mirrors ?? hostMirrors();
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  override get options(): string[] {
    return aptOptions(this.arch, this.layout, this.suite);
  }

  protected override get where(): string {
    return this.suite === DEBIAN_SUITE ? ' (private lists)' : ` (private ${this.suite} lists)`;
  }

  protected override async prepare(): Promise<void> {
    await this.ensureLists();
  }

  private sourcesText(): string {
    return sourcesList(this.arch, this.mirrors, this.suite);
  }

  private readStamp(): ListsStamp | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.layout.stamp, 'utf8')) as ListsStamp;
    } catch {
      return undefined;
    }
  }

  /** When the lists were last refreshed (ms since the epoch; 0 when never): keys memoized answers. */
  override listsRefreshedAtMs(): number {
    const stamp = this.readStamp();
    return stamp ? Date.parse(stamp.refreshedAt) || 0 : 0;
  }

  /** Write the private configuration files (idempotent). */
  private writeConfig(): void {
    const { lists, archives, status, sourcesList: listFile } = this.layout;
    for (const dir of [path.join(lists, 'partial'), path.join(archives, 'partial'), path.dirname(status)]) fs.mkdirSync(dir, { recursive: true });
    if (!fs.existsSync(status)) fs.writeFileSync(status, '');
    const text = this.sourcesText();
    if (!fs.existsSync(listFile) || fs.readFileSync(listFile, 'utf8') !== text) fs.writeFileSync(listFile, text);
  }

  /** Refresh the private lists when stale (or forced); returns whether apt-get update ran. */
  async ensureLists(options: { force?: boolean } = {}): Promise<boolean> {
    if (this.listsChecked && !options.force) return false;
    this.writeConfig();
    const sourcesHash = crypto.createHash('sha256').update(this.sourcesText()).digest('hex').slice(0, 16);
    const listFiles = (): string[] => (fs.existsSync(this.layout.lists) ? fs.readdirSync(this.layout.lists) : []);
    const stamp = this.readStamp();
    if (!listsNeedRefresh(stamp, sourcesHash, Date.now(), options.force ?? false) && mainIndexPresent(listFiles(), this.arch, this.suite)) {
      this.listsChecked = true;
      return false;
    }
    if (!fs.existsSync(DEBIAN_KEYRING)) {
      throw new BadInputError(`the private ${this.arch} package lists need Debian's archive keys (${DEBIAN_KEYRING}): install with 'apt-get install -y debian-archive-keyring'`);
    }
    const { code, output } = await runApt('apt-get', [...this.options, '-q', 'update']);
    const verdict = updateVerdict(code, output, listFiles(), this.arch, this.suite);
    if (!verdict.accepted) throw new HarnessError(verdict.message ?? `apt-get update (${this.arch}) failed`, 2);
    if (verdict.message) this.log(verdict.message);
    const next: ListsStamp = { refreshedAt: new Date().toISOString(), sources: sourcesHash, failed: verdict.failed };
    fs.writeFileSync(this.layout.stamp, JSON.stringify(next, null, 2) + '\n');
    this.listsChecked = true;
    return true;
  }

  /**
   * What installing `names` on an empty system of this architecture takes (no recommends): the
   * packages and versions, from `apt-get -s install` against the empty status.
   */
  async closure(names: string[]): Promise<ClosurePackage[]> {
    await this.ensureLists();
    const { stdout } = await execFile('apt-get', [...this.options, '-s', '-y', '--no-install-recommends', 'install', ...names.map((name) => `${name}:${this.arch}`)], { env: APT_ENV });
    const packages = parseSimulatedInstall(stdout);
    if (packages.length === 0) throw new HarnessError(`apt-get -s install ${names.join(' ')} (${this.arch}) planned nothing`, 2);
    return packages.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Download a closure (as closure() computes it) into the private archives; return each .deb. */
  async downloadClosure(packages: ClosurePackage[]): Promise<DownloadedPackage[]> {
    const located = (): Array<DownloadedPackage | undefined> =>
      packages.map((pkg) => {
        const file = path.join(this.layout.archives, debFileName(pkg));
        return fs.existsSync(file) ? { ...pkg, file } : undefined;
      });
    let found = located();
    if (found.some((entry) => entry === undefined)) {
      await this.ensureLists();
      this.writeConfig();
      const pinned = packages.map((pkg) => `${pkg.name}:${pkg.arch === 'all' ? this.arch : pkg.arch}=${pkg.version}`);
      await execFile('apt-get', [...this.options, '-q', '-y', '--download-only', '--no-install-recommends', 'install', ...pinned], { env: APT_ENV });
      found = located();
    }
    const missing = packages.filter((_, i) => found[i] === undefined);
    if (missing.length > 0) {
      throw new HarnessError(`apt-get --download-only left out ${missing.map(debFileName).join(', ')} (in ${this.layout.archives})`, 2);
    }
    return found as DownloadedPackage[];
  }
}

/** Run apt and keep its exit code and whole output (apt-get update fails softly in ways we judge). */
function runApt(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: APT_ENV });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => reject(new BadInputError(`${command}: ${error.message} (install apt)`)));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

let hostArchMemo: string | undefined;

/** `dpkg --print-architecture` of this host. */
export async function hostDebianArch(): Promise<string> {
  if (hostArchMemo) return hostArchMemo;
  const { stdout } = await execFile('dpkg', ['--print-architecture']);
  hostArchMemo = stdout.trim();
  return hostArchMemo;
}
