/**
 * Which packages go into a board's image: the kernel its meta package names, busybox-static, and
 * (agentNode image) the nodejs closure, asked of the host's apt or, for a foreign architecture or
 * the node packages, of the private one. What apt offers changes only when its lists change
 * (apt-get update), so each answer is remembered until then: a second prepare does not wait on
 * apt-cache.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { QemuBoard } from '../../harness/board/board.js';
import { cacheDir } from '../../harness/core/paths.js';
import type { StepProgress } from '../../harness/core/progress.js';
import { Apt } from '../apt/apt.js';
import { ForeignApt } from '../apt/foreign-apt.js';
import { DEBIAN_SUITE } from '../apt/sources.js';
import type { ClosurePackage, DebianArch, DebianPackage } from '../apt/debian.js';
import { NODE_PACKAGES, nodejsVersion } from './node-closure.js';

/** The private apt of a board: for a foreign architecture or another suite, or for the node packages of agentNode image. */
export interface PackageSources {
  /** kernel and busybox come from the private apt (the board's arch is not the host's, or its suite is not bookworm) */
  foreign: boolean;
  /** where the kernel and busybox come from: the host's apt, or the private one */
  apt: Apt;
  /** private apt for this arch, when foreign or agentNode image */
  privateApt?: ForeignApt;
}

export interface ImagePackages {
  kernel: DebianPackage;
  /** the split parts of the kernel package (7.x: linux-binary-, linux-modules-, linux-base-REL) */
  kernelParts?: DebianPackage[];
  busybox: DebianPackage;
  /** agentNode image: the nodejs closure */
  node?: ClosurePackage[];
}

/** The board's Debian suite (bookworm unless it names another). */
export function boardSuite(board: QemuBoard): string {
  return board.qemu.debianSuite ?? DEBIAN_SUITE;
}

/** ":sid" for a board of another suite than bookworm, "" otherwise (memo keys of the others stay as they were). */
function suiteKey(board: QemuBoard): string {
  const suite = boardSuite(board);
  return suite === DEBIAN_SUITE ? '' : `:${suite}`;
}

export function packageSources(board: QemuBoard, hostArch: string, log: (line: string) => void): PackageSources {
  const suite = boardSuite(board);
  const foreign = board.qemu.debianArch !== hostArch || suite !== DEBIAN_SUITE;
  const privateApt = foreign || (board.qemu.agentNode ?? 'host') === 'image' ? new ForeignApt(board.qemu.debianArch, { log, suite }) : undefined;
  return { foreign, apt: foreign && privateApt ? privateApt : new Apt(board.qemu.debianArch), ...(privateApt ? { privateApt } : {}) };
}

/** An answer with the mtime of apt's lists (the private lists' refresh time) when apt was asked. */
type Remembered = { listsMtimeMs: number };
type AnswerMemo = Record<string, Remembered>;

function readMemo(memoFile: string): AnswerMemo {
  try {
    return JSON.parse(fs.readFileSync(memoFile, 'utf8')) as AnswerMemo;
  } catch {
    return {}; // first time
  }
}

function writeMemo(memoFile: string, key: string, answer: Remembered): void {
  const memo = readMemo(memoFile);
  memo[key] = answer;
  fs.mkdirSync(path.dirname(memoFile), { recursive: true });
  fs.writeFileSync(memoFile, JSON.stringify(memo, null, 2) + '\n');
}

/** The remembered answer under key while apt's lists are as they were, else ask (and remember). */
async function remembered<T extends Remembered>(key: string, apt: Apt, refresh: boolean, ask: (listsMtimeMs: number) => Promise<T>): Promise<T> {
  const memoFile = cacheDir('apt-answers.json');
  const listsMtimeMs = apt.listsRefreshedAtMs();
  const known = readMemo(memoFile)[key] as T | undefined;
  if (!refresh && known && known.listsMtimeMs === listsMtimeMs && listsMtimeMs !== 0) return known;
  const answer = await ask(listsMtimeMs);
  writeMemo(memoFile, key, answer);
  return answer;
}

type KernelAndBusybox = Pick<ImagePackages, 'kernel' | 'kernelParts' | 'busybox'>;

async function resolveKernelAndBusybox(board: QemuBoard, refresh: boolean, sources: PackageSources): Promise<KernelAndBusybox> {
  const { debianArch } = board.qemu;
  const kernelPackage = board.qemu.kernelPackage ?? '';
  const { apt } = sources;
  const key = `${kernelPackage}:${debianArch}${sources.foreign ? ':private' : ''}${suiteKey(board)}`;
  return remembered(key, apt, refresh, async (listsMtimeMs) => {
    const kernel = await apt.resolveKernelPackage(kernelPackage);
    return {
      kernel,
      kernelParts: await apt.kernelParts(kernel),
      busybox: { name: 'busybox-static', version: await apt.candidateVersion('busybox-static') },
      listsMtimeMs,
    };
  });
}

/** Debian's nodejs for the board's arch and its closure on an empty system. */
async function resolveNodePackages(board: QemuBoard, refresh: boolean, apt: ForeignApt): Promise<ClosurePackage[]> {
  const key = `${NODE_PACKAGES.join('+')}:${board.qemu.debianArch}${suiteKey(board)}:closure`;
  const answer = await remembered(key, apt, refresh, async (listsMtimeMs) => ({ packages: await apt.closure(NODE_PACKAGES), listsMtimeMs }));
  return answer.packages;
}

/** The build step: refresh the private lists when due, then ask (or recall) every package. */
export async function resolveImagePackages(board: QemuBoard, sources: PackageSources, force: boolean, progress: StepProgress): Promise<ImagePackages> {
  const { debianArch, kernelPackage } = board.qemu;
  const withNode = (board.qemu.agentNode ?? 'host') === 'image';
  const where = sources.privateApt ? ` (private ${debianArch} lists in ${sources.privateApt.layout.root})` : '';
  progress.next(`resolving ${kernelPackage}:${debianArch} and busybox-static:${debianArch}${withNode ? ` (and nodejs:${debianArch})` : ''} with apt-cache${where}`);
  if (sources.privateApt && (await sources.privateApt.ensureLists({ force }))) {
    progress.detail(`private ${debianArch} lists refreshed (apt-get update)`);
  }
  const { kernel, kernelParts, busybox } = await resolveKernelAndBusybox(board, force, sources);
  const resolved = { kernel, ...(kernelParts && kernelParts.length > 0 ? { kernelParts } : {}), busybox };
  if (!withNode) return resolved;
  return { ...resolved, node: await resolveNodePackages(board, force, sources.privateApt as ForeignApt) };
}

/** busybox-static's .deb for the board's architecture (for an image around the user's own kernel, which needs no kernel package). */
export async function downloadBusybox(apt: Apt): Promise<{ busybox: DebianPackage; deb: string }> {
  const busybox = { name: 'busybox-static', version: await apt.candidateVersion('busybox-static') };
  return { busybox, deb: await apt.download(busybox, cacheDir('downloads', apt.arch)) };
}

/** The apt that has bookworm's packages of an architecture: the host's for its own, the private lists for another. */
export function aptOf(debianArch: DebianArch, hostArch: string, log: (line: string) => void): Apt {
  return debianArch === hostArch ? new Apt(debianArch) : new ForeignApt(debianArch, { log });
}

/** One line naming what was resolved. */
export function describePackages({ kernel, busybox, node }: ImagePackages): string {
  return `${kernel.name} ${kernel.version}, busybox-static ${busybox.version}${node ? `, nodejs ${nodejsVersion(node) ?? '?'} (+${node.length - 1} packages)` : ''}`;
}
