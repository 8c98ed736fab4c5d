/**
 * Runs the C reference loop (bench/afalg-speed.c, built by the host) for a bench request: same
 * request, same answer shape, measured by a program with no JavaScript in its loop.
 */
import { spawnSync } from 'node:child_process';
import type { BenchRequestBody, BenchResult } from '../protocol/messages.js';

export async function runCReference(body: BenchRequestBody): Promise<BenchResult> {
  // loaded on first use: the C reference is optional (and stubbed out of the uploaded bundle)
  const { cReferenceArgs, parseCReferenceOutput } = await import('../protocol/c-reference-program.js');
  const program = body.program as string;
  const perPointMs = Math.min(body.pointBudgetMs ?? Infinity, body.warmupMs + (body.maxRepetitions ?? body.repetitions) * body.repetitionMs);
  const budgetMs = body.sizes.length * (perPointMs + body.repetitionMs) + 30_000;
  const child = spawnSync(program, cReferenceArgs(body), { encoding: 'utf8', timeout: budgetMs });
  if (child.error) throw new Error(`${program}: ${child.error.message}`);
  const { points } = parseCReferenceOutput(child.stdout);
  return { points, engine: program };
}
