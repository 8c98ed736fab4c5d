#!/usr/bin/env node
/** afalg-harness command line. */
import fs from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { EXIT, HarnessError } from './errors.js';
import { asQemuBoard, listBoards, loadBoard } from './board/board.js';
import { prepareGuestImage } from '../qemu/guest-image.js';
import { openTarget } from './targets/open-target.js';
import { checkModuleFiles, fixturesWanted, loadModules, moduleFilesFor } from './targets/extra-modules.js';
import { discover } from './discovery/discover.js';
import { renderDiscovery } from '../reports/discovery-terminal.js';
import { AGENT_VERSION } from './agent/version.js';
import { runCommand, type RunArgs } from './run/run-command.js';
import { reportCommand } from './run/report-command.js';
import { vectorsFetchCommand, vectorsListCommand } from './run/vectors-commands.js';
import { resolveVectorsDir } from '../vectors/vectors-dir.js';
import { DEFAULT_BENCH_ALGORITHMS } from './bench/bench-plan.js';
import { DEFAULT_DIFFERENTIAL, THOROUGH_DIFFERENTIAL } from '../vectors/differential.js';


const benchOptions = <T>(y: Argv<T>) =>
  y
    .option('sizes', { type: 'string', array: true, describe: 'payload sizes in bytes (default 16,64,256,1024,4096,16384,65536)' })
    .option('seconds', { type: 'number', describe: 'measured time per point (driver × op × path × size), split into the repetitions (default 0.5)' })
    .option('repetitions', { type: 'number', describe: 'timed repetitions per point: the median is reported with the spread (default 5)' })
    .option('paths', { type: 'string', array: true, describe: 'data paths: copy (sendmsg/read), zerocopy (vmsplice+splice) (default both)' })
    .option('tcrypt', { type: 'boolean', default: true, describe: "the kernel's own tcrypt figures as the ceiling (--no-tcrypt to skip)" })
    .option('tcrypt-sec', { type: 'number', describe: 'tcrypt sec= per figure (default 1; 0: cycle counts, fast but noisy)' })
    .option('c-reference', { type: 'boolean', default: true, describe: 'also measure with the C reference loop (bench/afalg-speed.c)' })
    .option('load-module', { type: 'string', array: true, describe: 'kernel module (.ko for the guest kernel) loaded before discovery' })
    .option('fixtures', { type: 'string', array: true, describe: "fault-injection fixtures (qemu/fixtures) built against the guest kernel's headers and loaded before discovery; 'all' for every one" });

