/**
 * Package queries and downloads for one architecture through the host's apt, as it is configured.
 * ForeignApt (foreign-apt.ts) extends it with a private state; both answer the same questions the
 * same way.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from '../../harness/core/exec.js';
import { HarnessError } from '../../harness/core/errors.js';
import { APT_ENV } from './apt-command.js';
import { kernelDependency, kernelSplitParts, versionField } from './apt-answers.js';
import type { DebianPackage } from './debian.js';

const HOST_APT_LISTS = '/var/lib/apt/lists';

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
