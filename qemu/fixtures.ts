/**
 * Fault-injection fixtures (qemu/fixtures/*.c): small out-of-tree kernel modules that register a
 * deliberately faulty driver above the good ones, built against Debian's linux-headers-<kver> for
 * the guest's exact kernel (on the host for bookworm's, in the kernel's suite's chroot for the
 * others: guest-module-builder.ts), cached by source content.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../harness/core/paths.js';
import { BadInputError } from '../harness/core/errors.js';
import { buildModules } from './build-chroot.js';
import { guestModuleBuilder, headersDir, hostSuiteKernel, type GuestKernel } from './guest-module-builder.js';
import { DEBIAN_SUITE } from './apt/sources.js';
import { hostDebianArch } from './apt/apt-command.js';

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

/**
 * Build the named fixtures for a guest kernel (cached); returns their .ko paths in order. A release
 * alone is a kernel of the host's suite, whose headers must be installed on the host.
 */
export async function buildFixtures(names: readonly string[], kernel: string | GuestKernel): Promise<string[]> {
  const known = listFixtures();
  for (const name of names) {
    if (!known.includes(name)) throw new BadInputError(`unknown fixture '${name}'; known: ${known.join(', ')}`);
  }
  const guest = typeof kernel === 'string' ? hostSuiteKernel(kernel) : kernel;
  const headers = headersDir(guest.release);
  if (guest.suite === DEBIAN_SUITE && guest.arch === (await hostDebianArch()) && !fs.existsSync(path.join(headers, 'Makefile'))) {
    throw new BadInputError(`fixtures need the kernel headers of the guest: apt-get install linux-headers-${guest.release} (not found at ${headers})`);
  }
  const sources = [...names.map((name) => path.join(fixturesDir, `${PREFIX}${name}.c`)), ...sharedHeaders()];
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  return buildModules(() => guestModuleBuilder(guest, log), guest.release, sources, names.map((name) => `${PREFIX}${name}`), 'fixtures', log);
}
