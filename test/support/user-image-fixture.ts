/**
 * A user's image built from the harness's own guest-image pieces, for the `--board buildroot:DIR`
 * and `yocto:DIR` tests: the Debian kernel (bzImage) and a busybox root file system whose init
 * loads the crypto modules and runs a getty on the console (root, empty password, as Yocto's
 * debug-tweaks and Buildroot's default) — no node anywhere, nothing mounted from the host.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asQemuBoard, loadBoard } from '../../harness/board/board.js';
import { prepareGuestImage, type GuestImage } from '../../qemu/guest-image.js';
import { writeCpio } from '../../qemu/image/cpio-writer.js';
import { projectRoot } from '../../harness/core/paths.js';

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

/**
 * `DIR` laid out as a Yocto deploy dir (tmp/deploy/images/qemux86-64): runqemu's qemuboot.conf of a
 * real core-image-minimal (test/fixtures/yocto) pointed at bzImage and a cpio rootfs. Not ext4: the
 * Debian kernel has virtio_blk and ext4 as modules, so it cannot mount a disk root without an initramfs.
 */
export async function yoctoDeployDir(dir: string): Promise<string> {
  const image = await x86Image();
  fs.mkdirSync(dir, { recursive: true });
  const link = 'core-image-minimal-qemux86-64.rootfs';
  fs.copyFileSync(image.bootKernel, path.join(dir, 'bzImage'));
  await boardRootfsCpio(image, path.join(dir, `${link}.cpio`));
  const conf = fs
    .readFileSync(path.join(projectRoot, 'test', 'fixtures', 'yocto', 'qemux86-64.qemuboot.conf'), 'utf8')
    .replace(/^qb_default_fstype = .*$/m, 'qb_default_fstype = cpio')
    .replace(/^qb_default_kernel = .*$/m, 'qb_default_kernel = bzImage')
    .replace(/^qb_mem = .*$/m, 'qb_mem = -m 1024')
    .replace(/^qb_smp = .*$/m, 'qb_smp = -smp 2');
  fs.writeFileSync(path.join(dir, `${link}.qemuboot.conf`), conf);
  return dir;
}
