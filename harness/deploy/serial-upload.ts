/**
 * writeFile for a shell that is only a console (a logged-in serial line): the bytes go as base64
 * text, a bounded line at a time appended to `<path>.b64`, then `base64 -d` turns it into the file
 * and sha256sum proves it arrived intact. Console lines stay short (tty line buffers, line editors
 * and slow UARTs drop or mangle long ones); base64 needs no quoting.
 */
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { CommandResult, WriteFileOptions } from '../transports/remote-shell.js';
import { shellQuote } from '../transports/remote-shell.js';
import { DeployError } from './deploy-agent.js';

/** Runs one shell command line on the console; resolves with its output and exit status. */
export type RunLine = (commandLine: string) => Promise<CommandResult>;

export interface SerialWriteOptions extends WriteFileOptions {
  /** longest command line sent, default 512 characters */
  maxLineChars?: number;
  /** the target has gunzip: send the bytes gzipped (koffi.node shrinks 3.5×) */
  gzip?: boolean;
}

export const DEFAULT_MAX_LINE_CHARS = 512;

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}

/** The lines serialWriteFile sends to append `base64` to `b64Path` (each at most maxLineChars). */
export function base64AppendLines(b64Path: string, base64: string, maxLineChars = DEFAULT_MAX_LINE_CHARS): Array<{ line: string; chars: number }> {
  const prefix = `printf ${shellQuote('%s\\n')} `;
  const suffix = ` >> ${shellQuote(b64Path)}`;
  // whole base64 quads per line, so that every line of the .b64 file is valid base64 on its own
  const room = Math.floor((maxLineChars - prefix.length - suffix.length) / 4) * 4;
  if (room < 64) throw new DeployError(`cannot upload ${b64Path} over the console: its path is too long for ${maxLineChars}-character command lines`);
  const lines: Array<{ line: string; chars: number }> = [];
  for (let at = 0; at < base64.length; at += room) {
    const chunk = base64.slice(at, at + room);
    lines.push({ line: `${prefix}${chunk}${suffix}`, chars: chunk.length });
  }
  return lines;
}

export async function serialWriteFile(runLine: RunLine, remotePath: string, data: Buffer, options: SerialWriteOptions = {}): Promise<void> {
  const b64Path = `${remotePath}.b64`;
  const quoted = shellQuote(remotePath);
  const quotedB64 = shellQuote(b64Path);
  const run = async (line: string, what: string): Promise<CommandResult> => {
    const result = await runLine(line);
    if (result.code !== 0) {
      throw new DeployError(`upload of ${remotePath} over the console failed: ${what} exited ${result.code}${firstLine(result.stderr || result.stdout) ? `: ${firstLine(result.stderr || result.stdout)}` : ''}`);
    }
    return result;
  };

  const base64 = (options.gzip ? zlib.gzipSync(data, { level: 9 }) : data).toString('base64');
  const lines = base64AppendLines(b64Path, base64, options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS);
  await run(`: > ${quotedB64}`, `creating ${b64Path}`);
  options.onProgress?.(0, data.length);
  let chars = 0;
  for (const { line, chars: lineChars } of lines) {
    await run(line, `appending to ${b64Path}`);
    chars += lineChars;
    options.onProgress?.(Math.min(data.length, Math.floor((chars * 3) / 4)), data.length);
  }
  const decode = await runLine(options.gzip ? `base64 -d ${quotedB64} | gunzip > ${quoted}` : `base64 -d ${quotedB64} > ${quoted}`);
  if (decode.code !== 0) {
    const missing = decode.code === 127 ? ' (the target has no base64: enable it in busybox or install coreutils)' : '';
    throw new DeployError(`upload of ${remotePath} over the console failed: base64 -d exited ${decode.code}${missing}${firstLine(decode.stderr || decode.stdout) ? `: ${firstLine(decode.stderr || decode.stdout)}` : ''}`);
  }
  await run(`rm -f ${quotedB64}`, `removing ${b64Path}`);
  if (options.mode !== undefined) await run(`chmod ${(options.mode & 0o7777).toString(8)} ${quoted}`, 'chmod');
  const check = await run(`sha256sum ${quoted}`, 'sha256sum');
  const remoteHash = check.stdout.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  const localHash = crypto.createHash('sha256').update(data).digest('hex');
  if (remoteHash !== localHash) {
    throw new DeployError(`upload of ${remotePath} over the console was corrupted (sha256 ${remoteHash.slice(0, 16) || 'none'}… ≠ ${localHash.slice(0, 16)}…)`);
  }
  options.onProgress?.(data.length, data.length);
}
