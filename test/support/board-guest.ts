/**
 * The qemu-x86_64 guest playing a real board, for the serial and SSH transport tests: a login on a
 * second serial port exposed as a host pty (root, random password), dropbear behind user-mode
 * networking on a loopback port (a fresh ed25519 key), node on PATH, and no agent — the harness
 * must log in, upload its agent and start it, as on hardware. Nothing about AF_ALG is faked: the
 * kernel is the same Debian kernel the qemu transport boots.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import ssh2 from 'ssh2';
import { asQemuBoard, loadBoard } from '../../harness/board/board.js';
import { prepareGuestImage } from '../../qemu/guest-image.js';
import { qemuArgs } from '../../qemu/qemu-command.js';
import { cacheDir } from '../../harness/core/paths.js';
import { execFile } from '../../harness/core/exec.js';

export interface BoardGuest {
  /** the host end of the guest's ttyS1 */
  ptyPath: string;
  sshPort: number;
  password: string;
  /** OpenSSH private key file whose public half the guest's root accepts */
  keyFile: string;
  /** everything QEMU and the guest's console printed so far */
  console(): string;
  kill(): void;
  /** resolves when QEMU has exited */
  exited: Promise<void>;
}

/** dropbear runs sftp as /usr/lib/sftp-server: OpenSSH's, from openssh-sftp-server */
const DROPBEAR_PACKAGES = ['dropbear-bin', 'libtomcrypt1', 'libtommath1', 'openssh-sftp-server'];

/** Debian's dropbear and the libraries the host lacks, unpacked once into the cache (never installed). */
export async function dropbearRoot(): Promise<string> {
  const root = cacheDir('dropbear', 'root');
  if (fs.existsSync(path.join(root, 'usr', 'lib', 'openssh', 'sftp-server'))) return root;
  fs.rmSync(root, { recursive: true, force: true });
  const downloads = cacheDir('dropbear', 'debs');
  fs.mkdirSync(downloads, { recursive: true });
  await execFile('apt-get', ['download', ...DROPBEAR_PACKAGES], { cwd: downloads });
  const unpacking = `${root}.tmp-${process.pid}`;
  fs.mkdirSync(unpacking, { recursive: true });
  for (const deb of fs.readdirSync(downloads).filter((file) => file.endsWith('.deb'))) await execFile('dpkg-deb', ['-x', path.join(downloads, deb), unpacking]);
  fs.renameSync(unpacking, root);
  return root;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface BoardGuestOptions {
  timeoutMs?: number;
  /** false: a busybox-only board, no node on PATH (afalg_board_node=none) */
  node?: boolean;
  /** false: no dropbear, so nothing of the host is mounted (no 9p) */
  ssh?: boolean;
}

export async function startBoardGuest(options: BoardGuestOptions = {}): Promise<BoardGuest> {
  const board = asQemuBoard(loadBoard('qemu-x86_64'));
  const image = await prepareGuestImage(board, { progress: fs.createWriteStream('/dev/null') });
  const dropbear = await dropbearRoot();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-board-guest-'));
  // ssh2 sometimes writes an ed25519 key its own parser rejects ("Malformed OpenSSH private key",
  // about 1 in 20 here): draw again until it reads back
  let keys = ssh2.utils.generateKeyPairSync('ed25519');
  for (let attempt = 0; attempt < 20 && ssh2.utils.parseKey(keys.private) instanceof Error; attempt++) keys = ssh2.utils.generateKeyPairSync('ed25519');
  const keyFile = path.join(work, 'id_ed25519');
  fs.writeFileSync(keyFile, keys.private, { mode: 0o600 });
  const publicBlob = keys.public.trim().split(/\s+/)[1] ?? '';
  // always beginning with '-': the shape busybox's mkpasswd once took for an option, leaving root
  // without a password (1 run in 64 let a wrong password in)
  const password = `-${crypto.randomBytes(9).toString('base64url')}`;
  const sshPort = await freePort();
  const args = qemuArgs(board, image, {
    accel: 'tcg',
    agentSocket: path.join(work, 'unused-agent.sock'),
    nodePath: fs.realpathSync(process.execPath),
    agentScript: '/nonexistent',
    mode: 'board',
    extraKernelArgs: [
      `afalg_password=${password}`,
      ...(options.ssh !== false ? [`afalg_authkey=${publicBlob}`, `afalg_dropbear=${dropbear}`] : []),
      `afalg_loader=${fs.realpathSync('/lib64/ld-linux-x86-64.so.2')}`,
      ...(options.node === false ? ['afalg_board_node=none'] : []),
    ],
    extraQemuArgs: ['-serial', 'pty', '-netdev', `user,id=n0,hostfwd=tcp:127.0.0.1:${sshPort}-:22`, '-device', 'virtio-net-pci,netdev=n0'],
  });
  const child: ChildProcess = spawn(board.qemu.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fs.rmSync(work, { recursive: true, force: true });
  };
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the board guest was not ready within ${(options.timeoutMs ?? 90_000) / 1000} s:\n${output.slice(-2000)}`)), options.timeoutMs ?? 90_000);
    const look = (chunk: Buffer): void => {
      output += chunk.toString();
      const pty = /char device redirected to (\/dev\/pts\/\d+) \(label serial1\)/.exec(output)?.[1];
      if (pty && /afalg-init: \S+ board-ready/.test(output)) {
        clearTimeout(timer);
        resolve(pty);
      }
      if (/afalg-init: \S+ error/.test(output)) {
        clearTimeout(timer);
        reject(new Error(`the board guest failed:\n${output.slice(-2000)}`));
      }
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`QEMU exited before the board guest was ready:\n${output.slice(-2000)}`));
    });
  });
  try {
    const ptyPath = await ready;
    return { ptyPath, sshPort, password, keyFile, console: () => output, kill, exited };
  } catch (error) {
    kill();
    throw error;
  }
}
