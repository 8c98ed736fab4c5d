/** Running host programs: argument vectors only, never a shell, so no input is ever re-parsed. */
import { spawn, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError, HarnessError } from './errors.js';

export interface ExecResult {
  stdout: string;
  stderr: string;
}

export function execFile(command: string, args: string[], options: SpawnOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new HarnessError(`${command}: ${error.message}`, 2)));
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve({ stdout, stderr });
      else {
        const tail = stderr.trim().split('\n').slice(-3).join(' | ');
        reject(new HarnessError(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${tail}`, 2));
      }
    });
  });
}

/** Absolute path of `command` on PATH, or undefined. */
export function findOnPath(command: string): string | undefined {
  if (command.includes('/')) return fs.existsSync(command) ? command : undefined;
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin']);
  for (const dir of dirs) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface HostTool {
  command: string;
  /** the Debian package that provides it */
  debianPackage: string;
}

/** Fail with one line naming the apt-get install that fixes every missing tool. */
export function requireHostTools(tools: HostTool[], purpose: string): void {
  const missing = tools.filter((tool) => !findOnPath(tool.command));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((tool) => tool.debianPackage))].join(' ');
  throw new BadInputError(
    `${purpose} needs ${missing.map((tool) => tool.command).join(', ')}: install with 'apt-get install -y ${packages}'`,
  );
}