async function discoverCommand(argv: { board: string; json?: string; all?: boolean; 'console-log'?: string; 'load-module'?: string[]; fixtures?: string[] }): Promise<number> {
  const board = loadBoard(argv.board);
  const moduleFiles = checkModuleFiles(board, argv['load-module']);
  const fixtures = fixturesWanted(board, argv.fixtures);
  const target = await openTarget(board, { consoleLog: argv['console-log'] });
  try {
    await loadModules(target, board, await moduleFilesFor(target, fixtures, moduleFiles));
    const result = await discover(target.agent);
    process.stdout.write(renderDiscovery(target.info, result, { all: argv.all }));
    if (argv.json) {
      fs.writeFileSync(argv.json, JSON.stringify({ harnessVersion: AGENT_VERSION, target: target.info, ...result }, null, 2) + '\n');
      process.stderr.write(`wrote ${argv.json}\n`);
    }
  } finally {
    await target.stop();
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
              .option('board', { type: 'string', describe: 'board name or file' })
              .option('arch', { type: 'string', choices: ['x86_64', 'aarch64', 'armhf'], describe: 'the qemu board of this architecture' })
              .option('force', { type: 'boolean', default: false, describe: 'rebuild even if cached' }),
          run(async (argv: { board?: string; arch?: string; force: boolean }) => {
            const board = loadBoard(argv.board ?? `qemu-${argv.arch ?? 'x86_64'}`);
            const image = await prepareGuestImage(asQemuBoard(board), { force: argv.force });
            process.stdout.write(`${image.dir}\n`);
            return EXIT.ok;
          }),
        )
        .demandCommand(1),
    )
    .command(
      'discover',
      'boot or reach the target, list every crypto driver and the driver each generic name binds',
      (y) =>
        y
          .option('board', { type: 'string', demandOption: true, describe: 'board name (boards/NAME.json) or file' })
          .option('json', { type: 'string', describe: 'also write the discovery as JSON to this file' })
          .option('all', { type: 'boolean', default: false, describe: 'show every /proc/crypto entry, not only AF_ALG-reachable ones' })
          .option('console-log', { type: 'string', describe: "write the target's console to this file" })
          .option('load-module', { type: 'string', array: true, describe: 'kernel module (.ko for the guest kernel) loaded before discovery' })
          .option('fixtures', { type: 'string', array: true, describe: "fault-injection fixtures (qemu/fixtures) built against the guest kernel's headers and loaded before discovery; 'all' for every one" }),
      run(discoverCommand),
    )
    .command(
      'run',
      'run every applicable vector through every driver of each algorithm, by unique name and by the generic name',
      (y) =>
        benchOptions(y)
          .option('board', { type: 'string', describe: 'board name (boards/NAME.json) or file' })
          .option('resume', { type: 'string', describe: "continue the partial run in DIR (its board, options and plan; what is done is skipped)" })
          .check((argv) => {
            if (argv.board === undefined && argv.resume === undefined) throw new Error('Missing required argument: board (or --resume DIR)');
            return true;
          })
          .option('alg', { type: 'string', array: true, describe: "algorithm name or pattern (* and ? are wildcards), e.g. 'gcm(aes)' 'hmac(*)'" })
          .option('driver', { type: 'string', array: true, describe: "only drivers matching (e.g. 'virtio_crypto_*'); the generic row stays only if its name matches" })
          .option('out', { type: 'string', describe: 'results directory (default results/<run id>)' })
          .option('vectors', { type: 'string', describe: 'vectors directory (default: $AFALG_VECTORS_DIR, ../shared/vectors, then the fetched cache)' })
          .option('strategies', { type: 'string', array: true, describe: 'split strategies: oneshot,chunks,page-cross,inplace (default all)' })
          .option('differential', { type: 'number', describe: `N random cases per algorithm, every driver compared with the software driver (default ${DEFAULT_DIFFERENTIAL}, --thorough ${THOROUGH_DIFFERENTIAL}; 0: none)` })
          .option('seed', { type: 'string', describe: 'seed of the generated (boundary and differential) cases (default random; printed and stored in run.json)' })
          .option('boundary', { type: 'boolean', default: true, describe: 'generated boundary cases (counters at the wrap, lengths around blocks and pages, key and tag sizes, forged tags, reused sockets); --no-boundary: none' })
          .option('thorough', { type: 'boolean', default: false, describe: 'nightly counts: more boundary cases and differential cases' })
          .option('mct-checkpoints', { type: 'number', default: 10, describe: 'Monte-Carlo hash checkpoints to run per file (100 = all)' })
          .option('sample', { type: 'number', describe: 'at most N cases per vector file, evenly spread with every expectation kept: a quick pass that still runs every driver' })
          .option('hang-sec', { type: 'number', describe: "an operation not returning within S seconds is a hang: reported with its request, the QEMU guest restarted, the run goes on without that driver (default: the board's timeouts.hangSec, else 20)" })
          .option('console-log', { type: 'string', describe: "write the target's console to this file" })
          .option('bench', { type: 'boolean', default: false, describe: 'measure throughput too, after the vectors (see the bench command)' })
          .option('spec', { type: 'string', describe: 'drivers-spec file (or name in drivers-spec/): requirements the board must meet; any unmet one exits 1' })
          .group(['sizes', 'seconds', 'repetitions', 'paths', 'tcrypt', 'tcrypt-sec', 'c-reference'], 'With --bench:'),
      run((argv: Omit<RunArgs, 'differential'> & { differential?: number }) => runCommand({ ...argv, differential: argv.differential ?? (argv.thorough ? THOROUGH_DIFFERENTIAL : DEFAULT_DIFFERENTIAL) })),
    )
    .command(
      'bench',
      'measure throughput of every driver and the generic name (ops/s, MB/s, µs/op), with the C reference loop and tcrypt beside them',
      (y) =>
        benchOptions(
          y
            .option('board', { type: 'string', demandOption: true, describe: 'board name (boards/NAME.json) or file' })
            .option('alg', { type: 'string', array: true, describe: `algorithm name or pattern (default: ${DEFAULT_BENCH_ALGORITHMS.join(' ')})` })
            .option('driver', { type: 'string', array: true, describe: "only drivers matching (e.g. 'virtio_crypto_*')" })
            .option('out', { type: 'string', describe: 'results directory (default results/<run id>)' })
            .option('console-log', { type: 'string', describe: "write the target's console to this file" })
            .option('spec', { type: 'string', describe: 'drivers-spec file (or name in drivers-spec/): requirements the board must meet; any unmet one exits 1' }),
        ),
      run((argv: Omit<RunArgs, 'differential' | 'mct-checkpoints'>) => runCommand({ ...argv, differential: 0, 'mct-checkpoints': 0, bench: true, runVectors: false })),
    )
    .command(
      'report <dir>',
      'render the terminal summary, junit.xml, summary.md (with charts/*.svg) and report.html again from a results directory',
      (y) => y.positional('dir', { type: 'string', demandOption: true }),
      run(async (argv: { dir: string }) => reportCommand(argv.dir)),
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
