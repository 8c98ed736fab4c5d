/**
 * A user's image built from the harness's own guest-image pieces, for the `--board buildroot:DIR`
 * and `yocto:DIR` tests: the Debian kernel (bzImage) and a busybox root file system whose init
 * loads the crypto modules and runs a getty on the console (root, empty password, as Yocto's
 * debug-tweaks and Buildroot's default) — no node anywhere, nothing mounted from the host.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { asQemuBoard, loadBoard } from '../../harness/board/board.js';
import { prepareGuestImage, type GuestImage } from '../../qemu/guest-image.js';
import { writeCpio } from '../../qemu/image/cpio-writer.js';
import { projectRoot } from '../../harness/core/paths.js';
import { cachedKernelDeb, imageKernelConfig } from '../../qemu/image-kernel-config.js';

/** Replaces the harness's /init: a board's boot, ending in a login on the console. */
const BOARD_INIT = `#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
/bin/busybox --install -s 2>/dev/null
while read -r module; do modprobe "$module" 2>/dev/null; done < /etc/afalg/preload
mkdir -p /tmp /root
echo 'root::0:0:root:/root:/bin/sh' > /etc/passwd
echo 'root:x:0:' > /etc/group
echo /bin/sh > /etc/shells
while true; do setsid getty -L 115200 ttyS0 vt100; done
`;

async function x86Image(): Promise<GuestImage> {
  return prepareGuestImage(asQemuBoard(loadBoard('qemu-x86_64')), { progress: fs.createWriteStream('/dev/null') });
}

