/**
 * npm run profile:guest [-- --board NAME] [-- --after S] [-- --seconds S] [-- extra run options…]
 * Where the guest's time goes during a run: the default run (`run --board qemu-x86_64`, native
 * agent) with `perf record -a -g` inside the guest for `--seconds` (default 9) from `--after`
 * seconds after the agent started (default 8: the vectors), then the guest's hottest symbols and
 * its time per process and object, printed on the guest's console and shown here.
 *
 * How: the host's perf runs in the guest through the read-only 9p share of / (the guest init's 9p
 * mode chroots into it), from a wrapper that starts perf in the background and then becomes the
 * native agent. The wrapper is named by kernel arguments added to a copy of the board file
 * (`afalg_agent=9p afalg_node=/bin/sh afalg_script=WRAPPER`): the kernel hands init the last of
 * repeated words. The bundled QEMU boards only (the Debian kernels, the 9p share); needs perf on the
 * host (Debian's linux-perf). This is how the rep stosb cost under TCG was found (boards/board.schema.json).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { projectRoot } from '../harness/core/paths.js';
import { findOnPath } from '../harness/core/exec.js';
import { loadBoard } from '../harness/board/board.js';
import { buildNativeAgent, type NativeArch } from '../harness/native-agent/build.js';

const PREFIX = 'afalg-profile:';
const argv = process.argv.slice(2);
const option = (name: string, fallback: string): { value: string; at: number } => {
  const at = argv.indexOf(name);
  return { value: at >= 0 ? (argv[at + 1] ?? fallback) : fallback, at };
};
const board = option('--board', 'qemu-x86_64');
const after = option('--after', '8');
const seconds = option('--seconds', '9');
const ours = new Set([board.at, after.at, seconds.at].filter((i) => i >= 0).flatMap((i) => [i, i + 1]));
const extra = argv.filter((_, i) => !ours.has(i));

function fail(message: string): never {
  process.stderr.write(`profile:guest: ${message}\n`);
  process.exit(2);
}

for (const [name, value] of [['--after', after.value], ['--seconds', seconds.value]] as const) {
  if (!/^\d+(\.\d+)?$/.test(value)) fail(`${name} wants a number of seconds, got '${value}'`);
}
const perf = findOnPath('perf');
if (!perf) fail('needs perf on the host, which the guest runs through the 9p share: apt-get install linux-perf');
const loaded = loadBoard(board.value);
if (loaded.transport !== 'qemu') fail(`${board.value} is not a QEMU board: the profile needs the guest init's 9p share`);
const agent = await buildNativeAgent(loaded.arch as NativeArch);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-profile-'));
const report = (sort: string, lines: number): string =>
  `perf report -i /dev/afalg-perf.data --no-children --sort ${sort} --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -${lines} | sed 's/^/${PREFIX} /' > /dev/console`;
const wrapper = path.join(work, 'agent-under-perf.sh');
fs.writeFileSync(
  wrapper,
  [
    '#!/bin/sh',
    `( sleep ${after.value}; ${perf} record -a -g -F 499 -o /dev/afalg-perf.data -- sleep ${seconds.value} >/dev/null 2>&1`,
    `  echo '${PREFIX} hottest symbols' > /dev/console; ${report('sym', 40)}`,
    `  echo '${PREFIX} by process and object' > /dev/console; ${report('comm,dso', 12)} ) &`,
    `exec ${agent.program} "$@"`,
    '',
  ].join('\n'),
  { mode: 0o755 },
);
const boardJson = JSON.parse(fs.readFileSync(loaded.file, 'utf8')) as { name: string; qemu: { kernelArgs?: string[] } } & Record<string, unknown>;
delete boardJson.$schema;
boardJson.name = `${boardJson.name}-profile`;
boardJson.qemu.kernelArgs = [...(boardJson.qemu.kernelArgs ?? []), 'afalg_agent=9p', 'afalg_node=/bin/sh', `afalg_script=${wrapper}`];
const boardFile = path.join(work, 'board.json');
fs.writeFileSync(boardFile, JSON.stringify(boardJson, null, 2));

const consoleLog = path.join(work, 'console.log');
const args = ['run', '--board', boardFile, '--agent', 'native', '--console-log', consoleLog, '--out', path.join(work, 'run'), ...extra];
process.stdout.write(`profile:guest: ${args.join(' ')}\n  perf in the guest from ${after.value} s after the agent starts, for ${seconds.value} s\n`);
const code = await new Promise<number | null>((resolve) => spawn(process.execPath, [path.join(projectRoot, 'dist', 'harness', 'cli.js'), ...args], { stdio: ['ignore', 'ignore', 'inherit'] }).on('close', resolve));
const profile = fs.existsSync(consoleLog) ? fs.readFileSync(consoleLog, 'utf8').split('\n').filter((line) => line.startsWith(PREFIX)) : [];
if (profile.length === 0) {
  fail(`no profile on the guest's console (run exit ${code}; console in ${consoleLog}): the run ended before perf reported; try a smaller --after or --seconds`);
}
process.stdout.write(`${profile.map((line) => line.slice(PREFIX.length + 1)).join('\n')}\n(run exit ${code}; its files in ${work})\n`);
