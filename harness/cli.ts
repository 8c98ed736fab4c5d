#!/usr/bin/env node
/** afalg-harness command line. */
import fs from 'node:fs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BadInputError, EXIT, HarnessError } from './core/errors.js';
import { asQemuBoard, listBoards, loadBoard } from './board/board.js';
import { loadBoardOrImage } from './board/board-or-image.js';
import { prepareGuestImage } from '../qemu/guest-image.js';
import { checkModuleFiles, fixturesWanted } from './targets/extra-modules.js';
import { RunSession } from './execution/run-session.js';
import { agentPreferenceOf } from './targets/agent-choice.js';
import { discover } from './discovery/discover.js';
import { renderDiscovery } from '../reports/discovery-terminal.js';
import { AGENT_VERSION } from './protocol/version.js';
import { runCommand } from './cli/run-command.js';
import { BENCH_DEFAULT_ALGORITHMS, benchOptions, outputOptions, reporterOption, selectionOptions, targetOptions, vectorOptions, type RunArgs, type TargetArgs } from './cli/options.js';
import { reportCommand } from './cli/report-command.js';
import { compareCommand, type CompareArgs } from './cli/compare-command.js';
import { showUserImageCommand } from './cli/user-image-command.js';
import { kernelConfigCommand, type KernelConfigArgs } from './cli/kernel-config-command.js';
import { vectorsFetchCommand, vectorsListCommand } from './cli/vectors-commands.js';
import { resolveVectorsDir } from '../vectors/vectors-dir.js';

async function discoverCommand(argv: TargetArgs & { json?: string; all?: boolean }): Promise<number> {
  if (argv.board === undefined) throw new BadInputError('--board is required');
  const board = loadBoardOrImage(argv.board);
  const session = await RunSession.start(board, {
    ...(argv['console-log'] !== undefined ? { consoleLog: argv['console-log'] } : {}),
    fixtures: fixturesWanted(board, argv.fixtures),
    moduleFiles: checkModuleFiles(board, argv['load-module']),
    agent: agentPreferenceOf(board, argv.agent),
  });
  try {
    const result = await discover(session.target.agent, session.target.info.hello.kernelRelease);
    process.stdout.write(renderDiscovery(session.target.info, result, { all: argv.all }));
    if (argv.json) {
      fs.writeFileSync(argv.json, JSON.stringify({ harnessVersion: AGENT_VERSION, target: session.target.info, ...result }, null, 2) + '\n');
      process.stderr.write(`wrote ${argv.json}\n`);
    }
  } finally {
    await session.close(true);
  }
  return EXIT.ok;
}

