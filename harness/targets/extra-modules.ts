/**
 * Extra kernel modules loaded into a target before discovery — the fault-injection fixtures
 * (qemu/fixtures) or a vendor's driver under test — so they are discovered and judged like any
 * driver. QEMU guests read the host's file over 9p; the agent finit_module()s it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { asQemuBoard, type Board } from '../board/board.js';
import { BadInputError, EXIT, HarnessError } from '../core/errors.js';
import { allFixtures, buildFixtures, listFixtures, type FixtureKernel } from '../../qemu/fixtures.js';
import { buildKernelExecutor } from '../../qemu/kernel-executor-build.js';
import { DEBIAN_SUITE } from '../../qemu/apt/sources.js';
import type { Target } from './target.js';

/** The fixtures to load: --fixtures, else the board's qemu.fixtures (checked against the known ones). */
export function fixturesWanted(board: Board, asked: readonly string[] | undefined): string[] {
  const names = (asked && asked.length > 0 ? asked.flatMap((name) => name.split(',')) : (board.qemu?.fixtures ?? [])).map((name) => name.trim()).filter(Boolean);
  if (names.length > 0 && board.transport !== 'qemu') throw new BadInputError(`--fixtures: fixtures are built for and loaded into QEMU guests; ${board.name} is a ${board.transport} board`);
  const wanted = names.includes('all') ? allFixtures() : names;
  for (const name of wanted) if (!listFixtures().includes(name)) throw new BadInputError(`--fixtures: unknown fixture '${name}'; known: ${listFixtures().join(', ')}`);
  return wanted;
}

/** --load-module files, checked before anything boots. */
export function checkModuleFiles(board: Board, files: readonly string[] | undefined): string[] {
  if (!files || files.length === 0) return [];
  if (board.transport !== 'qemu') throw new BadInputError(`--load-module: only QEMU boards read module files from the host; on ${board.name} (${board.transport}) load the module on the board first`);
  return files.map((file) => {
    const resolved = path.resolve(file);
    if (!fs.existsSync(resolved) || !resolved.endsWith('.ko')) throw new BadInputError(`--load-module ${file}: no such .ko file`);
    return fs.realpathSync(resolved);
  });
}

/**
 * Build the fixtures (and, given the board, the in-kernel executor) for the target's kernel (cached)
 * and list every module file to load, fixtures first. Fixtures are built for the board's Debian
 * suite and architecture (fixturesBoard: the run's QEMU board).
 */
export async function moduleFilesFor(target: Target, fixtures: readonly string[], moduleFiles: readonly string[], executorBoard?: Board, fixturesBoard?: Board): Promise<string[]> {
  const release = target.info.hello.kernelRelease;
  const kernelOf = (board: Board): FixtureKernel => ({ suite: asQemuBoard(board).qemu.debianSuite ?? DEBIAN_SUITE, arch: asQemuBoard(board).qemu.debianArch });
  const fixtureFiles = fixtures.length > 0 ? await buildFixtures(fixtures, release, fixturesBoard ? kernelOf(fixturesBoard) : undefined) : [];
  const executor = executorBoard ? [await buildKernelExecutor(release, kernelOf(executorBoard).suite, kernelOf(executorBoard).arch)] : [];
  return [...fixtureFiles, ...executor, ...moduleFiles];
}

export async function loadModules(target: Target, board: Board, files: readonly string[]): Promise<void> {
  for (const file of files) {
    const result = await target.agent.request('insmod', { path: file, params: [] });
    const log = result.log.filter((line) => line.trim() !== '');
    if (result.exitCode !== 0) throw new HarnessError(`--load-module ${file}: ${result.stderr}${log.length > 0 ? ` (kernel: ${log.at(-1)})` : ''}`, EXIT.target);
    process.stderr.write(`loaded ${path.basename(file)} into ${board.name}${log.length > 0 ? ` (kernel: ${log.join(' | ')})` : ''}\n`);
  }
}
