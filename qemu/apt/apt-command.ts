/** Running apt and dpkg: the environment apt runs in, and the host's own architecture. */
import { spawn } from 'node:child_process';
import { execFile } from '../../harness/core/exec.js';
import { BadInputError } from '../../harness/core/errors.js';

/** apt's messages in English, never a question. */
export const APT_ENV = { ...process.env, LC_ALL: 'C', LANGUAGE: '', DEBIAN_FRONTEND: 'noninteractive' };

/** Run apt and keep its exit code and whole output (apt-get update fails softly in ways we judge). */
export function runApt(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: APT_ENV });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => reject(new BadInputError(`${command}: ${error.message} (install apt)`)));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

let hostArchMemo: string | undefined;

/** `dpkg --print-architecture` of this host. */
export async function hostDebianArch(): Promise<string> {
  if (hostArchMemo) return hostArchMemo;
  const { stdout } = await execFile('dpkg', ['--print-architecture']);
  hostArchMemo = stdout.trim();
  return hostArchMemo;
}
