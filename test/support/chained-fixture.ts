/**
 * The chained strategy against the cbc_iv_out fixture (a cbc(aes) driver whose outputs are right
 * but whose handed-back IV is wrong after requests longer than a page): a matrix request whose
 * answer depends on where the agent splits a message into requests, so two agents that answer it
 * identically split it identically (chainedPieces in harness/protocol/constants.ts).
 */
import crypto from 'node:crypto';
import { buildFixtures } from '../../qemu/fixtures.js';
import type { AgentClient } from '../../harness/targets/agent-client.js';
import type { MatrixRequestBody, MatrixResult } from '../../harness/protocol/messages.js';

export const IV_OUT_DRIVER = 'cbc-aes-fixture-iv-out';
/** lengths: one request (under two blocks), chained but short (the IV right), chained past a page (the IV wrong) */
export const CHAINED_LENGTHS = [16, 4096, 20480];

/** An AES-128-CBC encryption of `plain` and its decryption, as matrix cases with node:crypto's answers. */
export function cbcCasePair(key: Buffer, iv: Buffer, plain: Buffer): MatrixRequestBody['cases'] {
  const cipher = crypto.createCipheriv('aes-128-cbc', key, iv).setAutoPadding(false);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  const body = { type: 'skcipher' as const, key: key.toString('base64'), iv: iv.toString('base64') };
  return [
    { ...body, op: 'encrypt' as const, input: plain.toString('base64'), expect: sealed.toString('base64') },
    { ...body, op: 'decrypt' as const, input: sealed.toString('base64'), expect: plain.toString('base64') },
  ];
}

function cbcCases(): MatrixRequestBody['cases'] {
  return CHAINED_LENGTHS.flatMap((length) => cbcCasePair(Buffer.alloc(16, 0x2b), Buffer.alloc(16, 0x0f), Buffer.from(Array.from({ length }, (_, i) => (i * 7 + 3) & 0xff))));
}

/** Load the fixture (built for the guest's kernel) and run the cases one-shot and chained through it. */
export async function chainedTranscript(agent: AgentClient, kernelRelease: string): Promise<{ insmod: number; answer: MatrixResult }> {
  const [ko] = await buildFixtures(['cbc_iv_out'], kernelRelease);
  const loaded = await agent.request('insmod', { path: ko as string, params: [] });
  const answer = await agent.request('matrix', { algs: [IV_OUT_DRIVER], strategies: ['oneshot', 'chained'], cases: cbcCases() });
  return { insmod: loaded.exitCode, answer };
}
