/**
 * Kernel fault reports captured from the qemu/fixtures kernel-fault fixtures on the qemu-x86_64
 * guest (Debian 6.1, console with timestamps): each is recognised with its kind, the function and
 * module it names, the task and the taint.
 */
import assert from 'node:assert/strict';
import { describeKernelEvent, parseKernelLog, type KernelEvent, type KernelEventKind } from '../../../harness/kernel-log/kernel-events.js';
import { capture } from './captures.js';

function only(events: KernelEvent[], kind: KernelEventKind): KernelEvent {
  const found = events.filter((event) => event.kind === kind);
  assert.equal(found.length, 1, `one ${kind} among ${events.map((event) => event.kind).join(', ')}`);
  return found[0] as KernelEvent;
}

describe('kernel events in captured console text', () => {
  it('oops fixture: a NULL dereference in fixture_oops_submit [afalg_fixture_oops], ended by its marker', () => {
    const events = parseKernelLog(capture('oops-null-deref'));
    const oops = only(events, 'null-deref');
    assert.equal(oops.title, 'BUG: kernel NULL pointer dereference, address: 0000000000000000');
    assert.equal(oops.function, 'fixture_oops_submit');
    assert.equal(oops.module, 'afalg_fixture_oops');
    assert.equal(oops.offset, '0xf/0x20');
    assert.deepEqual(oops.moduleFrame, { function: 'fixture_oops_submit', offset: '0xf/0x20', module: 'afalg_fixture_oops', reliable: true });
    assert.deepEqual([oops.cpu, oops.pid, oops.comm], [1, 355, 'node']);
    assert.deepEqual(oops.taint, ['W', 'O', 'E']);
    assert.equal(oops.timestamp, 19.291397);
    assert.deepEqual(oops.callTrace[0], { function: 'fixture_encrypt', offset: '0xe/0x70', module: 'afalg_fixture_oops', reliable: true });
    assert.equal(oops.callTrace.filter((frame) => frame.reliable).length, 7);
    assert.equal(oops.end, 'marker');
    assert.equal(oops.complete, true);
    const lines = oops.text.split('\n');
    assert.equal(lines[0], '[   19.291397] BUG: kernel NULL pointer dereference, address: 0000000000000000');
    assert.equal(lines.at(-1), '[   19.291397] ---[ end trace 0000000000000000 ]---');
    assert.ok(lines.includes('[   19.291397]  fixture_encrypt+0xe/0x70 [afalg_fixture_oops]'));
    assert.equal(describeKernelEvent(oops), 'null-deref in fixture_oops_submit [afalg_fixture_oops]');
    // the register dump x86 repeats after the marker opens nothing
    assert.deepEqual(events.map((event) => event.kind), ['taint-change', 'null-deref']);
    assert.equal(events[0]?.title, 'afalg_fixture_oops: loading out-of-tree module taints kernel.');
  });

  it('warn fixture: a WARNING in fixture_warn_check [afalg_fixture_warn] with the source line', () => {
    const warning = only(parseKernelLog(capture('warn')), 'warning');
    assert.equal(warning.function, 'fixture_warn_check');
    assert.equal(warning.module, 'afalg_fixture_warn');
    assert.match(warning.source ?? '', /\/afalg_fixture_warn\.c:21$/);
    assert.deepEqual([warning.cpu, warning.pid, warning.comm], [1, 355, 'node']);
    assert.equal(warning.message, undefined, 'WARN_ON has no message of its own');
    assert.match(warning.text, /^\[ {3}27\.843986\] -+\[ cut here \]-+\n\[ {3}27\.843986\] WARNING: /);
    assert.equal(warning.end, 'marker');
  });

  it("the boot-time WARNING of QEMU's virtio-crypto RSA driver: testmgr's alg_test, the driver named in the message", () => {
    const events = parseKernelLog(capture('boot-warning-virtio-crypto-rsa'));
    const warning = only(events, 'warning');
    assert.equal(warning.function, 'alg_test');
    assert.equal(warning.offset, '0x7c/0xf5');
    assert.equal(warning.module, undefined);
    assert.equal(warning.source, 'crypto/testmgr.c:5907');
    assert.equal(warning.message, 'alg: self-tests for rsa using virtio-crypto-rsa failed (rc=-22)');
    assert.equal(warning.comm, 'cryptomgr_test');
    assert.deepEqual(warning.taint, ['E']);
    assert.doesNotMatch(warning.text, /qemu-system-x86_64/, "QEMU's own line on the console is not the kernel's");
  });

  it('softlockup fixture: a soft lockup in fixture_spin_wait [afalg_fixture_softlockup], ended with its call trace', () => {
    const lockup = only(parseKernelLog(capture('soft-lockup')), 'soft-lockup');
    assert.equal(lockup.title, 'watchdog: BUG: soft lockup - CPU#0 stuck for 8s! [node:355]');
    assert.equal(lockup.function, 'fixture_spin_wait');
    assert.equal(lockup.module, 'afalg_fixture_softlockup');
    assert.deepEqual([lockup.cpu, lockup.pid, lockup.comm], [0, 355, 'node']);
    assert.equal(lockup.end, 'trace');
    assert.match(lockup.text.split('\n').at(-1) ?? '', /<\/TASK>$/);
  });

  it('softlockup fixture spinning 26 s: an RCU stall on the spinning CPU, taint L', () => {
    const stall = only(parseKernelLog(capture('rcu-stall')), 'rcu-stall');
    assert.equal(stall.title, 'rcu: INFO: rcu_preempt self-detected stall on CPU');
    assert.equal(stall.function, 'fixture_spin_wait');
    assert.equal(stall.module, 'afalg_fixture_softlockup');
    assert.deepEqual(stall.taint, ['W', 'O', 'E', 'L']);
    assert.match(stall.text, /\t\(t=5250 jiffies/);
  });

  it('panic fixture: a panic whose culprit is the first frame past panic(), ended at Kernel Offset', () => {
    const panic = only(parseKernelLog(capture('panic')), 'panic');
    assert.equal(panic.title, 'Kernel panic - not syncing: afalg fixture: engine state lost on a 144-byte request');
    assert.equal(panic.function, 'fixture_panic_check');
    assert.equal(panic.module, 'afalg_fixture_panic');
    assert.equal(panic.callTrace.find((frame) => frame.module)?.function, 'fixture_panic_check.cold');
    assert.equal(panic.end, 'panic-tail');
    assert.match(panic.text.split('\n').at(-1) ?? '', /Kernel Offset: disabled$/);
    assert.doesNotMatch(panic.text, /QEMU exited/);
  });

  it('the same reports as /dev/kmsg records, read by the agent: boot WARNING, the warn fixture, then the oops', () => {
    const events = parseKernelLog(capture('boot-warn-oops.kmsg.txt'));
    assert.deepEqual(
      events.map((event) => [event.kind, event.function, event.module, event.end]),
      [
        ['warning', 'alg_test', undefined, 'marker'],
        ['taint-change', undefined, undefined, 'line'],
        ['warning', 'fixture_warn_check', 'afalg_fixture_warn', 'marker'],
        ['null-deref', 'fixture_oops_submit', 'afalg_fixture_oops', 'marker'],
      ],
    );
    const oops = events[3] as KernelEvent;
    assert.equal(oops.timestamp, 23.314402);
    assert.match(oops.text.split('\n')[0] ?? '', /^\[ {3}23\.314402\] BUG: kernel NULL pointer dereference/);
    assert.match(events[0]?.message ?? '', /virtio-crypto-rsa/);
  });

  it('xts_hang fixture: a hung task blocked in skcipher_recvmsg [algif_skcipher]', () => {
    const hung = only(parseKernelLog(capture('hung-task')), 'hung-task');
    assert.equal(hung.title, 'INFO: task node:355 blocked for more than 10 seconds.');
    assert.deepEqual([hung.pid, hung.comm], [355, 'node']);
    assert.equal(hung.function, 'skcipher_recvmsg');
    assert.equal(hung.module, 'algif_skcipher');
    assert.deepEqual(hung.taint, ['W', 'O', 'E']);
    assert.equal(hung.end, 'trace');
  });
});
