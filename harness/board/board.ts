/** Board files: what the target is and how to reach it. Validated against boards/board.schema.json. */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../paths.js';
import { readValidatedJson } from '../json-validation.js';
import { BadInputError } from '../errors.js';

export type Arch = 'x86_64' | 'aarch64' | 'armhf';
export type Accel = 'auto' | 'kvm' | 'tcg';

export interface QemuBoardConfig {
  binary: string;
  machine: string;
  cpu: { tcg: string; kvm: string };
  accel: Accel;
  kvmProbeSec?: number;
  memoryMiB: number;
  smp: number;
  console: string;
  kernelPackage: string;
  debianArch: 'amd64' | 'arm64' | 'armhf';
  bootUncompressed?: boolean;
  modules: { include: string[]; preload: string[] };
  virtioCrypto?: boolean;
  kernelArgs?: string[];
  extraArgs?: string[];
}

export interface Board {
  name: string;
  description?: string;
  arch: Arch;
  transport: 'qemu';
  timeouts?: { agentReadySec?: number; requestSec?: number };
  qemu: QemuBoardConfig;
  /** the file it was read from */
  file: string;
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
  return { ...board, file };
}
