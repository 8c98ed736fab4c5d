/**
 * Every running target is registered here so that Ctrl-C, a crash or an ordinary exit never
 * leaves a QEMU behind.
 */
import type { Target } from './target.js';

const live = new Set<{ kill(): void }>();
let installed = false;

export function registerLive(target: { kill(): void }): () => void {
  install();
  live.add(target);
  return () => live.delete(target);
}

export function killAllLive(): void {
  for (const target of live) target.kill();
  live.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllLive);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nafalg-harness: ${signal}: stopping ${live.size} target(s)\n`);
      killAllLive();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

export type { Target };
