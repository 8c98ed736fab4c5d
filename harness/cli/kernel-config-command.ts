/**
 * `afalg-harness kernel-config`: the kernel-config diagnosis of a config file (--config, no target)
 * or of a board's kernel (--board: a QEMU board's from its guest image, any other board's through
 * the agent), and with --fragment the config fragment that adds what is missing.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { BadInputError, EXIT } from '../core/errors.js';
import { asQemuBoard, type Board } from '../board/board.js';
import { loadBoardOrImage } from '../board/board-or-image.js';
import { prepareGuestImage } from '../../qemu/guest-image.js';
import { imageKernelConfig, type KernelConfigFile } from '../../qemu/image-kernel-config.js';
import { openTarget } from '../targets/open-target.js';
import { configFragment, diagnoseKernelConfigText, findingsToFix } from '../discovery/kernel-config.js';
import { renderKernelConfig } from '../../reports/kernel-config-terminal.js';

export interface KernelConfigArgs {
  board?: string;
  config?: string;
  fragment?: string;
  advice?: boolean;
}

/** A config file as text: plain, or gzip (a copy of /proc/config.gz). */
export function readConfigFile(file: string): KernelConfigFile {
  if (!fs.existsSync(file)) throw new BadInputError(`${file}: no such kernel config file`);
  const bytes = fs.readFileSync(file);
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  return { source: file, text: (gzipped ? zlib.gunzipSync(bytes) : bytes).toString('utf8') };
}

async function boardKernelConfig(board: Board): Promise<KernelConfigFile> {
  if (board.transport === 'qemu') {
    const qemuBoard = asQemuBoard(board);
    if (qemuBoard.qemu.kernel && !qemuBoard.qemu.kernel.config) throw new BadInputError(`${board.name}: your kernel's config is not named: add ,config=FILE (kernel:) or qemu.kernel.config (board file), or pass --config FILE`);
    return imageKernelConfig(await prepareGuestImage(qemuBoard), qemuBoard.qemu.debianArch);
  }
  const target = await openTarget(board, {});
  try {
    const found = await target.agent.request('kernel-config', {});
    if (found.source === undefined || found.text === undefined) {
      throw new BadInputError(`${board.name}: the target's kernel config is in none of ${found.tried.join(', ')}: pass the config file with --config FILE`);
    }
    return { source: `${board.name}:${found.source}`, text: found.text };
  } finally {
    await target.stop();
  }
}

export async function kernelConfigCommand(argv: KernelConfigArgs): Promise<number> {
  if ((argv.board === undefined) === (argv.config === undefined)) throw new BadInputError('kernel-config needs exactly one of --board B and --config FILE');
  const file = argv.config !== undefined ? readConfigFile(argv.config) : await boardKernelConfig(loadBoardOrImage(argv.board as string));
  const diagnosis = diagnoseKernelConfigText(file.text, file.source);
  process.stdout.write(renderKernelConfig(diagnosis));
  if (argv.fragment !== undefined) {
    fs.writeFileSync(argv.fragment, configFragment(diagnosis, { withAdvice: argv.advice ?? false }));
    process.stderr.write(`wrote ${argv.fragment}\n`);
  }
  return findingsToFix(diagnosis).length > 0 ? EXIT.findings : EXIT.ok;
}
