/**
 * The initramfs staging tree: the root directories, busybox and its applet links, the selected
 * modules (decompressed, signatures stripped) with their modules.dep, the preload list and the init script.
 * When node was unpacked first (node-closure.ts), the finished root is checked to run it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../harness/core/paths.js';
import { execFile } from '../../harness/core/exec.js';
import { HarnessError } from '../../harness/core/errors.js';
import type { StepProgress } from '../../harness/core/progress.js';
import { installModule } from './kernel-tree.js';
import { DEBIAN_INTERPRETERS, type DebianArch } from '../apt/debian.js';
import type { ModuleSelection } from './module-selection.js';
import { rootLayoutProblems } from './root-layout.js';

export const guestInitScript = path.join(projectRoot, 'qemu', 'guest-init.sh');

/** busybox applets linked in /bin (or /sbin) of every image; image mode also needs env. */
const BASE_APPLETS = ['sh', 'mount', 'modprobe', 'insmod', 'lsmod', 'chroot', 'poweroff', 'cut', 'cat', 'echo', 'ls', 'dmesg', 'uname', 'sleep'];
const SBIN_APPLETS = ['modprobe', 'insmod', 'lsmod', 'poweroff'];

export function appletsFor(agentNode: 'host' | 'image'): string[] {
  return agentNode === 'image' ? [...BASE_APPLETS, 'env'] : BASE_APPLETS;
}

export interface InitramfsParts {
  kernelRelease: string;
  busyboxBinary: string;
  modules: ModuleSelection;
  agentNode: 'host' | 'image';
  arch: DebianArch;
  /** node was unpacked into the staging root: check it can run */
  withNode: boolean;
  /** the /init script (default: the harness's guest-init.sh) */
  init?: string;
}

function makeRootDirectories(staging: string, kernelRelease: string): void {
  for (const sub of ['bin', 'sbin', 'proc', 'sys', 'dev', 'host', 'tmp', 'etc/afalg', `lib/modules/${kernelRelease}`]) {
    fs.mkdirSync(path.join(staging, sub), { recursive: true });
  }
}

function installBusybox(staging: string, busyboxBinary: string, agentNode: 'host' | 'image'): void {
  fs.copyFileSync(busyboxBinary, path.join(staging, 'bin', 'busybox'));
  fs.chmodSync(path.join(staging, 'bin', 'busybox'), 0o755);
  for (const applet of appletsFor(agentNode)) {
    const link = path.join(staging, SBIN_APPLETS.includes(applet) ? 'sbin' : 'bin', applet);
    fs.rmSync(link, { force: true }); // busybox wins over anything a deb put there
    fs.symlinkSync('/bin/busybox', link);
  }
}

/** The selected modules uncompressed and without their signatures, the kernel's module lists, and a fresh modules.dep. */
async function installModules(staging: string, kernelRelease: string, modules: ModuleSelection): Promise<void> {
  const target = path.join(staging, 'lib', 'modules', kernelRelease);
  for (const file of modules.files) await installModule(path.join(modules.moduleRoot, file), target, file);
  for (const file of ['modules.order', 'modules.builtin', 'modules.builtin.modinfo']) {
    const source = path.join(modules.moduleRoot, file);
    if (fs.existsSync(source)) fs.copyFileSync(source, path.join(target, file));
  }
  await execFile('depmod', ['-b', staging, kernelRelease]);
}

function installInit(staging: string, preload: string[], init = guestInitScript): void {
  fs.writeFileSync(path.join(staging, 'etc', 'afalg', 'preload'), preload.join('\n') + '\n');
  fs.copyFileSync(init, path.join(staging, 'init'));
  fs.chmodSync(path.join(staging, 'init'), 0o755);
}

/** The build step: everything but node into the staging root. */
export async function assembleInitramfs(staging: string, parts: InitramfsParts, progress: StepProgress): Promise<void> {
  progress.next(`assembling the initramfs (busybox, modules, init${parts.withNode ? ', node' : ''})`);
  makeRootDirectories(staging, parts.kernelRelease);
  installBusybox(staging, parts.busyboxBinary, parts.agentNode);
  await installModules(staging, parts.kernelRelease, parts.modules);
  installInit(staging, parts.modules.preload, parts.init);
  if (parts.withNode) {
    const problems = rootLayoutProblems(staging, '/usr/bin/node', DEBIAN_INTERPRETERS[parts.arch]);
    if (problems.length > 0) throw new HarnessError(`the initramfs root is not usable: ${problems.join('; ')}`, 2);
  }
}
