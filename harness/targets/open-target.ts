/** Open a board's target by its transport. */
import { asQemuBoard, type Board } from '../board/board.js';
import { BadInputError } from '../core/errors.js';
import { QemuTarget, type QemuTargetOptions } from './qemu-target.js';
import { SshTarget } from './ssh-target.js';
import { SerialTarget } from './serial-target.js';
import { UserImageTarget } from './user-image-target.js';
import { LocalTarget } from './local-target.js';
import type { Target } from './target.js';

/** agent: which agent (auto, node, native); the rest applies to QEMU targets. */
export type OpenTargetOptions = QemuTargetOptions;

export async function openTarget(board: Board, options: OpenTargetOptions = {}): Promise<Target> {
  switch (board.transport) {
    case 'qemu':
      return QemuTarget.start(asQemuBoard(board), options);
    case 'ssh':
      return SshTarget.start(board, options);
    case 'serial':
      return board.userImage ? UserImageTarget.start(board, options) : SerialTarget.start(board, options);
    case 'local':
      return LocalTarget.start(board);
    default:
      throw new BadInputError(`board ${board.name}: transport '${board.transport}' is not available yet`);
  }
}
