/**
 * The layers of afalg-harness and the one rule between them: a module imports only from its own
 * layer or from a layer below it. `npm test` runs this check (posttest-like, before the tests) and
 * fails on an upward import or a cycle. Bottom to top:
 *   0 core       harness/core            errors, exec, paths, JSON validation, progress lines
 *   1 protocol   harness/protocol        the agent protocol and its constants; results/result-model + run-record (the results-file contract)
 *   2 agent      harness/agent           the program that runs on the target: node built-ins, core-free, protocol only
 *   3 target     harness/board, harness/targets, harness/transports, harness/deploy, harness/native-agent, qemu/
 *                reaching a target, building and starting its agent
 *   4 inputs     harness/discovery, harness/kernel-log, vectors/, harness/plan, harness/bench
 *                what the target offers and says, what to run on it
 *   5 results    harness/results, harness/spec   summaries, verdicts, coverage, the RunReport
 *   6 execution  harness/execution       running a plan against a target, writing results
 *   7 reports    reports/                renderers of a RunReport
 *   8 cli        harness/cli, harness/cli.ts   commands: parse RunSettings, run a session, print
 * The host (every layer but the agent) never reaches the agent module graph: no CLI call loads koffi.
 * test/ and scripts/ may import anything.
 */
const layers = [
  { name: 'core', path: '^harness/core/' },
  { name: 'protocol', path: '^harness/protocol/|^harness/results/(result-model|run-record)\\.ts$' },
  { name: 'agent', path: '^harness/agent/' },
  { name: 'target', path: '^harness/(board|targets|transports|deploy|native-agent)/|^qemu/' },
  { name: 'inputs', path: '^harness/(discovery|kernel-log|plan|bench)/|^vectors/' },
  { name: 'results', path: '^harness/results/(?!(result-model|run-record)\\.ts$)|^harness/spec/' },
  { name: 'execution', path: '^harness/execution/' },
  { name: 'reports', path: '^reports/' },
  { name: 'cli', path: '^harness/cli(/|\\.ts$)' },
];

/** every layer above `index`, as one path pattern */
const above = (index) => layers.slice(index + 1).map((layer) => `(${layer.path})`).join('|');

const upward = layers.slice(0, -1).map((layer, index) => ({
  name: `no-upward-from-${layer.name}`,
  comment: `${layer.name} (layer ${index}) must not import from a layer above it`,
  severity: 'error',
  from: { path: layer.path, pathNot: index === 1 ? '^harness/results/(?!(result-model|run-record)\\.ts$)' : undefined },
  to: { path: above(index), pathNot: index < 1 ? undefined : layer.path },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'agent-imports-protocol-only',
      comment: 'the target-side agent runs without the harness: node built-ins, its own files and the protocol only',
      severity: 'error',
      from: { path: '^harness/agent/' },
      to: { pathNot: '^harness/(agent|protocol)/|^node:|^(fs|path|os|crypto|worker_threads|url|child_process|util|stream|events|readline|net)$|koffi', dependencyTypesNot: ['core'] },
    },
    {
      name: 'host-never-loads-the-agent',
      comment: 'the agent (koffi, libc) runs on the target: no host module may reach it, so no CLI call loads koffi',
      severity: 'error',
      from: { path: '^(harness/(?!agent/)|qemu/|vectors/|reports/)' },
      to: { path: '^harness/agent/', reachable: true },
    },
    {
      name: 'no-cycles',
      comment: 'a cycle makes the layers meaningless',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { circular: true },
    },
    {
      name: 'every-module-in-a-layer',
      comment: 'a production module outside every layer would escape the rule: put it in the folder of its layer',
      severity: 'error',
      from: { path: '^(harness|qemu|vectors|reports)/', pathNot: layers.map((layer) => `(${layer.path})`).join('|') },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/|^node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
