/** `--board` as a board file, a user's image (yocto:PATH, buildroot:PATH) or a user's kernel (kernel:PATH). */
import { loadBoard, type Board, type OwnKernelFiles, type QemuBoardConfig } from './board.js';
import { isUserImageSpec, resolveUserImage } from '../../qemu/user-image-source.js';
import { isKernelSpec, parseKernelSpec } from '../../qemu/own-kernel/kernel-spec.js';
import { readKernelImageInfo } from '../../qemu/kernel-image.js';

const OWN_KERNEL_READY_SEC = 180;

/** loadBoard, or for yocto:PATH / buildroot:PATH / kernel:PATH the board synthesized for it. */
export function loadBoardOrImage(spec: string): Board {
  if (isKernelSpec(spec)) return ownKernelBoard(spec);
  return isUserImageSpec(spec) ? userImageBoard(spec) : loadBoard(spec);
}

/**
 * `--board kernel:PATH[,modules=…]`: the built-in QEMU board of the kernel's architecture
 * (qemu-x86_64, qemu-aarch64, qemu-armhf: machine, CPU, virtio-crypto, the modules it loads) with
 * the user's kernel in place of Debian's; the harness builds the initramfs around it
 * (qemu/own-kernel/own-kernel-image.ts). The image is checked here, before anything is built or booted.
 */
export function ownKernelBoard(spec: string, files: OwnKernelFiles = parseKernelSpec(spec)): Board {
  const { arch, kind } = readKernelImageInfo(files.image);
  const base = loadBoard(`qemu-${arch}`);
  if (!base.qemu) throw new Error(`board qemu-${arch} has no qemu section`);
  const { kernelPackage: _debianKernel, bootUncompressed: _uncompressed, agentNode: _agentNode, ...qemu } = base.qemu;
  const config: QemuBoardConfig = { ...qemu, kernel: files };
  return {
    ...base,
    name: spec,
    description: `your ${arch} kernel ${files.image} (${kind}) on ${base.name}'s QEMU machine, in the harness's initramfs`,
    qemu: config,
    // a kernel of unknown weight (debug options, every self-test) boots slower than Debian's under TCG
    timeouts: { ...base.timeouts, agentReadySec: Math.max(base.timeouts?.agentReadySec ?? 0, OWN_KERNEL_READY_SEC) },
    file: spec,
  };
}

/**
 * `--board yocto:PATH` / `buildroot:PATH`: the image resolved (qemu/user-image-source.ts) into a
 * serial board on the guest's console, logged in as root without a password (Yocto's debug-tweaks,
 * Buildroot's default), the native agent uploaded over the console (auto falls back to it when the
 * image has no node). The console's pty is known only once QEMU runs: user-image-target.ts fills it in.
 * An image without a root file system (a Buildroot output/images with the kernel only) is a kernel:
 * board: the harness builds its initramfs around that kernel.
 */
export function userImageBoard(spec: string): Board {
  const boot = resolveUserImage(spec);
  if (!boot.rootfs) return ownKernelBoard(spec, { image: boot.kernel.file, ...(boot.modulesArchive ? { modules: boot.modulesArchive } : {}), ...(boot.dtb ? { dtb: boot.dtb } : {}) });
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