async function main(): Promise<number> {
  let exitCode: number = EXIT.ok;
  const run =
    <A>(body: (argv: A) => Promise<number>) =>
    async (argv: A): Promise<void> => {
      exitCode = await body(argv);
    };
  await yargs(hideBin(process.argv))
    .scriptName('afalg-harness')
    .usage('$0 <command>\n\nQualifies Linux kernel crypto drivers through AF_ALG.')
    .command('qemu', 'QEMU guest images', (y) =>
      y
        .command(
          'prepare',
          "build (or find in the cache) a board's guest image from Debian's packages",
          (yy) =>
            yy
              .option('board', { type: 'string', describe: 'board name or file, or kernel:IMAGE_OR_TREE[,modules=…]' })
              .option('arch', { type: 'string', choices: ['x86_64', 'aarch64', 'armhf'], describe: 'the qemu board of this architecture' })
              .option('force', { type: 'boolean', default: false, describe: 'rebuild even if cached' }),
          run(async (argv: { board?: string; arch?: string; force: boolean }) => {
            const board = loadBoardOrImage(argv.board ?? `qemu-${argv.arch ?? 'x86_64'}`);
            const image = await prepareGuestImage(asQemuBoard(board), { force: argv.force });
            process.stdout.write(`${image.dir}\n`);
            return EXIT.ok;
          }),
        )
        .command(
          'show <image>',
          'what the harness reads from yocto:DEPLOY_DIR (or a *.qemuboot.conf) or buildroot:output/images, and the QEMU command line it boots it with',
          (yy) =>
            yy
              .positional('image', { type: 'string', demandOption: true })
              .option('accel', { type: 'string', choices: ['kvm', 'tcg'], default: 'tcg', describe: 'the accelerator to show the command for' }),
          run(async (argv: { image: string; accel: string }) => showUserImageCommand(argv.image, argv.accel as 'kvm' | 'tcg')),
        )
        .demandCommand(1),
    )
    .command(
      'discover',
      'boot or reach the target, list every crypto driver and the driver each generic name binds',
      (y) =>
        targetOptions(y, true)
            .option('json', { type: 'string', describe: 'also write the discovery as JSON to this file' })
            .option('all', { type: 'boolean', default: false, describe: 'show every /proc/crypto entry, not only AF_ALG-reachable ones' }),
      run(discoverCommand),
    )
    .command(
      'run',
      'run every applicable vector through every driver of each algorithm, by unique name and by the generic name',
      (y) =>
        outputOptions(benchOptions(vectorOptions(selectionOptions(targetOptions(y, false), 'every algorithm the target offers'))))
          .option('resume', { type: 'string', describe: 'continue the partial run in DIR (its board, settings and plan; what is done is skipped)' })
          .option('bench', { type: 'boolean', default: false, describe: 'measure throughput too, after the vectors (see the bench command)' })
          .check((argv) => {
            if (argv.board === undefined && argv.resume === undefined) throw new Error('Missing required argument: board (or --resume DIR)');
            return true;
          })
          .group(['sizes', 'seconds', 'repetitions', 'max-repetitions', 'precision', 'budget', 'paths', 'tcrypt', 'tcrypt-sec', 'c-reference'], 'With --bench:'),
      run((argv: RunArgs) => runCommand(argv)),
    )
    .command(
      'bench',
      'measure throughput of every driver and the generic name (ops/s, MB/s, µs/op), with the C reference loop and tcrypt beside them',
      (y) => outputOptions(benchOptions(selectionOptions(targetOptions(y, true), BENCH_DEFAULT_ALGORITHMS))),
      run((argv: RunArgs) => runCommand({ ...argv, bench: true, runVectors: false })),
    )
    .command(
      'report <dir>',
      'render the terminal summary, junit.xml, summary.md (with charts/*.svg) and report.html again from a results directory',
      (y) => reporterOption(y.positional('dir', { type: 'string', demandOption: true })),
      run(async (argv: { dir: string; reporter?: string[] }) => reportCommand(argv.dir, argv.reporter?.flatMap((name) => name.split(',')))),
    )
    .command(
      'compare <dirs..>',
      'the same algorithms and drivers side by side across runs (kernels, boards): drivers that appeared or vanished, priorities, bindings, verdicts and throughput that moved',
      (y) =>
        y
          .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'run directories, the baseline first' })
          .option('markdown', { type: 'string', describe: 'also write the comparison as Markdown to this file' })
          .option('html', { type: 'string', describe: 'also write the comparison as one self-contained HTML page to this file' }),
      run(async (argv: CompareArgs) => compareCommand(argv)),
    )
    .command(
      'kernel-config',
      "diagnose a kernel config: AF_ALG socket types, crypto_user, self-tests, tcrypt, FIPS (exit 1 when something is missing)",
      (y) =>
        y
          .option('board', { type: 'string', describe: "the board whose kernel to check (a QEMU board's from its image, others through the agent)" })
          .option('config', { type: 'string', describe: 'a kernel .config file (or a copy of /proc/config.gz): no target needed' })
          .option('fragment', { type: 'string', describe: 'write the config fragment that adds what is missing (Yocto .cfg, Buildroot, merge_config.sh)' })
          .option('advice', { type: 'boolean', default: false, describe: 'the fragment also enables the advised options (extra self-tests)' }),
      run((argv: KernelConfigArgs) => kernelConfigCommand(argv)),
    )
    .command('vectors', 'test vectors', (y) =>
      y
        .command(
          'list',
          'what vectors are available per algorithm, with case counts',
          (yy) => yy.option('vectors', { type: 'string', describe: 'vectors directory' }).option('alg', { type: 'string', array: true, describe: 'algorithm name or pattern' }),
          run(async (argv: { vectors?: string; alg?: string[] }) => vectorsListCommand(argv)),
        )
        .command(
          'where',
          'print the vectors directory a run would use (exit 2 when there is none)',
          (yy) => yy.option('vectors', { type: 'string', describe: 'vectors directory' }),
          run(async (argv: { vectors?: string }) => {
            const found = resolveVectorsDir(argv.vectors);
            process.stdout.write(`${found.dir}\t${found.origin}\n`);
            return EXIT.ok;
          }),
        )
        .command(
          'fetch',
          'download the pinned Wycheproof commit and the NIST/RFC vectors, verified against the sha256 manifest',
          (yy) =>
            yy
              .option('dest', { type: 'string', describe: 'where to put them (default: the user cache)' })
              .option('only', { type: 'string', array: true, choices: ['wycheproof', 'nist'], describe: 'fetch one family only' }),
          run(async (argv: { dest?: string; only?: string[] }) => vectorsFetchCommand({ ...(argv.dest ? { dest: argv.dest } : {}), ...(argv.only ? { only: argv.only as Array<'wycheproof' | 'nist'> } : {}) })),
        )
        .demandCommand(1),
    )
    .command('boards', 'board files', (y) =>
      y
        .command('list', 'list the bundled boards', {}, run(async () => {
          for (const name of listBoards()) {
            const board = loadBoard(name);
            process.stdout.write(`${name}\t${board.transport}\t${board.arch}\t${board.description ?? ''}\n`);
          }
          return EXIT.ok;
        }))
        .command('check <file>', 'validate a board file', (yy) => yy.positional('file', { type: 'string', demandOption: true }), run(async (argv: { file: string }) => {
          const board = loadBoard(argv.file);
          process.stdout.write(`${board.file}: ok (${board.name}, ${board.transport}, ${board.arch})\n`);
          return EXIT.ok;
        }))
        .demandCommand(1),
    )
    .demandCommand(1)
    .strict()
    .version(AGENT_VERSION)
    .help()
    .fail((message, error) => {
      if (error) throw error;
      process.stderr.write(`afalg-harness: ${message}\n`);
      process.exit(EXIT.badInput);
    })
    .parseAsync();
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof HarnessError) {
      process.stderr.write(`afalg-harness: ${error.message}\n`);
      for (const line of error.details) process.stderr.write(`${line}\n`);
      process.exit(error.exitCode);
    }
    process.stderr.write(`afalg-harness: internal error: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(70);
  },
);
