/** `--board` as a board file or a user's image (yocto:PATH, buildroot:PATH). */
import { loadBoard, type Board } from './board.js';
import { isUserImageSpec, resolveUserImage } from '../../qemu/user-image-source.js';

/** loadBoard, or for yocto:PATH / buildroot:PATH the board userImageBoard synthesizes. */
export function loadBoardOrImage(spec: string): Board {
  return isUserImageSpec(spec) ? userImageBoard(spec) : loadBoard(spec);
}

/**
 * `--board yocto:PATH` / `buildroot:PATH`: the image resolved (qemu/user-image-source.ts) into a
 * serial board on the guest's console, logged in as root without a password (Yocto's debug-tweaks,
 * Buildroot's default), the native agent uploaded over the console (auto falls back to it when the
 * image has no node). The console's pty is known only once QEMU runs: user-image-target.ts fills it in.
 */
export function userImageBoard(spec: string): Board {
  const boot = resolveUserImage(spec);
  return {
    name: boot.origin,
    description: `${boot.origin} under ${boot.binary}, reached on its console`,
    arch: boot.arch,
    transport: 'serial',
    serial: { device: '(the QEMU console pty)', baudRate: 115200, login: { user: 'root' }, prompt: '[#$] ?$' },
    timeouts: { loginSec: 240, requestSec: 240 },
    userImage: spec,
    file: spec,
  };
}
