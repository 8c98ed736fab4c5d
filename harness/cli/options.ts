/**
 * The command line's option groups, each declared once and shared by the commands that take it:
 * reaching a target, choosing algorithms and drivers, the vectors stage, the bench stage, and where
 * results and reports go. `RunArgs` is what yargs hands the run and bench commands.
 */
import type { Argv } from 'yargs';
import { DEFAULT_BENCH_ALGORITHMS } from '../bench/bench-plan.js';
import { DEFAULT_REPORTERS } from '../../reports/reporters.js';
import { DEFAULT_DIFFERENTIAL, THOROUGH_DIFFERENTIAL } from '../../vectors/differential.js';

export interface TargetArgs {
  board?: string;
  'console-log'?: string;
  'load-module'?: string[];
  fixtures?: string[];
  executor?: 'afalg' | 'kernel' | 'auto';
  agent?: string;
}

export interface RunArgs extends TargetArgs {
  alg?: string[];
  driver?: string[];
  out?: string;
  vectors?: string;
  strategies?: string[];
  differential?: number;
  seed?: string;
  /** generated boundary cases (default on; --no-boundary turns them off) */
  boundary?: boolean;
  /** nightly counts: more boundary and differential cases */
  thorough?: boolean;
  'mct-checkpoints'?: number;
  sample?: number;
  case?: string[];
  'hang-sec'?: number;
  /** measure throughput too (run --bench; the bench command turns vectors off) */
  bench?: boolean;
  /** false: no vectors (the bench command) */
  runVectors?: boolean;
  sizes?: string[];
  seconds?: number;
  repetitions?: number;
  'max-repetitions'?: number;
  precision?: number;
  budget?: number;
  paths?: string[];
  tcrypt?: boolean;
  'tcrypt-sec'?: number;
  'c-reference'?: boolean;
  spec?: string;
  reporter?: string[];
  resume?: string;
}

/** --board, --agent, --console-log, --load-module, --fixtures: reaching the target, its agent, and what is loaded into it. */
export const targetOptions = <T>(y: Argv<T>, boardRequired: boolean) =>
  y
    .option('board', { type: 'string', demandOption: boardRequired, describe: 'board name (boards/NAME.json) or file' })
    .option('agent', { type: 'string', choices: ['auto', 'node', 'native'], describe: "agent on the target: node, native (static C, no Node needed), auto (QEMU: native where it can be built; SSH/serial: node where the board has a usable one; default: the board's agent.kind, else auto)" })
    .option('console-log', { type: 'string', describe: "write the target's console to this file" })
    .option('load-module', { type: 'string', array: true, describe: 'kernel module (.ko for the guest kernel) loaded before discovery' })
    .option('fixtures', { type: 'string', array: true, describe: "fault-injection fixtures (qemu/fixtures) built against the guest kernel's headers and loaded before discovery; 'all' for every one" });

/** --alg, --driver */
export const selectionOptions = <T>(y: Argv<T>, defaultAlgorithms: string) =>
  y
    .option('alg', { type: 'string', array: true, describe: `algorithm name or pattern (* and ? are wildcards), e.g. 'gcm(aes)' 'hmac(*)' (default: ${defaultAlgorithms})` })
    .option('driver', { type: 'string', array: true, describe: "only drivers matching (e.g. 'virtio_crypto_*'); the generic row stays only if its name matches" })
    .option('executor', { choices: ['afalg', 'kernel', 'auto'] as const, describe: "who runs each driver's requests (default: the board's qemu.executor, else afalg): AF_ALG, the in-kernel executor module (QEMU boards; skcipher, AEAD and hash), or auto: the module where this kernel's AF_ALG cannot reach the driver" });

