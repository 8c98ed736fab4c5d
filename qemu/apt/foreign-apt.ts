/**
 * Debian packages of any architecture through a private apt configuration (private-config.ts) under
 * cacheDir('apt', <arch>), passed to apt-get/apt-cache with -o options. The host's apt
 * configuration, lists, dpkg database and architectures are never changed. (apt still reads
 * /etc/apt/apt.conf.d, so the host's proxy and validity settings apply.) The lists are refreshed
 * as list-refresh.ts decides.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../../harness/core/paths.js';
import { execFile } from '../../harness/core/exec.js';
import { BadInputError, HarnessError } from '../../harness/core/errors.js';
import { Apt } from './apt.js';
import { APT_ENV, runApt } from './apt-command.js';
import { debFileName, parseSimulatedInstall } from './apt-answers.js';
import type { ClosurePackage, DebianArch, DownloadedPackage } from './debian.js';
import { listsNeedRefresh, mainIndexPresent, readListsStamp, updateVerdict, writeListsStamp } from './list-refresh.js';
import { aptOptions, foreignAptLayout, writePrivateConfig, type ForeignAptLayout } from './private-config.js';
import { DEBIAN_KEYRING, DEBIAN_SUITE, hostMirrors, sourcesList, type Mirrors } from './sources.js';

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

  private listFiles(): string[] {
    return fs.existsSync(this.layout.lists) ? fs.readdirSync(this.layout.lists) : [];
  }

  /** When the lists were last refreshed (ms since the epoch; 0 when never): keys memoized answers. */
  override listsRefreshedAtMs(): number {
    const stamp = readListsStamp(this.layout.stamp);
    return stamp ? Date.parse(stamp.refreshedAt) || 0 : 0;
  }

  /** Refresh the private lists when stale (or forced); returns whether apt-get update ran. */
  async ensureLists(options: { force?: boolean } = {}): Promise<boolean> {
    if (this.listsChecked && !options.force) return false;
    writePrivateConfig(this.layout, this.sourcesText());
    const sourcesHash = crypto.createHash('sha256').update(this.sourcesText()).digest('hex').slice(0, 16);
    const stamp = readListsStamp(this.layout.stamp);
    if (!listsNeedRefresh(stamp, sourcesHash, Date.now(), options.force ?? false) && mainIndexPresent(this.listFiles(), this.arch, this.suite)) {
      this.listsChecked = true;
      return false;
    }
    if (!fs.existsSync(DEBIAN_KEYRING)) {
      throw new BadInputError(`the private ${this.arch} package lists need Debian's archive keys (${DEBIAN_KEYRING}): install with 'apt-get install -y debian-archive-keyring'`);
    }
    const { code, output } = await runApt('apt-get', [...this.options, '-q', 'update']);
    const verdict = updateVerdict(code, output, this.listFiles(), this.arch, this.suite);
    if (!verdict.accepted) throw new HarnessError(verdict.message ?? `apt-get update (${this.arch}) failed`, 2);
    if (verdict.message) this.log(verdict.message);
    writeListsStamp(this.layout.stamp, { refreshedAt: new Date().toISOString(), sources: sourcesHash, failed: verdict.failed });
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
      writePrivateConfig(this.layout, this.sourcesText());
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
