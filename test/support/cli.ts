/** Running the built CLI as a user does, and finding the QEMU processes it leaves (it must not). */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { projectRoot } from '../../harness/core/paths.js';

export const cliPath = path.join(projectRoot, 'dist', 'harness', 'cli.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** send SIGINT `afterMs` after stderr first matches `when` */
  interrupt?: { when: RegExp; afterMs: number };
  /** called with the child's pid when it has started */
  onStart?: (pid: number) => void;
  env?: NodeJS.ProcessEnv;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    if (child.pid) options.onStart?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    let armed = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (options.interrupt && !armed && options.interrupt.when.test(stderr)) {
        armed = true;
        setTimeout(() => child.kill('SIGINT'), options.interrupt.afterMs);
      }
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** pids of running QEMU processes whose command line mentions `marker` */
export function qemuPids(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.startsWith('qemu-system') && cmdline.includes(marker)) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}