/** The vectors stage. */
export const vectorOptions = <T>(y: Argv<T>) =>
  y
    .option('vectors', { type: 'string', describe: 'vectors directory (default: $AFALG_VECTORS_DIR, ../shared/vectors, then the fetched cache)' })
    .option('strategies', { type: 'string', array: true, describe: 'split strategies: oneshot,chunks,page-cross,inplace,chained,zerocopy,concurrent (default all; chained: cbc and ctr modes only; concurrent: skciphers and AEADs)' })
    .option('differential', { type: 'number', describe: `N random cases per algorithm, every driver compared with the software driver (default ${DEFAULT_DIFFERENTIAL}, --thorough ${THOROUGH_DIFFERENTIAL}; 0: none)` })
    .option('seed', { type: 'string', describe: 'seed of the generated (boundary and differential) cases (default random; printed and stored in run.json)' })
    .option('boundary', { type: 'boolean', default: true, describe: 'generated boundary cases (counters at the wrap, lengths around blocks and pages, key and tag sizes, forged tags, reused sockets); --no-boundary: none' })
    .option('thorough', { type: 'boolean', default: false, describe: 'nightly counts: more boundary cases and differential cases' })
    .option('mct-checkpoints', { type: 'number', describe: 'Monte-Carlo hash checkpoints to run per file (100 = all; default 10)' })
    .option('sample', { type: 'number', describe: 'at most N cases per vector file, evenly spread with every expectation kept: a quick pass that still runs every driver' })
    .option('case', { type: 'string', array: true, describe: "only the cases with these ids (or * ? patterns): 'tcId 117', 'COUNT 2 line 57', 'b:fx#7 *', 'seed fx#3' — every failure in the reports comes with the one line that reruns it" })
    .option('hang-sec', { type: 'number', describe: "an operation not returning within S seconds is a hang: reported with its request, the QEMU guest restarted, the run goes on without that driver (default: the board's timeouts.hangSec, else 20)" });

/** The bench stage (run --bench, and the bench command). */
export const benchOptions = <T>(y: Argv<T>) =>
  y
    .option('sizes', { type: 'string', array: true, describe: 'payload sizes in bytes (default 16,64,256,1024,4096,16384,65536)' })
    .option('seconds', { type: 'number', describe: 'measured time per point at its minimum repetitions, split into them (default 0.03 s per repetition)' })
    .option('repetitions', { type: 'number', describe: 'minimum timed repetitions per point: the median is reported with its 95 % interval and min–max (default 3)' })
    .option('max-repetitions', { type: 'number', describe: 'at most this many repetitions per point; a point stops earlier once its spread is within --precision (default 10)' })
    .option('precision', { type: 'number', describe: "stop a point once its 95 % interval's half-width is within this fraction of the mean (default 0.03; 0: only --max-repetitions or the time share stop it)" })
    .option('budget', { type: 'number', describe: 'time budget of the bench with tcrypt, seconds: points get shares of it, and what does not fit is cut and said (default 90; 0: none)' })
    .option('paths', { type: 'string', array: true, describe: 'data paths: copy (sendmsg/read), zerocopy (vmsplice+splice) (default both)' })
    .option('tcrypt', { type: 'boolean', default: true, describe: "the kernel's own tcrypt figures as the ceiling (--no-tcrypt to skip)" })
    .option('tcrypt-sec', { type: 'number', describe: "tcrypt sec= per figure (default 0: cycle counts, converted with the kernel's cycle rate: seconds instead of minutes; 1: one second per figure)" })
    .option('c-reference', { type: 'boolean', default: true, describe: 'also measure with the C reference loop (bench/afalg-speed.c)' });

/** --reporter: which reports to render (terminal, junit, markdown, html, json). */
export const reporterOption = <T>(y: Argv<T>) =>
  y.option('reporter', { type: 'string', array: true, describe: `reports to render: ${DEFAULT_REPORTERS.join(', ')} (default all)` });

/** --out, --spec, --reporter: where results go and what they are judged against. */
export const outputOptions = <T>(y: Argv<T>) =>
  reporterOption(
    y
      .option('out', { type: 'string', describe: 'results directory (default results/<run id>)' })
      .option('spec', { type: 'string', describe: 'drivers-spec file (or name in drivers-spec/): requirements the board must meet; any unmet one exits 1' }),
  );

export const BENCH_DEFAULT_ALGORITHMS = DEFAULT_BENCH_ALGORITHMS.join(' ');
