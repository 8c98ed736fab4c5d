/**
 * The same run with each agent gives the same results (issue 14): a short vector run on qemu-x86_64
 * with a fixed seed, once with `--agent node` and once with `--agent native`, must record identical
 * tallies (per algorithm, target, source and strategy: passed, failed, acceptable and which cases
 * failed) and reach the same verdict, exit code and reasons.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { vectorsDir } from '../unit/vectors/vectors-dir.js';
import { readRun } from '../../harness/results/results-reader.js';
import type { TallyLine } from '../../harness/results/result-model.js';
import { describeFull } from '../support/test-tier.js';

const AGENTS = ['node', 'native'] as const;
const ALGS = ['cbc(aes)', 'sha256', 'gcm(aes)'];

interface Outcome {
  code: number | null;
  /** the agent the run used (run.json) */
  used: string | undefined;
  tallies: string[];
  verdict: unknown;
}

describeFull('the same tallies and verdict with the Node agent and the native agent (qemu-x86_64, --sample 20, fixed seed)', function () {
  this.timeout(1_800_000);
  const tmp = useTempDir('afalg-agent-tallies-');
  const outcomes: Partial<Record<(typeof AGENTS)[number], Outcome>> = {};

  before(async () => {
    for (const agent of AGENTS) {
      const out = path.join(tmp.path, agent);
      const result = await runCli(['run', '--board', 'qemu-x86_64', '--agent', agent, '--vectors', vectorsDir, '--out', out, '--alg', ...ALGS, '--sample', '20', '--seed', 'tallies-1']);
      const { meta, lines } = readRun(out);
      const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as { verdict: unknown; exitCode: number; reasons: string[]; summary: { verdictCounts: unknown } };
      const tallies = lines
        .filter((line): line is TallyLine => line.kind === 'tally')
        .map(({ algorithm, target, source, strategy, passed, failed, acceptable, failures }) => JSON.stringify({ algorithm, target, source, strategy, passed, failed, acceptable, failed_cases: failures.map((failure) => JSON.stringify(failure)).sort() }))
        .sort();
      outcomes[agent] = { code: result.code, used: meta.target.agent, tallies, verdict: { verdict: report.verdict, exitCode: report.exitCode, reasons: report.reasons, counts: report.summary.verdictCounts } };
      const executed = meta.execution?.executed ?? 0;
      process.stdout.write(`      [${agent} agent: exit ${result.code}, ${tallies.length} tallies, ${executed} executions, ${meta.execution?.perSecond ?? 0} executions/s (loaded machine)]\n`);
    }
  });

  it('records tallies with each agent (the runs completed)', () => {
    for (const agent of AGENTS) {
      assert.equal(outcomes[agent]?.used, agent);
      assert.ok((outcomes[agent]?.tallies.length ?? 0) > 0, `${agent}: no tallies`);
    }
  });

  it('gives identical tallies per algorithm, target, source and strategy', () => {
    assert.deepEqual(outcomes.native?.tallies, outcomes.node?.tallies);
  });

  it('reaches the same verdict, exit code and reasons', () => {
    assert.equal(outcomes.native?.code, outcomes.node?.code);
    assert.deepEqual(outcomes.native?.verdict, outcomes.node?.verdict);
  });
});
