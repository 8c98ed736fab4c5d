/**
 * The timing loop of a throughput point, whatever runs the operations (AF_ALG sockets in
 * afalg-bench.ts, the in-kernel executor in kernel-executor-bench.ts): `operations(n)` runs n
 * operations in a tight loop; the clock is read once per batch.
 */
import { performance } from 'node:perf_hooks';
import type { BenchPoint, BenchRepetition, BenchRequestBody } from '../protocol/messages.js';
import { stopReason, stoppingRuleOf } from '../protocol/bench-stopping.js';

/**
 * One size's point: a warm-up, which also tells how many operations fit in about 1/50 of a
 * repetition (the clock is read once per such batch), then timed repetitions until the request's
 * stopping rule is met.
 */
export function measureOperations(operations: (n: number) => void, body: BenchRequestBody, size: number): BenchPoint {
  const started = performance.now();
  const warm = timeSlice(operations, 1, body.warmupMs);
  const perMs = warm.ops / Math.max(warm.ns / 1e6, 1e-3);
  const batch = Math.max(1, Math.floor((perMs * body.repetitionMs) / 50));
  const rule = stoppingRuleOf(body);
  const repetitions: BenchRepetition[] = [];
  const rates: number[] = [];
  for (;;) {
    const repetition = timeSlice(operations, batch, body.repetitionMs);
    repetitions.push(repetition);
    rates.push(repetition.ops / (repetition.ns / 1e9));
    const stopped = stopReason(rates, performance.now() - started, rule);
    if (stopped) return { size, repetitions, ...(body.maxRepetitions !== undefined ? { stopped } : {}) };
  }
}

/** Run batches of `batch` operations until `ms` milliseconds have passed (the clock is read per batch). */
function timeSlice(operations: (n: number) => void, batch: number, ms: number): BenchRepetition {
  const start = process.hrtime.bigint();
  const deadline = performance.now() + ms;
  let ops = 0;
  do {
    operations(batch);
    ops += batch;
  } while (performance.now() < deadline);
  return { ops, ns: Number(process.hrtime.bigint() - start) };
}
