/**
 * The private apt configuration of one architecture: a sources list, package lists, an empty dpkg
 * status and a download cache of our own under one root, and the -o options that make apt-get and
 * apt-cache use them instead of the host's.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DebianArch } from './debian.js';
import { DEBIAN_SUITE, isRollingSuite } from './sources.js';

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

/** Write the private configuration files (idempotent): directories, empty status, sources list. */
export function writePrivateConfig(layout: ForeignAptLayout, sourcesText: string): void {
  const { lists, archives, status, sourcesList: listFile } = layout;
  for (const dir of [path.join(lists, 'partial'), path.join(archives, 'partial'), path.dirname(status)]) fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(status)) fs.writeFileSync(status, '');
  if (!fs.existsSync(listFile) || fs.readFileSync(listFile, 'utf8') !== sourcesText) fs.writeFileSync(listFile, sourcesText);
}
