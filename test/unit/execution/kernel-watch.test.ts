/**
 * KernelWatch with the kernel's console as its second source (a QEMU guest's, a board's serial
 * console), fed with the fixtures' captured text: events attributed to the request in flight, a
 * report both sources bring recorded once, a panic handed over as the fatal report of its request.
 */
import assert from 'node:assert/strict';
import type { AgentClient } from '../../../harness/targets/agent-client.js';
import { ConsoleLines } from '../../../harness/targets/console-lines.js';
import { KernelWatch } from '../../../harness/execution/kernel-watch.js';
import type { DiscoveredAlgorithm } from '../../../harness/discovery/discover.js';
import type { PlannedBatch } from '../../../harness/plan/plan.js';
import type { KernelEventLine, ResultLine } from '../../../harness/results/result-model.js';
import type { ResultsWriter } from '../../../harness/results/results-writer.js';
import type { KernelLogEvent, KernelLogRecord } from '../../../harness/protocol/messages.js';
import { normalizeLogLine } from '../../../harness/kernel-log/kernel-events.js';
import { capture } from '../kernel-log/captures.js';

const driver = (name: string, module: string, priority: number): DiscoveredAlgorithm['drivers'][number] => ({ driver: name, type: 'skcipher', priority, selftest: 'passed', module, internal: false, refcnt: 1 });
const algorithms: DiscoveredAlgorithm[] = [
  { name: 'ecb(aes)', drivers: [driver('ecb-aes-fixture-panic', 'afalg_fixture_panic', 1330), driver('ecb-aes-fixture-oops', 'afalg_fixture_oops', 1320), driver('ecb-aes-aesni', 'aesni_intel', 401)] },
] as DiscoveredAlgorithm[];

function batch(source: string, targets: PlannedBatch['targets']): PlannedBatch {
  return { id: source, algorithm: 'ecb(aes)', type: 'skcipher', source, targets, strategies: ['oneshot'], cases: [], differential: false, executions: 0 };
}
const generic = { name: 'ecb(aes)', generic: true, boundDriver: 'ecb-aes-fixture-panic' };
const aesni = { name: 'ecb-aes-aesni', generic: false };

/** An agent whose kmsg reader has nothing at first; `push` hands it records later; `abandoned` says why it was given up. */
function quietAgent(): { agent: AgentClient; push: (records: KernelLogRecord[]) => void; abandoned: string[] } {
  let listener: ((event: KernelLogEvent) => void) | undefined;
  const abandoned: string[] = [];
  const agent = {
    abandon: (reason: string) => abandoned.push(reason),
    request: () => Promise.resolve({ records: [], next: 0, dropped: 0, tainted: 0, following: true }),
    onKernelLog: (on: (event: KernelLogEvent) => void) => {
      listener = on;
      return () => (listener = undefined);
    },
  } as unknown as AgentClient;
  return { agent, push: (records) => listener?.({ event: 'kernel-log', records, tainted: 0 } as KernelLogEvent), abandoned };
}

function recordingWriter(): { writer: ResultsWriter; events: KernelEventLine[] } {
  const events: KernelEventLine[] = [];
  const writer = { append: (lines: ResultLine[]) => events.push(...lines.filter((line): line is KernelEventLine => line.kind === 'kernel-event')) } as unknown as ResultsWriter;
  return { writer, events };
}

