/**
 * A shell on a serial console (serialport), as labgrid separates the layers:
 *   a byte stream (the port)  →  a shell on it (log in, run commands, write files in base64).
 * The agent on the port is the target's business (harness/targets/serial-target.ts).
 * Lines that are not a command's output (kernel messages, echoes) go to the console lines;
 * `dmesg -n 1` keeps the kernel quiet on the console to begin with.
 * The password comes from the environment variable the board file names and is written to the
 * port only: never logged, never in an error, never in a report.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { promisify } from 'node:util';
import { SerialPort } from 'serialport';
import { timeoutsOf, type Board, type SerialBoardConfig } from '../board/board.js';
import { BadInputError, TargetError } from '../core/errors.js';
import { serialWriteFile } from '../deploy/serial-upload.js';
import { commandLine, type CommandResult, type RemoteShell, type WriteFileOptions } from './remote-shell.js';

const execFile = promisify(execFileCallback);
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1bc/g;
/** The start of a control sequence at the end of a chunk, completed by the next one. */
const PARTIAL_ANSI = /\x1b(?:\[[0-9;?]*|[()])?$/;
const RESULT_MARK = '@afalg-rc@';

/**
 * A chunk read from the port without terminal control sequences: `pending` (the unfinished sequence
 * the last chunk ended with) comes first, and an unfinished one at this chunk's end is kept for the
 * next. Stripping each chunk alone left busybox ash's cursor query (ESC [6n after its prompt) in the
 * text when the port split it, and the prompt then never matched.
 */
export function withoutTerminalControls(pending: string, chunk: string): { text: string; pending: string } {
  const incoming = pending + chunk;
  const partial = PARTIAL_ANSI.exec(incoming);
  const complete = partial ? incoming.slice(0, partial.index) : incoming;
  return { text: complete.replace(ANSI, ''), pending: partial ? partial[0] : '' };
}

/** What arrives on the port, without terminal control sequences, matched against patterns. */
class PortReader {
  private text = '';
  private pendingControl = '';
  private waiters: Array<() => void> = [];
  private closedWith: string | undefined;

  /** @param onLine gets each line read so far when the reader forgets it (console diagnostics) */
  constructor(private readonly onLine: (line: string) => void) {}

  readonly push = (chunk: Buffer): void => {
    const { text, pending } = withoutTerminalControls(this.pendingControl, chunk.toString('utf8'));
    this.pendingControl = pending;
    this.text += text;
    // a console that never stops talking must not grow without bound
    if (this.text.length > 1 << 20) this.text = this.text.slice(-(1 << 16));
    for (const waiter of [...this.waiters]) waiter();
  };

  close(reason: string): void {
    this.closedWith = reason;
    for (const waiter of this.waiters) waiter();
  }

  /** Forget what was read so far (the next wait looks only at new output). */
  reset(): void {
    for (const line of this.text.split(/\r?\n/)) if (line.trim()) this.onLine(line);
    this.text = '';
  }

  /** Wait until one of the patterns matches the output so far; resolves with its index and the output. */
  waitFor(patterns: readonly RegExp[], timeoutMs: number, what: string): Promise<{ index: number; match: RegExpExecArray; text: string }> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (let index = 0; index < patterns.length; index++) {
          const match = (patterns[index] as RegExp).exec(this.text);
          if (match) {
            finish();
            resolve({ index, match, text: this.text });
            return true;
          }
        }
        if (this.closedWith) {
          finish();
          reject(new TargetError(`${what}: ${this.closedWith}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        const tail = this.text.split(/\r?\n/).filter((line) => line.trim()).slice(-5);
        reject(new TargetError(`${what}: nothing matched within ${Math.round(timeoutMs / 1000)} s`, tail.length > 0 ? ['last lines on the console:', ...tail.map((line) => `  | ${line}`)] : []));
      }, timeoutMs);
      const waiter = (): void => void check();
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((other) => other !== waiter);
      };
      this.waiters.push(waiter);
      check();
    });
  }
}

function regex(source: string, field: string, board: Board): RegExp {
  try {
    return new RegExp(source, 'm');
  } catch (error) {
    throw new BadInputError(`${board.file}: field '${field}': not a regular expression: ${(error as Error).message}`);
  }
}

/** The password named by the board file, read from the environment (never from the file itself). */
export function serialPassword(board: Board, config: SerialBoardConfig): string | undefined {
  const name = config.login.passwordEnv;
  if (name === undefined) return undefined;
  const value = process.env[name];
  if (value === undefined) throw new BadInputError(`${board.file}: '/serial/login/passwordEnv' names $${name}, which is not set: export ${name}=… before the run`);
  return value;
}

/** Console lines for uploads: well under the 4095 characters of a canonical-mode tty line. */
const UPLOAD_LINE_CHARS = 2048;

export class SerialShell implements RemoteShell {
  readonly description: string;
  private sequence = 0;
  private gunzip: boolean | undefined;

  private constructor(
    readonly port: SerialPort,
    private readonly reader: PortReader,
    private readonly board: Board,
    private readonly config: SerialBoardConfig,
  ) {
    this.description = `serial ${config.device}`;
  }

  /**
   * Power-cycle the board (when its file says how) and open its port; not logged in yet. Every
   * line read on the port goes to `onLine` (console diagnostics).
   */
  static async open(board: Board, config: SerialBoardConfig, onLine: (line: string) => void, out: NodeJS.WritableStream): Promise<SerialShell> {
    if (config.powerCycle) {
      out.write(`power-cycling ${board.name}: ${config.powerCycle.join(' ')}\n`);
      const [command, ...args] = config.powerCycle;
      await execFile(command as string, args).catch((error: Error) => {
        throw new TargetError(`${board.file}: '/serial/powerCycle' failed: ${error.message}`);
      });
    }
    const port = await new Promise<SerialPort>((resolve, reject) => {
      const opened: SerialPort = new SerialPort({ path: config.device, baudRate: config.baudRate }, (error) =>
        error ? reject(new TargetError(`cannot open ${config.device} for ${board.name}: ${error.message}`)) : resolve(opened),
      );
    });
    const reader = new PortReader(onLine);
    port.on('data', reader.push);
    port.on('close', () => reader.close('the serial port closed'));
    port.on('error', (error: Error) => reader.close(`the serial port failed: ${error.message}`));
    return new SerialShell(port, reader, board, config);
  }

  /** Log in with `password` (or find a shell already open) and make the shell quiet and predictable. */
  login(password: string | undefined): Promise<void> {
    return login(this.board, this.config, this.port, this.reader, password);
  }

  /**
   * Start `argv` in place of the shell on a raw tty: from here the port is the program's byte
   * stream, no longer read as a shell's output.
   */
  execRaw(argv: readonly string[]): void {
    this.reader.reset();
    this.port.off('data', this.reader.push);
    this.port.write(`stty raw -echo; exec ${commandLine(argv)}\r`);
  }

  close(): void {
    if (this.port.isOpen) this.port.close();
  }

  /** Run one shell command line (stdout and stderr together) and read its exit status after a marker. */
  async runLine(line: string, timeoutMs = 60_000): Promise<CommandResult> {
    const id = ++this.sequence;
    this.reader.reset();
    // the marker is printed by echo, so the (unechoed) command line cannot contain its expansion
    this.port.write(`{ ${line} ; } 2>&1; echo "${RESULT_MARK}${id}@$?@"\r`);
    const { match, text } = await this.reader.waitFor([new RegExp(`${RESULT_MARK}${id}@(\\d+)@`)], timeoutMs, `${this.description}: ${line.slice(0, 60)}`);
    const stdout = text.slice(0, match.index).replace(/\r\n/g, '\n').replace(/^\n+/, '');
    this.reader.reset();
    return { code: Number(match[1]), stdout, stderr: '' };
  }

  run(argv: readonly string[], options: { timeoutMs?: number } = {}): Promise<CommandResult> {
    return this.runLine(commandLine(argv), options.timeoutMs);
  }

  async writeFile(remotePath: string, data: Buffer, options: WriteFileOptions = {}): Promise<void> {
    this.gunzip ??= (await this.runLine('command -v gunzip >/dev/null')).code === 0;
    return serialWriteFile((line) => this.runLine(line), remotePath, data, { ...options, gzip: this.gunzip, maxLineChars: UPLOAD_LINE_CHARS });
  }
}

/** Log in on the console (or find a shell already open), then make the shell quiet and predictable. */
async function login(board: Board, config: SerialBoardConfig, port: SerialPort, reader: PortReader, password: string | undefined): Promise<void> {
  // after a power cycle the board boots first: bootSec on top of loginSec
  const timeouts = timeoutsOf(board);
  const loginSec = timeouts.loginSec + (config.powerCycle ? timeouts.bootSec : 0);
  const loginPrompt = regex(config.login.loginPrompt ?? 'login: ?$', '/serial/login/loginPrompt', board);
  const passwordPrompt = regex(config.login.passwordPrompt ?? '[Pp]assword: ?$', '/serial/login/passwordPrompt', board);
  const shellPrompt = regex(config.prompt, '/serial/prompt', board);
  const refused = /Login incorrect|Permission denied|Authentication failure/;
  const where = `${board.name} on ${config.device}`;
  const deadline = Date.now() + loginSec * 1000;
  let sentUser = false;
  let sentPassword = false;
  reader.reset();
  port.write('\r');
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new TargetError(`${where}: no shell prompt within ${loginSec} s (log in by hand once to check the board file's prompts)`);
    const { index } = await reader.waitFor([refused, passwordPrompt, loginPrompt, shellPrompt], left, `${where}: waiting for a login or shell prompt`);
    if (index === 0) {
      // a wrong password: one clear error, no second attempt (boards lock accounts, and it will not get better)
      throw new TargetError(`${where}: login as ${config.login.user} refused (wrong password in $${config.login.passwordEnv ?? '?'}, or the account is locked)`);
    }
    if (index === 1) {
      if (password === undefined) throw new BadInputError(`${board.file}: ${where} asks for a password: name the environment variable that holds it in '/serial/login/passwordEnv'`);
      if (sentPassword) throw new TargetError(`${where}: login as ${config.login.user} refused (asked for the password again)`);
      reader.reset();
      port.write(`${password}\r`);
      sentPassword = true;
      continue;
    }
    if (index === 2) {
      if (sentUser && sentPassword) throw new TargetError(`${where}: login as ${config.login.user} refused (back at the login prompt)`);
      reader.reset();
      port.write(`${config.login.user}\r`);
      sentUser = true;
      continue;
    }
    break;
  }
  // no echo, no prompt, kernel messages off the console: command output is exactly what commands print
  reader.reset();
  // the echo of this line (echo is still on while it is typed) must not look like its output: "" splits the marker
  port.write(`stty -echo; PS1=''; PS2=''; dmesg -n 1 2>/dev/null; echo "${RESULT_MARK}0@""ready@"\r`);
  await reader.waitFor([new RegExp(`${RESULT_MARK}0@ready@`)], 20_000, `${where}: setting up the shell`);
  reader.reset();
}
