/**
 * The layer rule of .dependency-cruiser.cjs, on the real tree (no violation) and on a small tree made
 * for the purpose, where an upward import, an agent reaching past the protocol, a cycle and a
 * module outside every layer must each be reported.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import { projectRoot } from '../../../harness/core/paths.js';
import { useTempDir } from '../../support/temp-dir.js';

const require = createRequire(import.meta.url);
const config = require(path.join(projectRoot, '.dependency-cruiser.cjs')) as { forbidden: object[]; options: Record<string, unknown> };

async function violationsIn(baseDir: string, roots: string[]): Promise<IViolation[]> {
  const previous = process.cwd();
  process.chdir(baseDir);
  try {
    const { tsConfig: _tsConfig, ...options } = config.options;
    const result = await cruise(roots, { ...options, ruleSet: { forbidden: config.forbidden }, validate: true } as never);
    return (result.output as ICruiseResult).summary.violations;
  } finally {
    process.chdir(previous);
  }
}

describe('architecture/layers', function () {
  this.timeout(60_000);
  const tmp = useTempDir('afalg-layers-');

  it('the source tree has no upward import, no cycle, and no module outside a layer', async () => {
    const violations = await violationsIn(projectRoot, ['harness', 'qemu', 'vectors', 'reports']);
    assert.deepEqual(violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`), []);
  });

  it('reports an upward import, an agent import past the protocol, the host reaching the agent, a cycle and a module outside every layer', async () => {
    const write = (file: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(tmp.path, file)), { recursive: true });
      fs.writeFileSync(path.join(tmp.path, file), text);
    };
    write('harness/protocol/messages.ts', 'export const A = 1;\n');
    write('reports/html.ts', "import { A } from '../harness/protocol/messages.js';\nexport const H = A;\n");
    // upward: the results layer reaching into a reporter
    write('harness/results/summary.ts', "import { H } from '../../reports/html.js';\nexport const S = H;\n");
    // the agent reaching into discovery
    write('harness/discovery/parse.ts', "import { A } from '../protocol/messages.js';\nexport const P = A;\n");
    write('harness/agent/main.ts', "import { P } from '../discovery/parse.js';\nexport const M = P;\n");
    // a cycle inside one layer
    write('harness/plan/a.ts', "import { B } from './b.js';\nexport const A2 = 1 + B;\n");
    write('harness/plan/b.ts', "import { A2 } from './a.js';\nexport const B = 1; export const C = A2;\n");
    // a host module reaching the agent (koffi) through another module
    write('harness/plan/uses-agent.ts', "import { M } from '../agent/main.js';\nexport const U = M;\n");
    write('harness/cli/command.ts', "import { U } from '../plan/uses-agent.js';\nexport const C = U;\n");
    // a module outside every layer
    write('harness/misc/stray.ts', "import { A } from '../protocol/messages.js';\nexport const X = A;\n");
    const violations = await violationsIn(tmp.path, ['harness', 'reports']);
    const names = new Set(violations.map((v) => `${v.rule.name}: ${v.from}`));
    for (const expected of [
      'no-upward-from-results: harness/results/summary.ts',
      'no-upward-from-agent: harness/agent/main.ts',
      'agent-imports-protocol-only: harness/agent/main.ts',
      'no-cycles: harness/plan/a.ts',
      'every-module-in-a-layer: harness/misc/stray.ts',
      'host-never-loads-the-agent: harness/cli/command.ts',
      'host-never-loads-the-agent: harness/plan/uses-agent.ts',
    ]) {
      assert.ok(names.has(expected), `expected ${expected} among ${[...names].join('; ')}`);
    }
  });
});
