/**
 * The report forms the fixtures cannot produce on Debian's kernel (no KASAN, UBSAN or KFENCE there,
 * no NMI watchdog under TCG): short texts written after the kernel's own formats (mm/kasan/report.c,
 * lib/ubsan.c, mm/kfence/report.c, kernel/watchdog_hld.c, arch/x86/kernel/dumpstack.c), to pin down
 * how each opens and ends and what it names.
 */
import assert from 'node:assert/strict';
import { describeKernelEvent, parseKernelLog } from '../../../harness/kernel-log/kernel-events.js';

const SEP = '==================================================================';
const TRACE = (frames: string[]) => ['Call Trace:', ' <TASK>', ...frames.map((frame) => ` ${frame}`), ' </TASK>'];
const one = (lines: string[]) => {
  const events = parseKernelLog(lines.join('\n'));
  assert.equal(events.length, 1, events.map((event) => event.title).join(' | '));
  return events[0] as NonNullable<(typeof events)[number]>;
};

describe('kernel report forms', () => {
  it('KASAN: the function from the title, ended by the closing separator (not by its first call trace)', () => {
    const event = one([
      SEP,
      'BUG: KASAN: slab-out-of-bounds in drv_copy_iv+0x3c/0x90 [drv_engine]',
      'Write of size 16 at addr ffff888004a1c2f0 by task node/412',
      'CPU: 0 PID: 412 Comm: node Tainted: G           OE      6.1.0 #1',
      ...TRACE(['dump_stack_lvl+0x44/0x5c', 'print_report+0x17f/0x47b', 'kasan_report+0xae/0xe0', 'drv_copy_iv+0x3c/0x90 [drv_engine]', 'skcipher_recvmsg+0x15a/0x320 [algif_skcipher]']),
      'Allocated by task 412:',
      ' kasan_save_stack+0x1e/0x40',
      ' __kmalloc+0x4a/0xd0',
      SEP,
    ]);
    assert.deepEqual([event.kind, event.function, event.module, event.end, event.pid], ['kasan', 'drv_copy_iv', 'drv_engine', 'separator', 412]);
  });

  it('UBSAN: the source from the title, the function from the first frame past the reporting machinery', () => {
    const event = one([
      '================================================================================',
      'UBSAN: array-index-out-of-bounds in drivers/crypto/drv/drv_main.c:212:9',
      'index 8 is out of range for type \'u32 [8]\'',
      'CPU: 1 PID: 377 Comm: node Not tainted 6.1.0 #1',
      ...TRACE(['dump_stack_lvl+0x44/0x5c', 'ubsan_epilogue+0x5/0x40', '__ubsan_handle_out_of_bounds.cold+0x44/0x49', 'drv_setkey+0x88/0xa0 [drv_engine]']),
      '================================================================================',
    ]);
    assert.deepEqual([event.kind, event.function, event.module, event.source, event.end], ['ubsan', 'drv_setkey', 'drv_engine', 'drivers/crypto/drv/drv_main.c:212:9', 'separator']);
    assert.deepEqual(event.taint, []);
  });

  it('KFENCE: the function from the title', () => {
    const event = one([SEP, 'BUG: KFENCE: use-after-free read in drv_complete+0x21/0x60 [drv_engine]', '', 'Use-after-free read at 0x00000000a6c1d3f7 (in kfence-#12):', ' drv_complete+0x21/0x60 [drv_engine]', SEP]);
    assert.deepEqual([event.kind, event.function, event.module], ['kfence', 'drv_complete', 'drv_engine']);
  });

  it('general protection fault and kernel BUG at: the oops line inside belongs to the report', () => {
    const gpf = one([
      'general protection fault, probably for non-canonical address 0xdead000000000122: 0000 [#1] PREEMPT SMP NOPTI',
      'CPU: 1 PID: 377 Comm: node Tainted: G           OE      6.1.0 #1',
      'RIP: 0010:drv_unmap+0x12/0x50 [drv_engine]',
      ...TRACE(['drv_complete+0x30/0x60 [drv_engine]']),
      '---[ end trace 0000000000000000 ]---',
    ]);
    assert.deepEqual([gpf.kind, gpf.function, gpf.module, gpf.end], ['gpf', 'drv_unmap', 'drv_engine', 'marker']);
    const bug = one(['kernel BUG at drivers/crypto/drv/drv_main.c:88!', 'invalid opcode: 0000 [#1] PREEMPT SMP NOPTI', 'RIP: 0010:drv_queue+0x1b/0x20 [drv_engine]', '---[ end trace 0000000000000000 ]---']);
    assert.deepEqual([bug.kind, bug.function, bug.source], ['bug', 'drv_queue', 'drivers/crypto/drv/drv_main.c:88']);
  });

  it('hard lockup and a BUG that only dumps the stack: ended with their call trace', () => {
    const hard = one(['NMI watchdog: Watchdog detected hard LOCKUP on cpu 1', 'CPU: 1 PID: 377 Comm: node Tainted: G           OEL     6.1.0 #1', 'RIP: 0010:drv_poll_status+0x19/0x40 [drv_engine]', ...TRACE(['drv_encrypt+0x40/0x90 [drv_engine]'])]);
    assert.deepEqual([hard.kind, hard.function, hard.end, hard.taint], ['hard-lockup', 'drv_poll_status', 'trace', ['O', 'E', 'L']]);
    const sleeping = one([
      'BUG: sleeping function called from invalid context at mm/slab.h:723',
      'CPU: 0 PID: 377 Comm: node Tainted: G        W  OE      6.1.0 #1',
      ...TRACE(['dump_stack_lvl+0x44/0x5c', '__might_resched.cold+0xcc/0xe1', '__kmalloc+0x2d0/0x3b0', 'drv_encrypt+0x52/0x90 [drv_engine]']),
    ]);
    assert.deepEqual([sleeping.kind, sleeping.function, sleeping.module, sleeping.moduleFrame?.function], ['bug', '__kmalloc', undefined, 'drv_encrypt']);
    assert.equal(describeKernelEvent(sleeping), 'bug in __kmalloc (called from drv_encrypt [drv_engine])');
  });
});
