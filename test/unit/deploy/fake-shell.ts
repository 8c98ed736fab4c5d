/**
 * A RemoteShell for tests that really runs what a target's POSIX shell would: every argv goes
 * through commandLine() to /bin/sh -c on this host, so quoting mistakes show up as real failures.
 * Paths are absolute paths inside a test's temp dir.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import type { CommandResult, RemoteShell, WriteFileOptions } from '../../../harness/transports/remote-shell.js';
import { commandLine } from '../../../harness/transports/remote-shell.js';

/** Runs one command line with /bin/sh; never rejects for a non-zero status. */
export function shLine(line: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', line], { encoding: 'utf8', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

export class FakeShell implements RemoteShell {
  readonly description = 'fake /bin/sh';
  readonly commands: string[][] = [];
  readonly writes: string[] = [];
  /** flip a byte of the files this matches, as a broken link would */
  corrupt: ((remotePath: string) => boolean) | undefined;

  run(argv: readonly string[]): Promise<CommandResult> {
    this.commands.push([...argv]);
    return shLine(commandLine(argv));
  }

  async writeFile(remotePath: string, data: Buffer, options: WriteFileOptions = {}): Promise<void> {
    this.writes.push(remotePath);
    let bytes = data;
    if (this.corrupt?.(remotePath) && data.length > 0) {
      bytes = Buffer.from(data);
      const at = Math.floor(bytes.length / 2);
      bytes[at] = (bytes[at] as number) ^ 0x01;
    }
    const step = 4096;
    for (let sent = 0; sent < bytes.length; sent += step) options.onProgress?.(sent, bytes.length);
    fs.writeFileSync(remotePath, bytes);
    if (options.mode !== undefined) fs.chmodSync(remotePath, options.mode);
    options.onProgress?.(bytes.length, bytes.length);
  }
}
