import assert from 'node:assert/strict';
import { KmsgRing, parseKmsgRecord } from '../../../harness/agent/kmsg-records.js';
import { LinkLock, writeAllSync } from '../../../harness/agent/link-lock.js';

const record = (seq: number) => ({ seq, level: 6, usec: seq * 1000, text: `line ${seq}` });

describe('kernel log records (the agent side)', () => {
  it('parses a /dev/kmsg record: level from the priority, sequence, microseconds, text without the dictionary', () => {
    assert.deepEqual(parseKmsgRecord('4,1234,19291397,-;BUG: kernel NULL pointer dereference\n SUBSYSTEM=cpu\n'), {
      seq: 1234,
      level: 4,
      usec: 19291397,
      text: 'BUG: kernel NULL pointer dereference',
    });
    // facility 3 (daemon) << 3 | level 6
    assert.equal(parseKmsgRecord('30,7,100,c;systemd[1]: started')?.level, 6);
    assert.equal(parseKmsgRecord('not a record'), undefined);
    assert.equal(parseKmsgRecord('6,9,1,-;rcu: \\x090-....: (4308 ticks this GP)')?.text, 'rcu: \t0-....: (4308 ticks this GP)');
    // each byte of a UTF-8 character is escaped; an escaped backslash stays one
    assert.equal(parseKmsgRecord('6,9,1,-;caf\\xc3\\xa9 \\x5cx41 \\xzz')?.text, 'caf\u00e9 \\x41 \\xzz');
  });

  it('answers the records since a cursor, at most max, with the next cursor', () => {
    const ring = new KmsgRing();
    for (let seq = 0; seq < 10; seq++) ring.add(record(seq));
    assert.deepEqual(ring.since(7), { records: [record(7), record(8), record(9)], next: 10, dropped: 0 });
    assert.deepEqual(ring.since(2, 2), { records: [record(2), record(3)], next: 4, dropped: 0 });
    assert.deepEqual(ring.since(10), { records: [], next: 10, dropped: 0 });
    // max 0: nothing now, the cursor moves to the end (what a host that wants only new records asks)
    assert.equal(ring.since(0, 0).next, 10);
  });

  it('says how many asked-for records are gone: pushed out of the ring, or skipped by the kernel', () => {
    const ring = new KmsgRing(4);
    for (let seq = 0; seq < 10; seq++) ring.add(record(seq));
    assert.deepEqual(ring.since(0).records.map((one) => one.seq), [6, 7, 8, 9]);
    assert.equal(ring.since(0).dropped, 6);
    const gap = new KmsgRing();
    gap.add(record(0));
    gap.add(record(5));
    assert.equal(gap.since(1).dropped, 4);
  });

  it('the link lock: one holder at a time, a holder that never releases is outwaited', () => {
    const lock = new LinkLock();
    assert.equal(lock.holding(() => Atomics.load(lock.cells, 0)), 1);
    assert.equal(Atomics.load(lock.cells, 0), 0);
    lock.acquire(); // and never released, as by a thread killed mid-write
    const started = Date.now();
    new LinkLock(lock.cells).acquire();
    assert.ok(Date.now() - started >= 1900, 'waited for the holder before taking the lock');
  });

  it('writes a frame whole across partial writes and EAGAIN', () => {
    const written: Buffer[] = [];
    let calls = 0;
    writeAllSync(9, Buffer.from('0123456789'), (_fd, bytes, offset) => {
      calls++;
      if (calls === 2) throw Object.assign(new Error('busy'), { code: 'EAGAIN' });
      const piece = bytes.subarray(offset, offset + 4);
      written.push(piece);
      return piece.length;
    });
    assert.equal(Buffer.concat(written).toString(), '0123456789');
    assert.throws(() => writeAllSync(9, Buffer.from('x'), () => { throw Object.assign(new Error('gone'), { code: 'EIO' }); }), /gone/);
  });
});
