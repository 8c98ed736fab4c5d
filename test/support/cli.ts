/** Running the built CLI as a user does, and finding the QEMU processes it leaves (it must not). */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { projectRoot } from '../../harness/core/paths.js';

export const cliPath = path.join(projectRoot, 'dist', 'harness', 'cli.js');

/**
 * Every CLI this test process starts carries this tag in its environment, and so does every QEMU it
 * spawns: `qemuPids` counts only those, so QEMUs of other test runs or users on the machine are never
 * counted (or killed) by these tests.
 */
const TEST_SESSION_VARIABLE = 'AFALG_TEST_SESSION';
const testSession = `${process.pid}-${Date.now()}`;

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
  return collect(process.execPath, [cliPath, ...args], options);
}

/**
 * A command line as a user pastes it into a shell (a report's rerun line): `afalg-harness` at its
 * start is this checkout's CLI; sh parses the quoting.
 */
export function runCliLine(line: string, options: CliOptions = {}): Promise<CliRun> {
  if (!line.startsWith('afalg-harness ')) throw new Error(`not an afalg-harness command line: ${line}`);
  return collect('sh', ['-c', `'${process.execPath}' '${cliPath}' ${line.slice('afalg-harness '.length)}`], options);
}

function collect(command: string, args: string[], options: CliOptions): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env, [TEST_SESSION_VARIABLE]: testSession } });
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

/** pids of running QEMU processes started by this test process's CLIs whose command line mentions `marker` */
export function qemuPids(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.startsWith('qemu-system') || !cmdline.includes(marker)) continue;
      if (fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`${TEST_SESSION_VARIABLE}=${testSession}`)) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}
