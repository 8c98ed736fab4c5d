/**
 * A shell on the target, whatever carries it (an SSH exec channel, a logged-in serial console, a
 * local child process): run a command, write a file. Commands are argv arrays; every word is
 * quoted for the target's POSIX shell here and nowhere else, so no input is ever interpolated.
 */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface WriteFileOptions {
  /** file mode, e.g. 0o755 */
  mode?: number;
  onProgress?: (sent: number, total: number) => void;
}

export interface RemoteShell {
  /** e.g. `ssh root@127.0.0.1:2222`, `serial /dev/pts/3` (for messages) */
  readonly description: string;
  /** Run a command given as argv; resolves with its exit status and output (never rejects for a non-zero status). */
  run(argv: readonly string[], options?: { timeoutMs?: number }): Promise<CommandResult>;
  /** Create or replace a file on the target with exactly these bytes. */
  writeFile(remotePath: string, data: Buffer, options?: WriteFileOptions): Promise<void>;
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One word for a POSIX shell: as is when it is plainly safe, else in single quotes ('…'\''…'). */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one command line for a POSIX shell. */
export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('commandLine: empty argv');
  return argv.map(shellQuote).join(' ');
}
