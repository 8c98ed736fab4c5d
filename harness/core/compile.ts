/**
 * Building a C program for a target with a given compiler (the C reference loop, the native agent,
 * its tests): run the compiler, keep its output, and name the first error in one line.
 */
import { spawn } from 'node:child_process';

export interface CompileResult {
  code: number | null;
  stderr: string;
  /** the compiler could not be started (ENOENT) */
  missing: boolean;
}

/** Run the compiler; unlike exec.ts's execFile, the failure's stderr is kept whole for the message. */
export function compile(cc: string, args: string[]): Promise<CompileResult> {
  return new Promise((resolve) => {
    const child = spawn(cc, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: null, stderr: error.message, missing: error.code === 'ENOENT' }));
    child.on('close', (code) => resolve({ code, stderr: Buffer.concat(err).toString('utf8'), missing: false }));
  });
}

/** The first line that reports an error (gcc opens with "In function ..."), else the first line. */
export function firstErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  return lines.find((line) => /\berror\b/i.test(line)) ?? lines[0] ?? '';
}