describe('execution/kernel-watch (the console as a source)', () => {
  it('a panic on the console: attributed to the unanswered request of its driver, handed over as the fatal report', async () => {
    const console = new ConsoleLines();
    const { writer, events } = recordingWriter();
    const { agent, abandoned } = quietAgent();
    const watch = await KernelWatch.start(agent, console, writer, algorithms, () => undefined);
    watch.setPhase('vectors');
    const answered = batch('nist/ECBGFSbox128.rsp', [generic, aesni]);
    const running = batch('nist/ECBMMT128.rsp', [generic, aesni]);
    const queued = batch('nist/ECBMMT192.rsp', [generic, aesni]);
    for (const one of [answered, running, queued]) watch.requestSent(one);
    // answered, still counted in flight for late reports: not the one the panic belongs to
    watch.requestAnswered(answered);
    assert.equal(await watch.fatalReport(10_000, 0), undefined);
    for (const line of capture('panic').split('\n')) console.push(line);
    const [panic] = events.filter((event) => event.event === 'panic');
    assert.deepEqual([panic?.driver, panic?.source, panic?.function, panic?.module, panic?.phase], ['ecb-aes-fixture-panic', running.source, 'fixture_panic_check', 'afalg_fixture_panic', 'vectors']);
    const fatal = await watch.fatalReport(10_000, 0);
    assert.equal(fatal?.batch, running);
    assert.equal(fatal?.driver, 'ecb-aes-fixture-panic');
    // the agent died with the kernel: its requests fail now, not at their timeout
    assert.deepEqual(abandoned, [`the kernel panicked ("${panic?.title}")`]);
    watch.stop();
  });

  it("an oops on a board's serial console and through the agent's kmsg reader: one event, whichever comes first", async () => {
    const console = new ConsoleLines();
    const { writer, events } = recordingWriter();
    const { agent, push } = quietAgent();
    const watch = await KernelWatch.start(agent, console, writer, algorithms, () => undefined);
    watch.setPhase('vectors');
    const request = batch('nist/ECBMMT128.rsp', [{ name: 'ecb-aes-fixture-oops', generic: false }, aesni]);
    watch.requestSent(request);
    const lines = capture('oops-null-deref').split('\n');
    for (const line of lines) console.push(line);
    const records = lines.map(normalizeLogLine).filter((line) => line.timestamp !== undefined).map((line, seq) => ({ seq, usec: Math.round((line.timestamp as number) * 1e6), text: line.text, level: 4 }));
    push(records as KernelLogRecord[]);
    const oopses = events.filter((event) => event.event === 'null-deref');
    assert.equal(oopses.length, 1, events.map((event) => event.title).join(' | '));
    assert.deepEqual([oopses[0]?.driver, oopses[0]?.source, oopses[0]?.function], ['ecb-aes-fixture-oops', request.source, 'fixture_oops_submit']);
    // an oops is fatal to the task, not to the kernel: no fatal report (the agent reports it itself)
    assert.equal(await watch.fatalReport(10_000, 0), undefined);
    watch.stop();
  });

  it("a panic's first line through the agent's reader (the rest cut off with the CPUs): the console's whole copy is the one recorded", async () => {
    const console = new ConsoleLines();
    const { writer, events } = recordingWriter();
    const { agent, push, abandoned } = quietAgent();
    const watch = await KernelWatch.start(agent, console, writer, algorithms, () => undefined);
    watch.setPhase('vectors');
    const running = batch('nist/ECBMMT128.rsp', [generic, aesni]);
    watch.requestSent(running);
    const lines = capture('panic').split('\n');
    const first = normalizeLogLine(lines.find((line) => line.includes('Kernel panic')) as string);
    push([{ seq: 0, usec: Math.round((first.timestamp as number) * 1e6), text: first.text, level: 0 } as KernelLogRecord]);
    // the reader's idle flush hands the cut copy over: held, but the requests fail at once
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.equal(events.length, 0);
    assert.equal(abandoned.length, 1);
    for (const line of lines) console.push(line);
    const panics = events.filter((event) => event.event === 'panic');
    assert.equal(panics.length, 1);
    assert.deepEqual([panics[0]?.function, panics[0]?.module, panics[0]?.driver, panics[0]?.source], ['fixture_panic_check', 'afalg_fixture_panic', 'ecb-aes-fixture-panic', running.source]);
    assert.match(panics[0]?.text ?? '', /Kernel Offset: disabled$/);
    assert.equal((await watch.fatalReport(10_000, 0))?.driver, 'ecb-aes-fixture-panic');
    watch.stop();
    assert.equal(events.filter((event) => event.event === 'panic').length, 1, 'the cut copy is not recorded too');
  });

  it('a cut copy the console never brings is recorded as it is when the watch stops', async () => {
    const console = new ConsoleLines();
    const { writer, events } = recordingWriter();
    const { agent, push } = quietAgent();
    const watch = await KernelWatch.start(agent, console, writer, algorithms, () => undefined);
    push([{ seq: 0, usec: 21_168_231, text: 'Kernel panic - not syncing: afalg fixture: engine state lost on a 144-byte request', level: 0 } as KernelLogRecord]);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.equal(events.length, 0);
    watch.stop();
    assert.deepEqual(events.map((event) => [event.event, event.function]), [['panic', undefined]]);
  });

  it('oops=panic: the "Fatal exception" panic right after an oops is attributed to the oops\'s driver and request', async () => {
    const console = new ConsoleLines();
    const { writer, events } = recordingWriter();
    const watch = await KernelWatch.start(quietAgent().agent, console, writer, algorithms, () => undefined);
    watch.setPhase('vectors');
    const other = batch('nist/ECBGFSbox128.rsp', [aesni]);
    const request = batch('nist/ECBMMT128.rsp', [{ name: 'ecb-aes-fixture-oops', generic: false }, aesni]);
    watch.requestSent(other);
    watch.requestSent(request);
    for (const line of capture('oops-null-deref').split('\n')) console.push(line);
    console.push('[   21.201000] Kernel panic - not syncing: Fatal exception');
    console.push('[   21.201100] Kernel Offset: disabled');
    const panic = events.find((event) => event.event === 'panic');
    assert.deepEqual([panic?.title, panic?.driver, panic?.source], ['Kernel panic - not syncing: Fatal exception', 'ecb-aes-fixture-oops', request.source]);
    assert.equal((await watch.fatalReport(10_000, 0))?.batch, request);
    watch.stop();
  });
});
