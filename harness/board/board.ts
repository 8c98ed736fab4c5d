/** Board files: what the target is and how to reach it. Validated against boards/board.schema.json. */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../core/paths.js';
import { readValidatedJson } from '../core/json-validation.js';
import { BadInputError } from '../core/errors.js';
import { DEFAULT_HANG_SEC } from '../protocol/constants.js';
import type { LoudBugs } from './loud-bugs.js';

export type Arch = 'x86_64' | 'aarch64' | 'armhf';
export type Accel = 'auto' | 'kvm' | 'tcg';

export interface QemuBoardConfig {
  binary: string;
  /** the run's --executor when none is given (absent: afalg) */
  executor?: 'afalg' | 'kernel' | 'auto';
  machine: string;
  cpu: { tcg: string; kvm: string };
  accel: Accel;
  kvmProbeSec?: number;
  memoryMiB: number;
  smp: number;
  console: string;
  /** Debian meta package naming the kernel; a board with `kernel` (the user's own files) has none */
  kernelPackage?: string;
  /** the user's own kernel instead of a Debian package (qemu/own-kernel): paths relative to the board file */
  kernel?: OwnKernelFiles;
  debianArch: 'amd64' | 'arm64' | 'armhf';
  /** the Debian suite the kernel (and busybox, nodejs) come from; default bookworm, through the host's apt when debianArch is the host's */
  debianSuite?: string;
  bootUncompressed?: boolean;
  modules: { include: string[]; preload: string[] };
  virtioCrypto?: boolean;
  kernelArgs?: string[];
  /** kernel parameters that make driver bugs loud (harness/board/loud-bugs.ts) */
  loudBugs?: LoudBugs;
  extraArgs?: string[];
  /** fault-injection fixtures loaded before discovery (qemu/fixtures) */
  fixtures?: string[];
  /**
   * where the guest's node comes from: 'host' (default) runs the host's node over the 9p share;
   * 'image' puts Debian's nodejs for debianArch into the initramfs and runs the arch's agent bundle
   */
  agentNode?: 'host' | 'image';
}

/** A kernel the user built: its image and, optionally, its modules, device tree and config. */
export interface OwnKernelFiles {
  /** bzImage, Image, zImage or vmlinux */
  image: string;
  /** an INSTALL_MOD_PATH dir (lib/modules/<release> inside), a lib/modules/<release> dir, or a modules-*.tgz */
  modules?: string;
  dtb?: string;
  /** the kernel's .config, for the kernel-config diagnosis */
  config?: string;
}

export interface SerialBoardConfig {
  device: string;
  baudRate: number;
  login: { user: string; passwordEnv?: string; loginPrompt?: string; passwordPrompt?: string };
  /** regular expression of the shell prompt */
  prompt: string;
  /** command and arguments, run without a shell */
  powerCycle?: string[];
}

export interface SshBoardConfig {
  host: string;
  port?: number;
  user: string;
  keyFile?: string;
  hostKeySha256?: string;
}

export interface AgentDeployment {
  /** which agent: auto (Node where the target has a usable one, else native), node, native */
  kind?: 'auto' | 'node' | 'native';
  node?: string;
  dir?: string;
  preinstalled?: string;
}

export type Transport = 'qemu' | 'serial' | 'ssh' | 'local';

export interface Board {
  name: string;
  description?: string;
  arch: Arch;
  transport: Transport;
  timeouts?: Partial<BoardTimeouts>;
  qemu?: QemuBoardConfig;
  serial?: SerialBoardConfig;
  ssh?: SshBoardConfig;
  agent?: AgentDeployment;
  /** a board synthesized from a user's image (yocto:PATH, buildroot:PATH): booted under QEMU, reached on its console */
  userImage?: string;
  /** the file it was read from */
  file: string;
}

/** A board's timeouts, in seconds (boards/board.schema.json says what each one covers). */
export interface BoardTimeouts {
  agentReadySec: number;
  requestSec: number;
  hangSec: number;
  loginSec: number;
  bootSec: number;
}

/** The board's timeouts, each one it does not give set to its default: the one place the defaults live. */
export function timeoutsOf(board: Pick<Board, 'timeouts'>): BoardTimeouts {
  const given = board.timeouts ?? {};
  const requestSec = given.requestSec ?? 120;
  return {
    agentReadySec: given.agentReadySec ?? 60,
    requestSec,
    // a hang is reported well before the request itself times out
    hangSec: given.hangSec ?? Math.min(DEFAULT_HANG_SEC, requestSec / 2),
    loginSec: given.loginSec ?? 60,
    bootSec: given.bootSec ?? 120,
  };
}

export type QemuBoard = Board & { transport: 'qemu'; qemu: QemuBoardConfig };

/** The board as a QEMU board (the schema guarantees the qemu section for transport qemu). */
export function asQemuBoard(board: Board): QemuBoard {
  if (board.transport !== 'qemu' || !board.qemu) throw new BadInputError(`board ${board.name} (${board.file}) is not a qemu board`);
  return board as QemuBoard;
}

export const boardsDir = path.join(projectRoot, 'boards');
export const boardSchemaPath = path.join(boardsDir, 'board.schema.json');

/** `--board NAME` (a file in boards/) or `--board PATH`. */
export function boardPath(nameOrPath: string): string {
  if (nameOrPath.includes('/') || nameOrPath.endsWith('.json')) return path.resolve(nameOrPath);
  return path.join(boardsDir, `${nameOrPath}.json`);
}

export function listBoards(): string[] {
  return fs
    .readdirSync(boardsDir)
    .filter((file) => file.endsWith('.json') && !file.endsWith('.schema.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

export function loadBoard(nameOrPath: string): Board {
  const file = boardPath(nameOrPath);
  if (!fs.existsSync(file)) {
    throw new BadInputError(`board '${nameOrPath}' not found (${file}); known boards: ${listBoards().join(', ')}`);
  }
  const board = readValidatedJson<Omit<Board, 'file'>>(file, boardSchemaPath);
  // prompts are regular expressions: a bad one is a board-file error, found before anything connects
  const prompts: Array<[string, string | undefined]> = [
    ['/serial/prompt', board.serial?.prompt],
    ['/serial/login/loginPrompt', board.serial?.login.loginPrompt],
    ['/serial/login/passwordPrompt', board.serial?.login.passwordPrompt],
  ];
  for (const [field, source] of prompts) {
    if (source === undefined) continue;
    try {
      new RegExp(source, 'm');
    } catch (error) {
      throw new BadInputError(`${file}: field '${field}': not a regular expression: ${(error as Error).message}`);
    }
  }
  return { ...board, file };
}

