/**
 * The kernel's console as a source of events: a board's serial console (the port's lines that are
 * not protocol frames, as SerialTarget's ConsoleLines gets them, shell echoes and link notices
 * among them) and a QEMU guest's console (raw chunks), fed with the text captured from the fixtures.
 */
import assert from 'node:assert/strict';
import { ConsoleLines } from '../../../harness/targets/console-lines.js';
import { EventsSeen, followConsole } from '../../../harness/kernel-log/follow-console.js';
import { KernelEventParser, normalizeLogLine, type KernelEvent } from '../../../harness/kernel-log/kernel-events.js';
import { capture } from './captures.js';

const lines = (name: string): string[] => capture(name).split('\n');

describe('kernel-log/follow-console', () => {
  it("a serial board's console: the oops among shell echoes and link notices is an event as soon as it ends", () => {
    const console = new ConsoleLines();
    const events: KernelEvent[] = [];
    const follow = followConsole(console, (event) => events.push(event));
    console.push('root@board:~# exec /tmp/afalg-agent');
    console.push('[link] request 12 (\'matrix\') reached the agent damaged (bad checksum): sent again (1 of 3)');
    const oops = lines('oops-null-deref');
    oops.forEach((line, at) => {
      console.push(line);
      if (at === 4) console.push('[corrupt frame] {"id":13,"ok":tr'); // a frame the kernel's lines cut
    });
    const found = events.filter((event) => event.kind === 'null-deref');
    assert.equal(found.length, 1, `before stop(): ${events.map((event) => event.title).join(' | ')}`);
    const [event] = found as [KernelEvent];
    assert.deepEqual([event.function, event.module, event.end], ['fixture_oops_submit', 'afalg_fixture_oops', 'marker']);
    assert.doesNotMatch(event.text, /corrupt frame|\[link\]/);
    follow.stop();
  });

  it("a QEMU guest's console in raw chunks: the panic ends at its Kernel Offset line, before QEMU's exit", () => {
    const console = new ConsoleLines();
    const events: KernelEvent[] = [];
    followConsole(console, (event) => events.push(event));
    const text = Buffer.from(capture('panic'));
    // chunks cut mid-line, as a pipe delivers them
    for (let at = 0; at < text.length; at += 97) console.pushChunk(text.subarray(at, at + 97));
    const panic = events.find((event) => event.kind === 'panic');
    assert.ok(panic, events.map((event) => event.title).join(' | '));
    assert.deepEqual([panic.function, panic.module, panic.end], ['fixture_panic_check', 'afalg_fixture_panic', 'panic-tail']);
    assert.equal(panic.title, 'Kernel panic - not syncing: afalg fixture: engine state lost on a 144-byte request');
  });

  it('a panic cut where the guest died is handed over once the console is quiet, and stop() stops listening', async () => {
    const console = new ConsoleLines();
    const events: KernelEvent[] = [];
    const follow = followConsole(console, (event) => events.push(event), { idleFlushMs: 30 });
    const panic = lines('panic');
    const cut = panic.findIndex((line) => /entry_SYSCALL_64/.test(line));
    for (const line of panic.slice(0, cut)) console.push(line);
    assert.equal(events.filter((event) => event.kind === 'panic').length, 0);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const [event] = events.filter((one) => one.kind === 'panic');
    assert.deepEqual([event?.function, event?.end, event?.complete], ['fixture_panic_check', 'flush', false]);
    follow.stop();
    const seen = events.length;
    for (const line of lines('oops-null-deref')) console.push(line);
    assert.equal(events.length, seen, 'nothing after stop()');
  });
});

describe('kernel-log/EventsSeen', () => {
  /** The events of a console capture, and the same records as the agent's /dev/kmsg reader gives them. */
  function bothCopies(name: string): { console: KernelEvent[]; kmsg: KernelEvent[] } {
    const consoleParser = new KernelEventParser();
    const kmsgParser = new KernelEventParser();
    const console: KernelEvent[] = [];
    const kmsg: KernelEvent[] = [];
    for (const raw of lines(name)) {
      console.push(...consoleParser.push(raw));
      const line = normalizeLogLine(raw);
      if (line.timestamp !== undefined) kmsg.push(...kmsgParser.pushRecord(line.text, Math.round(line.timestamp * 1e6) / 1e6));
    }
    return { console: [...console, ...consoleParser.flush()], kmsg: [...kmsg, ...kmsgParser.flush()] };
  }

  it('the oops through the console and through kmsg: recorded once, whichever comes first', () => {
    const { console, kmsg } = bothCopies('oops-null-deref');
    const oops = (events: KernelEvent[]): KernelEvent => events.find((event) => event.kind === 'null-deref') as KernelEvent;
    const seen = new EventsSeen();
    assert.equal(seen.firstTime(oops(kmsg), 1000), true);
    assert.equal(seen.firstTime(oops(console), 1200), false);
    const other = new EventsSeen();
    assert.equal(other.firstTime(oops(console), 1000), true);
    assert.equal(other.firstTime(oops(kmsg), 60_000), false, 'the same kernel timestamp: the same report, however late');
  });

  it('the same report printed again later is a new event; without timestamps, only copies close in time are the same', () => {
    const seen = new EventsSeen();
    const warning = { kind: 'warning' as const, title: 'WARNING: CPU: 0 PID: 1 at x.c:1 f+0x1/0x2', timestamp: 12.5 };
    assert.equal(seen.firstTime(warning, 0), true);
    assert.equal(seen.firstTime({ ...warning, timestamp: 14.25 }, 10), true);
    const unstamped = { kind: 'oops' as const, title: 'Unable to handle kernel paging request at virtual address 0000000000000008' };
    assert.equal(seen.firstTime(unstamped, 0), true);
    assert.equal(seen.firstTime({ ...unstamped, timestamp: 3.5 }, 2000), false, 'a stamped copy of an unstamped one, seconds apart');
    assert.equal(seen.firstTime(unstamped, 60_000), true, 'a minute later: another oops');
  });
});
