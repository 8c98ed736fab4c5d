/**
 * Where the private apt fetches from: the host's Debian mirrors (its deb822 debian.sources), each
 * falling back to deb.debian.org, written as a one-line-style sources list for one architecture.
 */
import fs from 'node:fs';
import type { DebianArch } from './debian.js';

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

/** The fields of one deb822 stanza (lower-case names; continuation lines joined). */
function stanzaFields(stanza: string): Map<string, string> {
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
  return fields;
}

/**
 * The mirrors of the host's deb822 sources (debian.sources): the first URI of a `deb` stanza whose
 * suites name bookworm (or bookworm-updates) and of one naming bookworm-security. Missing ones are
 * left out (the caller falls back to deb.debian.org).
 */
export function parseDebianSources(text: string, suite = DEBIAN_SUITE): Partial<Mirrors> {
  const found: Partial<Mirrors> = {};
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = stanzaFields(stanza);
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
