/**
 * The captured reports damaged the ways a live log damages them: cut mid-trace, interleaved with
 * the agent's and init's output, the end marker lost, garbage bytes from a serial line, in kmsg's
 * record format, without timestamps, fed line by line. The kind, function and module must survive.
 */
import assert from 'node:assert/strict';
import { KernelEventParser, parseKernelLog, taintFlags, type KernelEvent, type KernelEventKind } from '../../../harness/kernel-log/kernel-events.js';
import { capture } from './captures.js';

const oopsLines = capture('oops-null-deref').split('\n');

function assertOops(events: KernelEvent[], kind: KernelEventKind = 'null-deref'): KernelEvent {
  const found = events.filter((event) => event.kind === kind);
  assert.equal(found.length, 1, `one ${kind}: ${events.map((event) => `${event.kind} ${event.title}`).join(' | ')}`);
  const event = found[0] as KernelEvent;
  assert.equal(event.function, 'fixture_oops_submit');
  assert.equal(event.module, 'afalg_fixture_oops');
  return event;
}

/** the line index of the first line containing `text` */
function lineOf(lines: string[], text: string): number {
  const index = lines.findIndex((line) => line.includes(text));
  assert.ok(index >= 0, text);
  return index;
}

describe('kernel events in damaged text', () => {
  it('cut mid-trace: flush hands over the event, marked incomplete', () => {
    const cut = oopsLines.slice(0, lineOf(oopsLines, 'skcipher_recvmsg') + 1).join('\n');
    const event = assertOops(parseKernelLog(cut));
    assert.equal(event.end, 'flush');
    assert.equal(event.complete, false);
    assert.equal(event.callTrace.length, 2);
  });

  it('cut before the RIP line: no function to name, the kind and taint stay', () => {
    const cut = oopsLines.slice(0, lineOf(oopsLines, 'Hardware name') + 1).join('\n');
    const [event] = parseKernelLog(cut).filter((one) => one.kind === 'null-deref');
    assert.equal(event?.function, undefined);
    assert.deepEqual(event?.taint, ['W', 'O', 'E']);
  });

  it('interleaved with protocol frames, init lines and agent output: the same event, the foreign lines left out', () => {
    const foreign = ['@afalg1 {"id":7,"ok":true,"result":{}}', 'afalg-init: 12.02 agent-start', 'agent: read /dev/vport1p1: EAGAIN', ''];
    const mixed = oopsLines.flatMap((line, i) => (i % 3 === 0 ? [line, foreign[i % foreign.length] as string] : [line]));
    const event = assertOops(parseKernelLog(mixed.join('\n')));
    assert.equal(event.end, 'marker');
    assert.doesNotMatch(event.text, /afalg1|afalg-init|agent:/);
    assert.equal(event.text, assertOops(parseKernelLog(oopsLines.join('\n'))).text);
  });

  it('the end marker lost: the event ends a few lines after its call trace', () => {
    const noMarker = oopsLines.filter((line) => !line.includes('---[ end trace'));
    const event = assertOops(parseKernelLog(noMarker.join('\n')));
    assert.equal(event.end, 'trace');
    assert.equal(event.complete, true);
    assert.match(event.text, /CR2: 0000000000000000/);
  });

  it('garbage bytes: NULs, undecodable bytes, ANSI escapes, junk before timestamps, lines of noise', () => {
    const garbled = oopsLines.flatMap((line, i) => {
      if (i % 4 === 0) return [`\u0000\ufffd\u001b[0m${line}`, '\ufffd\ufffd#@!\u0007'];
      if (i % 4 === 1) return [`xx\u0003${line.replace('] ', ']\u0000 ')}`];
      return [line];
    });
    const event = assertOops(parseKernelLog(garbled.join('\r\n')));
    assert.equal(event.end, 'marker');
    assert.equal(event.callTrace[0]?.module, 'afalg_fixture_oops');
  });

  it('kmsg records (level, sequence, microseconds, escaped tabs)', () => {
    const kmsg = capture('rcu-stall')
      .split('\n')
      .map((line, seq) => {
        const match = /^\[\s*(\d+)\.(\d+)\] (.*)$/.exec(line);
        return match ? `4,${1000 + seq},${match[1]}${match[2]},-;${(match[3] as string).replace(/\t/g, '\\x09')}` : line;
      });
    const stall = parseKernelLog(kmsg.join('\n')).find((event) => event.kind === 'rcu-stall');
    assert.equal(stall?.function, 'fixture_spin_wait');
    assert.equal(stall?.module, 'afalg_fixture_softlockup');
    assert.equal(stall?.timestamp, 47.805066);
    assert.match(stall?.text ?? '', /\n\[ {3}47\.805531\] rcu: \t0-\.\.\.\.: \(4308 ticks/);
  });

  it('no timestamps at all (printk.time=0): recognised by the lines alone', () => {
    const bare = oopsLines.map((line) => line.replace(/^\[\s*\d+\.\d+\] /, ''));
    const event = assertOops(parseKernelLog(bare.join('\n')));
    assert.equal(event.timestamp, undefined);
    assert.equal(event.end, 'marker');
  });

  it('streaming: the event comes out of the push of its end marker, not before', () => {
    const parser = new KernelEventParser();
    const marker = lineOf(oopsLines, '---[ end trace');
    const opener = lineOf(oopsLines, 'BUG: kernel NULL');
    oopsLines.forEach((line, i) => {
      const events = parser.push(line).filter((event) => event.kind !== 'taint-change');
      assert.equal(events.length, i === marker ? 1 : 0, `line ${i}: ${line}`);
      if (i > opener && i < marker) assert.ok(parser.inEvent);
    });
    assert.deepEqual(parser.flush(), []);
  });

  it('a report cut by the next one (an oops, then the panic it causes): both, the first marked next-event', () => {
    const cut = oopsLines.slice(0, lineOf(oopsLines, 'sock_read_iter') + 1);
    const panic = capture('panic').split('\n');
    const events = parseKernelLog([...cut, ...panic].join('\n')).filter((event) => event.kind !== 'taint-change');
    assert.deepEqual(events.map((event) => [event.kind, event.end]), [['null-deref', 'next-event'], ['panic', 'panic-tail']]);
    assert.equal(events[0]?.function, 'fixture_oops_submit');
    assert.equal(events[1]?.module, 'afalg_fixture_panic');
  });

  it('a long run of foreign unstamped-looking lines ends an event whose end was lost', () => {
    const bare = oopsLines.slice(0, lineOf(oopsLines, 'PKRU') + 1).map((line) => line.replace(/^\[\s*\d+\.\d+\] /, ''));
    const noise = Array.from({ length: 12 }, (_, i) => `progress ${i} of 12 done`);
    const events = parseKernelLog([...bare, ...noise].join('\n')).filter((event) => event.kind === 'null-deref');
    assert.equal(events[0]?.end, 'noise');
    assert.doesNotMatch(events[0]?.text ?? '', /progress/);
  });

  it('arm64 form: `pc : func+off/size [module]`, `Internal error: Oops` inside the report, frames without <TASK>', () => {
    const arm64 = [
      '[   31.402114] Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000',
      '[   31.402420] Mem abort info:',
      '[   31.402551]   ESR = 0x0000000096000045',
      '[   31.403902] Internal error: Oops: 0000000096000045 [#1] SMP',
      '[   31.404120] Modules linked in: afalg_fixture_oops(OE) algif_skcipher af_alg',
      '[   31.404473] CPU: 1 PID: 412 Comm: node Tainted: G           OE      6.1.0-56-arm64 #1  Debian 6.1.192-2',
      '[   31.404860] pc : fixture_oops_submit+0x14/0x28 [afalg_fixture_oops]',
      '[   31.405033] lr : fixture_encrypt+0x1c/0x60 [afalg_fixture_oops]',
      '[   31.405202] sp : ffff80000a6b3b40',
      '[   31.405920] Call trace:',
      '[   31.406011]  fixture_oops_submit+0x14/0x28 [afalg_fixture_oops]',
      '[   31.406160]  fixture_encrypt+0x1c/0x60 [afalg_fixture_oops]',
      '[   31.406309]  skcipher_recvmsg+0x1a0/0x360 [algif_skcipher]',
      '[   31.406802]  el0t_64_sync+0x18c/0x190',
      '[   31.406950] Code: 90000001 b9400021 6b01001f 54000060 (b9000000)',
      '[   31.407111] ---[ end trace 0000000000000000 ]---',
    ];
    const event = assertOops(parseKernelLog(arm64.join('\n')));
    assert.deepEqual(event.taint, ['O', 'E']);
    assert.equal(event.callTrace.length, 4);
    assert.equal(event.end, 'marker');
  });

  it('taint flags of /proc/sys/kernel/tainted', () => {
    assert.deepEqual(taintFlags(0), []);
    assert.deepEqual(taintFlags(512 + 4096 + 8192), ['W', 'O', 'E']);
    assert.deepEqual(taintFlags(1 + 16384), ['P', 'L']);
  });
});
