/**
 * The unpacked kernel packages, whatever their generation: bookworm's linux-image-REL holds
 * /boot/vmlinuz-REL and /lib/modules/REL with plain .ko files; 7.x's split packages (linux-binary-,
 * linux-modules-, linux-base-REL, merged /usr) hold /usr/lib/modules/REL/vmlinuz and .ko.xz
 * modules. The image builder sees one layout: lib/modules/REL (what `depmod -b` reads), the vmlinuz
 * path, and modules installed uncompressed and unsigned (busybox's modprobe and insmod load plain
 * .ko files; the signature is inside the compressed file, so it is stripped after decompressing).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawn } from 'node:child_process';
import { HarnessError } from '../../harness/core/errors.js';
import { stripModuleSignature } from '../kernel-modules.js';

export interface KernelTree {
  kernelRelease: string;
  /** absolute path of the compressed kernel image */
  vmlinuz: string;
}

/** Module file compression suffixes and how each is undone. */
const COMPRESSED_MODULE = /\.ko\.(xz|zst|gz)$/;

/** "kernel/crypto/gcm.ko.xz" → "kernel/crypto/gcm.ko" (plain paths unchanged). */
export function plainModulePath(modulePath: string): string {
  return modulePath.replace(COMPRESSED_MODULE, '.ko');
}

/**
 * Find the release and vmlinuz in an unpacked kernel tree. A merged-/usr tree (usr/lib/modules) is
 * moved to lib/modules so that depmod -b finds it (the host's depmod may predate merged /usr).
 */
export function kernelTreeLayout(extracted: string, packageName: string): KernelTree {
  const legacy = path.join(extracted, 'lib', 'modules');
  const merged = path.join(extracted, 'usr', 'lib', 'modules');
  if (!fs.existsSync(legacy) && fs.existsSync(merged)) {
    fs.mkdirSync(path.dirname(legacy), { recursive: true });
    fs.renameSync(merged, legacy);
  }
  const releases = fs.existsSync(legacy) ? fs.readdirSync(legacy) : [];
  const kernelRelease = releases[0];
  if (releases.length !== 1 || !kernelRelease) {
    throw new HarnessError(`${packageName}: expected one (usr/)lib/modules/<release>, found ${releases.join(', ') || 'none'}`, 2);
  }
  const candidates = [path.join(legacy, kernelRelease, 'vmlinuz'), path.join(extracted, 'boot', `vmlinuz-${kernelRelease}`)];
  const vmlinuz = candidates.find((file) => fs.existsSync(file));
  if (!vmlinuz) throw new HarnessError(`${packageName}: no vmlinuz (looked for lib/modules/${kernelRelease}/vmlinuz and boot/vmlinuz-${kernelRelease})`, 2);
  return { kernelRelease, vmlinuz };
}

/** Run `tool -d -c -q source` with its output going to a file (binary output, no pipe to decode). */
function decompressToFile(tool: string, source: string, output: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const outFd = fs.openSync(output, 'w');
    const child = spawn(tool, ['-d', '-c', '-q', source], { stdio: ['ignore', outFd, 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => {
      fs.closeSync(outFd);
      reject(new HarnessError(`${tool}: ${error.message} (needed for ${path.basename(source)})`, 2));
    });
    child.on('close', (code) => {
      fs.closeSync(outFd);
      if (code === 0) resolve();
      else reject(new HarnessError(`${tool} -d ${source} failed (exit ${code}): ${stderr.trim()}`, 2));
    });
  });
}

async function decompressedModule(source: string): Promise<Buffer> {
  const kind = COMPRESSED_MODULE.exec(source)?.[1];
  if (!kind) return fs.readFileSync(source);
  if (kind === 'gz') return zlib.gunzipSync(fs.readFileSync(source));
  const scratch = `${source}.tmp-${process.pid}`;
  try {
    await decompressToFile(kind === 'xz' ? 'xz' : 'zstd', source, scratch);
    return fs.readFileSync(scratch);
  } finally {
    fs.rmSync(scratch, { force: true });
  }
}

/** Copy one module (relative path `modulePath` under moduleRoot) to destRoot, uncompressed and unsigned. */
export async function installModule(source: string, destRoot: string, modulePath: string): Promise<void> {
  const target = path.join(destRoot, plainModulePath(modulePath));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, stripModuleSignature(await decompressedModule(source)));
}
