/**
 * The concurrent strategy against the cbc_tfm_iv fixture (an asynchronous cbc(aes) driver that
 * keeps a request's IV in the transform): one request at a time it is right; with a decoy of the
 * same transform in flight, one of the two runs with the other's IV. Which one loses depends on
 * timing, so the transcript counts failures rather than listing them.
 */
import { buildFixtures } from '../../qemu/fixtures.js';
import type { AgentClient } from '../../harness/targets/agent-client.js';
import type { MatrixRequestBody } from '../../harness/protocol/messages.js';
import { cbcCasePair } from './chained-fixture.js';

export const TFM_IV_DRIVER = 'cbc-aes-fixture-tfm-iv';
const LENGTHS = [16, 64, 1024, 4096];

function cbcCases(): MatrixRequestBody['cases'] {
  return LENGTHS.flatMap((length, n) => cbcCasePair(Buffer.alloc(16, 0x2b + n), Buffer.alloc(16, 0x0f + n), Buffer.from(Array.from({ length }, (_, i) => (i * 7 + n) & 0xff))));
}

/** executions, and failures per "alg strategy" */
export interface ConcurrentTranscript {
  insmod: number;
  executed: number;
  cases: number;
  failed: Record<string, number>;
  errors: string[];
}

/** Load the fixture (built for the guest's kernel) and run the cases one-shot and concurrent through it and the software driver. */
export async function concurrentTranscript(agent: AgentClient, kernelRelease: string): Promise<ConcurrentTranscript> {
  const [ko] = await buildFixtures(['cbc_tfm_iv'], kernelRelease);
  const loaded = await agent.request('insmod', { path: ko as string, params: [] });
  const cases = cbcCases();
  const answer = await agent.request('matrix', { algs: [TFM_IV_DRIVER, 'cbc(aes-generic)'], strategies: ['oneshot', 'concurrent'], cases });
  const failed: Record<string, number> = {};
  for (const outcome of answer.outcomes) {
    const key = `${outcome.alg} ${outcome.strategy}`;
    if (outcome.status !== 'pass') failed[key] = (failed[key] ?? 0) + 1;
  }
  return { insmod: loaded.exitCode, executed: answer.executed, cases: cases.length, failed, errors: [...new Set(answer.outcomes.map((outcome) => outcome.error ?? 'wrong answer'))] };
}
