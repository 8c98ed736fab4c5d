/**
 * Fault-injection fixtures (qemu/fixtures/*.c): small out-of-tree kernel modules that register a
 * deliberately faulty driver above the good ones, built against Debian's linux-headers-<kver> for
 * the guest's exact kernel — on the host for bookworm's, in a chroot of the kernel's own suite for
 * the others (module-builder.ts) — cached by source content.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../harness/core/paths.js';
import { BadInputError } from '../harness/core/errors.js';
import { buildModules } from './build-chroot.js';
import { suiteModuleBuilder } from './module-builder.js';
import type { DebianArch } from './apt/debian.js';
import { DEBIAN_SUITE } from './apt/sources.js';

export { headersDir } from './build-chroot.js';

export const fixturesDir = path.join(projectRoot, 'qemu', 'fixtures');
const PREFIX = 'afalg_fixture_';

/** Fixture names: the source files qemu/fixtures/afalg_fixture_<name>.c. */
export function listFixtures(): string[] {
  return fs
    .readdirSync(fixturesDir)
    .filter((file) => file.startsWith(PREFIX) && file.endsWith('.c'))
    .map((file) => file.slice(PREFIX.length, -2))
    .sort();
}

/**
 * The fixtures that fault the kernel itself (an oops, a WARN, a soft lockup, a panic): loaded only
 * when named, never by 'all', since they take the target down or stall it.
 */
export const KERNEL_FAULT_FIXTURES: readonly string[] = ['oops', 'panic', 'softlockup', 'warn'];

/** What `--fixtures all` loads: every fixture but the kernel-fault ones. */
export function allFixtures(): string[] {
  return listFixtures().filter((name) => !KERNEL_FAULT_FIXTURES.includes(name));
}

/**
 * The fixtures' shared headers (the plumbing several of them have in common, qemu/fixtures/afalg_fixture_*.h):
 * copied into every build and hashed into its cache key.
 */
export function sharedHeaders(): string[] {
  return fs
    .readdirSync(fixturesDir)
    .filter((file) => file.startsWith(PREFIX) && file.endsWith('.h'))
    .sort()
    .map((file) => path.join(fixturesDir, file));
}

/** The Debian kernel a fixture build is for: its suite and architecture (default bookworm amd64). */
export interface FixtureKernel {
  suite: string;
  arch: DebianArch;
}

/** Build the named fixtures for a kernel release (cached); returns their .ko paths in order. */
export async function buildFixtures(names: readonly string[], kernelRelease: string, kernel: FixtureKernel = { suite: DEBIAN_SUITE, arch: 'amd64' }): Promise<string[]> {
  const known = listFixtures();
  for (const name of names) {
    if (!known.includes(name)) throw new BadInputError(`unknown fixture '${name}'; known: ${known.join(', ')}`);
  }
  const sources = [...names.map((name) => path.join(fixturesDir, `${PREFIX}${name}.c`)), ...sharedHeaders()];
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const builder = (): ReturnType<typeof suiteModuleBuilder> => suiteModuleBuilder(kernelRelease, kernel.suite, kernel.arch, log);
  return buildModules(builder, kernelRelease, sources, names.map((name) => `${PREFIX}${name}`), 'fixtures', log);
}
