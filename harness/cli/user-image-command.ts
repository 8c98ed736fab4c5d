/**
 * `afalg-harness qemu show yocto:PATH|buildroot:PATH`: what the harness reads from a user's image
 * and the QEMU command line it would boot it with (the console on stdio), and the image's keys it
 * does not honour. Boots nothing.
 */
import { EXIT } from '../core/errors.js';
import { resolveUserImage } from '../../qemu/user-image-source.js';
import { userImageQemuCommand } from '../../qemu/user-image-command.js';
import { isInitramfs } from '../../qemu/user-image.js';
import { rootLoaderReason, rootModulesInArchive } from '../../qemu/own-kernel/root-loader.js';

/** Where the root loader goes on the command line `qemu show` prints (it is built only when the image boots). */
const ROOT_LOADER_PLACEHOLDER = '<root-loader.cpio>';

const quoted = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);

export function showUserImageCommand(spec: string, accel: 'kvm' | 'tcg'): number {
  const boot = resolveUserImage(spec);
  const rootfsFile = boot.rootfs?.decompress ? boot.rootfs.file.replace(/\.zst$/, '') : undefined;
  const rootModules = boot.rootfs && !isInitramfs(boot.rootfs) && boot.modulesArchive ? rootModulesInArchive(boot.modulesArchive) : undefined;
  const loader = rootModules !== undefined && rootModules.length > 0;
  const command = userImageQemuCommand(boot, { accel, console: { stdio: true }, ...(rootfsFile ? { rootfsFile } : {}), ...(loader ? { rootLoader: ROOT_LOADER_PLACEHOLDER } : {}) });
  const out = [
    `image ${boot.origin} (${boot.arch})`,
    `kernel ${boot.kernel.file} (${boot.kernel.kind})`,
    `rootfs ${boot.rootfs ? `${boot.rootfs.file} (${boot.rootfs.type}${boot.rootfs.decompress ? `, decompressed with ${boot.rootfs.decompress} to ${rootfsFile} before boot` : ''})` : 'none: the harness would build its own initramfs'}`,
    ...(boot.dtb ? [`dtb ${boot.dtb}`] : []),
    ...(boot.modulesArchive ? [`modules ${boot.modulesArchive}`] : []),
    ...(loader && boot.modulesArchive && boot.rootfs ? [`root loader: ${rootLoaderReason(boot.modulesArchive, rootModules, boot.rootfs.file)} (built when it boots)`] : []),
    ...boot.ignored.map((entry) => `not used: ${entry.key} = ${entry.value} (${entry.reason})`),
    `${command.binary} ${command.args.map(quoted).join(' ')}`,
  ];
  process.stdout.write(out.join('\n') + '\n');
  return EXIT.ok;
}