/** The harness initramfs with a second archive appended that replaces /init (the kernel unpacks both in order). */
async function boardRootfsCpio(image: GuestImage, output: string): Promise<void> {
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-board-init-'));
  try {
    fs.writeFileSync(path.join(staging, 'init'), BOARD_INIT, { mode: 0o755 });
    const overlay = path.join(staging, '..', `${path.basename(staging)}.cpio`);
    await writeCpio(staging, overlay);
    fs.writeFileSync(output, Buffer.concat([fs.readFileSync(image.initramfs), fs.readFileSync(overlay)]));
    fs.rmSync(overlay, { force: true });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** `DIR` laid out as Buildroot's output/images: bzImage and rootfs.cpio. */
export async function buildrootImagesDir(dir: string): Promise<string> {
  const image = await x86Image();
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(image.bootKernel, path.join(dir, 'bzImage'));
  await boardRootfsCpio(image, path.join(dir, 'rootfs.cpio'));
  return dir;
}

/** Run a command line (sh -c, arguments as $0, $1…), failing loudly. */
function sh(script: string, args: string[], options: { cwd?: string; input?: Buffer } = {}): void {
  const result = spawnSync('sh', ['-c', script, ...args], { ...options, stdio: [options.input ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`${script}: ${result.stderr?.toString().trim()}`);
}

/** The harness's Debian image unpacked: busybox, the crypto modules with their modules.dep, /etc/afalg/preload. */
function unpackInitramfs(image: GuestImage, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  sh('cpio -idm --quiet', [], { cwd: dir, input: fs.readFileSync(image.initramfs) });
}

/** What a Debian kernel needs to mount an ext4 disk, out of its .deb (the image leaves them out). */
const DISK_MODULES = ['drivers/block/virtio_blk.ko', 'fs/ext4/*', 'fs/jbd2/*', 'fs/mbcache.ko', 'lib/crc16.ko'];

/** `modules-<machine>.tgz` as Yocto's kernel recipe deploys it: lib/modules/<release>, with the disk modules. */
function modulesTgz(image: GuestImage, tgz: string, work: string): void {
  const tree = path.join(work, 'modules');
  unpackInitramfs(image, tree);
  const deb = cachedKernelDeb(image, 'amd64');
  if (!deb) throw new Error(`the kernel .deb of ${image.dir} is not in the download cache`);
  const members = DISK_MODULES.map((name) => `./lib/modules/${image.kernelRelease}/kernel/${name}`);
  sh('dir="$1"; shift; dpkg-deb --fsys-tarfile "$0" | tar -x -C "$dir" --wildcards "$@"', [deb, tree, ...members]);
  sh('depmod -b "$0" "$1" && tar -czf "$2" -C "$0" lib', [tree, image.kernelRelease, tgz]);
}

/** An ext4 image of a busybox root (BOARD_INIT as /sbin/init: a getty on the console, no node), built without root privileges. */
function ext4Rootfs(image: GuestImage, file: string, work: string): void {
  const root = path.join(work, 'rootfs');
  unpackInitramfs(image, root);
  fs.rmSync(path.join(root, 'init'));
  fs.writeFileSync(path.join(root, 'sbin', 'init'), BOARD_INIT, { mode: 0o755 });
  sh('mke2fs -q -t ext4 -L root -d "$0" "$1" 64M', [root, file]);
}

/** `DIR/modules`: the image's lib/modules/<release>, as a kernel build's `modules_install` leaves it. */
function modulesDirOf(image: Parameters<typeof unpackInitramfs>[0], dir: string): string {
  const unpacked = path.join(dir, 'initramfs');
  unpackInitramfs(image, unpacked);
  const modules = path.join(dir, 'modules');
  fs.mkdirSync(path.join(modules, 'lib'), { recursive: true });
  fs.renameSync(path.join(unpacked, 'lib', 'modules'), path.join(modules, 'lib', 'modules'));
  fs.rmSync(unpacked, { recursive: true, force: true });
  return modules;
}

/**
 * The Debian kernel as a kernel build leaves it: `DIR/linux` with arch/x86/boot/bzImage and .config,
 * and `DIR/modules` as `make modules_install INSTALL_MOD_PATH=DIR/modules` fills it (lib/modules/<release>:
 * the crypto, virtio and 9p modules of the harness's image, with modules.dep and modules.builtin).
 */
export async function kernelTreeDirs(dir: string): Promise<{ tree: string; modules: string; release: string }> {
  const image = await x86Image();
  const tree = path.join(dir, 'linux');
  fs.mkdirSync(path.join(tree, 'arch', 'x86', 'boot'), { recursive: true });
  fs.copyFileSync(image.kernel, path.join(tree, 'arch', 'x86', 'boot', 'bzImage'));
  fs.writeFileSync(path.join(tree, '.config'), (await imageKernelConfig(image, 'amd64')).text);
  const modules = modulesDirOf(image, dir);
  return { tree, modules, release: image.kernelRelease };
}

/** The disk signature of yoctoExt4DeployDir's wic image: its one partition is PARTUUID=5EED1E16-01. */
export const WIC_DISK_SIGNATURE = 0x5eed1e16;

/** A disk image with an MBR and one Linux partition (from sector 2048) holding the file system image `fs`, as wic lays one out. */
function mbrDisk(fsImage: string, disk: string): void {
  const START = 2048;
  const content = fs.readFileSync(fsImage);
  const mbr = Buffer.alloc(512);
  mbr.writeUInt32LE(WIC_DISK_SIGNATURE, 440);
  mbr[446 + 4] = 0x83;
  mbr.writeUInt32LE(START, 446 + 8);
  mbr.writeUInt32LE(Math.ceil(content.length / 512), 446 + 12);
  mbr.writeUInt16LE(0xaa55, 510);
  fs.writeFileSync(disk, Buffer.concat([mbr, Buffer.alloc(START * 512 - 512), content]));
}

/**
 * Debian's arm64 kernel as `KERNEL_IMAGETYPE = "Image.gz"` leaves it: `DIR/Image.gz` (the image's
 * Image, gzip-compressed) and `DIR/modules` (lib/modules/<release> of the harness's aarch64 image).
 */
export async function arm64ImageGzDirs(dir: string): Promise<{ image: string; modules: string; release: string }> {
  const image = await prepareGuestImage(asQemuBoard(loadBoard('qemu-aarch64')), { progress: fs.createWriteStream('/dev/null') });
  fs.mkdirSync(dir, { recursive: true });
  const imageGz = path.join(dir, 'Image.gz');
  fs.writeFileSync(imageGz, zlib.gzipSync(fs.readFileSync(image.kernel)));
  const modules = modulesDirOf(image, dir);
  return { image: imageGz, modules, release: image.kernelRelease };
}

/**
 * `DIR` laid out as a Yocto deploy dir with a disk root: bzImage, modules-qemux86-64.tgz, an ext4
 * rootfs and runqemu's qemuboot.conf with qb_default_fstype ext4 and Yocto's QB_ROOTFS_OPT for
 * qemux86-64 (virtio-blk). Debian's kernel has virtio_blk and ext4 as modules: the harness's root
 * loader has to load them from the tgz. `wic`: the ext4 inside a partitioned disk image
 * (qb_default_fstype wic), the root named as wic images name it, by PARTUUID (qb_kernel_root).
 */
export async function yoctoExt4DeployDir(dir: string, options: { wic?: boolean } = {}): Promise<string> {
  const image = await x86Image();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-yocto-ext4-'));
  try {
    fs.mkdirSync(dir, { recursive: true });
    const link = 'core-image-minimal-qemux86-64.rootfs';
    fs.copyFileSync(image.kernel, path.join(dir, 'bzImage'));
    modulesTgz(image, path.join(dir, 'modules-qemux86-64.tgz'), work);
    const fstype = options.wic ? 'wic' : 'ext4';
    ext4Rootfs(image, options.wic ? path.join(work, 'root.ext4') : path.join(dir, `${link}.ext4`), work);
    if (options.wic) mbrDisk(path.join(work, 'root.ext4'), path.join(dir, `${link}.wic`));
    const root = options.wic ? `\nqb_kernel_root = PARTUUID=${WIC_DISK_SIGNATURE.toString(16).toUpperCase()}-01` : '';
    const conf = qemubootConf(fstype).replace(/^qb_kernel_root = .*\n/m, '').replace(/^(qb_default_fstype = .*)$/m, `$1\nqb_rootfs_opt = -drive id=disk0,file=@ROOTFS@,if=none,format=raw -device virtio-blk-pci,drive=disk0${root}`);
    fs.writeFileSync(path.join(dir, `${link}.qemuboot.conf`), conf);
    return dir;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The real core-image-minimal qemuboot.conf (test/fixtures/yocto) pointed at bzImage and a rootfs of this type. */
function qemubootConf(fstype: string): string {
  return fs
    .readFileSync(path.join(projectRoot, 'test', 'fixtures', 'yocto', 'qemux86-64.qemuboot.conf'), 'utf8')
    .replace(/^qb_default_fstype = .*$/m, `qb_default_fstype = ${fstype}`)
    .replace(/^qb_default_kernel = .*$/m, 'qb_default_kernel = bzImage')
    .replace(/^qb_mem = .*$/m, 'qb_mem = -m 1024')
    .replace(/^qb_smp = .*$/m, 'qb_smp = -smp 2');
}

/**
 * `DIR` laid out as a Yocto deploy dir (tmp/deploy/images/qemux86-64): runqemu's qemuboot.conf of a
 * real core-image-minimal (test/fixtures/yocto) pointed at bzImage and a cpio rootfs (yoctoExt4DeployDir: a disk root).
 */
export async function yoctoDeployDir(dir: string): Promise<string> {
  const image = await x86Image();
  fs.mkdirSync(dir, { recursive: true });
  const link = 'core-image-minimal-qemux86-64.rootfs';
  fs.copyFileSync(image.bootKernel, path.join(dir, 'bzImage'));
  await boardRootfsCpio(image, path.join(dir, `${link}.cpio`));
  fs.writeFileSync(path.join(dir, `${link}.qemuboot.conf`), qemubootConf('cpio'));
  return dir;
}
