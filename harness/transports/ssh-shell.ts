/**
 * A shell over SSH (ssh2): commands run on exec channels, files go over sftp (or through cat where
 * the server has no sftp). Key login from a key file or the SSH agent; the host key is checked when
 * the board file pins it. The agent on the connection is the target's business
 * (harness/targets/ssh-target.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import crypto from 'node:crypto';
import ssh2 from 'ssh2';
import type { Board, SshBoardConfig } from '../board/board.js';
import { BadInputError, TargetError } from '../core/errors.js';
import { commandLine, type CommandResult, type RemoteShell, type WriteFileOptions } from './remote-shell.js';

const CONNECT_RETRY_MS = 1000;

function expandHome(file: string): string {
  return file.startsWith('~/') ? `${os.homedir()}${file.slice(1)}` : file;
}

/** The SHA256 fingerprint of a host key as ssh-keygen -l prints it. */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${crypto.createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

function connectOptions(board: Board, config: SshBoardConfig): ssh2.ConnectConfig {
  const options: ssh2.ConnectConfig = { host: config.host, port: config.port ?? 22, username: config.user, readyTimeout: 20_000, keepaliveInterval: 5_000, keepaliveCountMax: 3 };
  if (config.keyFile) {
    const file = expandHome(config.keyFile);
    try {
      options.privateKey = fs.readFileSync(file);
    } catch (error) {
      throw new BadInputError(`${board.file}: field '/ssh/keyFile': cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  } else if (process.env.SSH_AUTH_SOCK) {
    options.agent = process.env.SSH_AUTH_SOCK;
  } else {
    throw new BadInputError(`${board.file}: no '/ssh/keyFile' and no SSH agent ($SSH_AUTH_SOCK is not set): give a key file or start ssh-agent`);
  }
  if (config.hostKeySha256) {
    const pinned = config.hostKeySha256.replace(/=+$/, '');
    options.hostVerifier = (key: Buffer) => hostKeyFingerprint(key) === pinned;
  }
  return options;
}

/** Connect, retrying while the board is still booting (connection refused or reset) until the deadline. */
async function connect(board: Board, options: ssh2.ConnectConfig, deadline: number): Promise<ssh2.Client> {
  let lastError = '';
  while (Date.now() < deadline) {
    const client = new ssh2.Client();
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('ready', resolve);
        client.once('error', reject);
        client.connect(options);
      });
      return client;
    } catch (error) {
      client.end();
      const err = error as Error & { level?: string; code?: string };
      lastError = err.message;
      // a refused login or a wrong host key will not get better: one clear error, no retry storm
      if (err.level === 'client-authentication') throw new TargetError(`ssh ${options.username}@${options.host}:${options.port}: login refused (${err.message}); check '/ssh/user' and the key in ${board.file}`);
      if (/host key|Host denied/i.test(err.message)) throw new TargetError(`ssh ${options.host}:${options.port}: the host key does not match '/ssh/hostKeySha256' in ${board.file}`);
      await new Promise((resolve) => setTimeout(resolve, CONNECT_RETRY_MS));
    }
  }
  throw new TargetError(`ssh ${options.username}@${options.host}:${options.port}: no connection (${lastError || 'timed out'})`);
}

export class SshShell implements RemoteShell {
  readonly description: string;
  private sftpSession: ssh2.SFTPWrapper | undefined;

  private constructor(
    private readonly client: ssh2.Client,
    config: SshBoardConfig,
  ) {
    this.description = `ssh ${config.user}@${config.host}:${config.port ?? 22}`;
  }

  /** Connect and log in, retrying while the board is still booting, for up to `timeoutMs`. */
  static async connect(board: Board, config: SshBoardConfig, timeoutMs: number): Promise<SshShell> {
    const client = await connect(board, connectOptions(board, config), Date.now() + timeoutMs);
    return new SshShell(client, config);
  }

  /** Start `argv` on an exec channel of its own: its stdin and stdout are the channel, its stderr the channel's stderr. */
  exec(argv: readonly string[], what = argv[0]): Promise<ssh2.ClientChannel> {
    return new Promise((resolve, reject) =>
      this.client.exec(commandLine(argv), (error, stream) => (error ? reject(new TargetError(`${this.description}: cannot start ${what}: ${error.message}`)) : resolve(stream))),
    );
  }

  close(): void {
    this.client.end();
  }

  run(argv: readonly string[], options: { timeoutMs?: number } = {}): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(commandLine(argv), (error, channel) => {
        if (error) return reject(new TargetError(`${this.description}: cannot run ${argv[0]}: ${error.message}`));
        let stdout = '';
        let stderr = '';
        const timer = options.timeoutMs
          ? setTimeout(() => {
              channel.close();
              reject(new TargetError(`${this.description}: ${argv[0]} did not finish within ${Math.round((options.timeoutMs ?? 0) / 1000)} s`));
            }, options.timeoutMs)
          : undefined;
        channel.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        channel.on('close', (code: number | null) => {
          clearTimeout(timer);
          resolve({ code: code ?? -1, stdout, stderr });
        });
      });
    });
  }

  /** `cat > path` on an exec channel, the file's bytes on its stdin (the path is an argument, never code). */
  private writeThroughExec(remotePath: string, data: Buffer, options: WriteFileOptions): Promise<void> {
    const argv = ['sh', '-c', 'cat > "$1" && chmod "$2" "$1"', 'afalg-write', remotePath, (options.mode ?? 0o644).toString(8)];
    return new Promise((resolve, reject) => {
      this.client.exec(commandLine(argv), (error, channel) => {
        if (error) return reject(new TargetError(`${this.description}: write ${remotePath}: ${error.message}`));
        let stderr = '';
        channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        channel.on('close', (code: number | null) =>
          code === 0 ? resolve() : reject(new TargetError(`${this.description}: write ${remotePath}: ${stderr.trim() || `exit ${code}`}`)),
        );
        const chunk = 64 * 1024;
        for (let offset = 0; offset < data.length; offset += chunk) {
          channel.write(data.subarray(offset, offset + chunk));
          options.onProgress?.(Math.min(offset + chunk, data.length), data.length);
        }
        channel.end();
      });
    });
  }

  private sftp(): Promise<ssh2.SFTPWrapper> {
    if (this.sftpSession) return Promise.resolve(this.sftpSession);
    return new Promise((resolve, reject) =>
      this.client.sftp((error, sftp) => {
        if (error) return reject(new TargetError(`${this.description}: no sftp subsystem: ${error.message}`));
        this.sftpSession = sftp;
        resolve(sftp);
      }),
    );
  }

  async writeFile(remotePath: string, data: Buffer, options: WriteFileOptions = {}): Promise<void> {
    let sftp: ssh2.SFTPWrapper;
    try {
      sftp = await this.sftp();
    } catch {
      // many embedded SSH servers (dropbear without sftp-server) have no sftp: stream through cat
      return this.writeThroughExec(remotePath, data, options);
    }
    await new Promise<void>((resolve, reject) => {
      const stream = sftp.createWriteStream(remotePath, { mode: options.mode ?? 0o644 });
      stream.on('error', (error: Error) => reject(new TargetError(`${this.description}: write ${remotePath}: ${error.message}`)));
      stream.on('close', () => resolve());
      const chunk = 64 * 1024;
      let offset = 0;
      const pump = (): void => {
        while (offset < data.length) {
          const piece = data.subarray(offset, offset + chunk);
          offset += piece.length;
          options.onProgress?.(offset, data.length);
          if (!stream.write(piece)) {
            stream.once('drain', pump);
            return;
          }
        }
        stream.end();
      };
      pump();
    });
    if (options.mode !== undefined) {
      await new Promise<void>((resolve, reject) => sftp.chmod(remotePath, options.mode as number, (error) => (error ? reject(new TargetError(`${this.description}: chmod ${remotePath}: ${error.message}`)) : resolve())));
    }
  }
}
