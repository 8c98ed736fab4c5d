import assert from 'node:assert/strict';
import type { HangLine, ResultLine } from '../../../../harness/results/result-model.js';
import { describeHang, hangAftermath, hangFailures, outcomeText } from '../../../../harness/results/summary/hangs.js';
import { summarize } from '../../../../harness/results/summary.js';
import { ALGORITHM, fixtureMeta, WYCHEPROOF } from '../run-fixture.js';
import { withoutFailures } from './summary-fixture.js';

describe('results/summary/hangs', () => {
  it('a hang through the generic name fails the generic row and its bound driver, and the selection is critical', () => {
    const hang: ResultLine = {
      kind: 'hang',
      algorithm: ALGORITHM,
      target: ALGORITHM,
      generic: true,
      boundDriver: 'cbc-aes-aesni',
      source: WYCHEPROOF,
      case: 'tcId 90',
      strategy: 'oneshot',
      op: 'encrypt',
      expectation: 'valid',
      bytes: 68,
      seconds: 20,
      then: 'restarted',
    };
    const summary = summarize(fixtureMeta(), [...withoutFailures(), hang]);
    assert.deepEqual(summary.hangs, [hang]);
    const hungRows = summary.rows.filter((row) => row.hung).map((row) => row.target);
    assert.deepEqual(hungRows, [ALGORITHM, 'cbc-aes-aesni']);
    const driverRow = summary.rows.find((row) => row.target === 'cbc-aes-aesni');
    assert.deepEqual(driverRow?.failures.map((failure) => [failure.status, failure.case, failure.error, failure.comment]), [['hang', 'tcId 90', 'no answer within 20 s (68 bytes)', 'through the generic name cbc(aes)']]);
    assert.deepEqual([summary.verdict, summary.exitCode], ['fail', 1]);
    const critical = summary.verdicts.find((verdict) => verdict.severity === 'critical');
    assert.match(critical?.message ?? '', /selects cbc-aes-aesni \(priority 400\), which hangs/);
    assert.equal(summary.rows.filter((row) => row.target !== ALGORITHM && row.target !== 'cbc-aes-aesni').every((row) => !row.hung && row.failed === 0), true);
  });

  const HANG: HangLine = { kind: 'hang', algorithm: ALGORITHM, target: ALGORITHM, generic: true, boundDriver: 'cbc-aes-aesni', source: WYCHEPROOF, case: 'tcId 90', strategy: 'oneshot', bytes: 68, seconds: 20, then: 'stopped' };

  it('charges a hang to the target and, through a generic name, to the bound driver; expectation valid unless given', () => {
    const [generic, bound, ...rest] = hangFailures({ ...HANG, seed: '7' });
    assert.deepEqual(rest, []);
    assert.deepEqual(generic, { target: ALGORITHM, generic: true, failure: { source: WYCHEPROOF, case: 'tcId 90', strategy: 'oneshot', status: 'hang', expectation: 'valid', error: 'no answer within 20 s (68 bytes)', seed: '7' } });
    assert.deepEqual([bound?.target, bound?.generic, bound?.failure.comment], ['cbc-aes-aesni', false, 'through the generic name cbc(aes)']);
    const driverHang = hangFailures({ ...HANG, target: 'cbc-aes-aesni', generic: false, op: 'decrypt', expectation: 'invalid' });
    assert.deepEqual(driverHang.map((one) => [one.target, one.failure.op, one.failure.expectation]), [['cbc-aes-aesni', 'decrypt', 'invalid']]);
    // a request the kernel's report ended at once did not time out: its failure says what ended it
    const [faulted] = hangFailures({ ...HANG, seconds: 0, fault: 'BUG: kernel NULL pointer dereference, address: 0000000000000000' });
    assert.equal(faulted?.failure.error, 'ended by the kernel\'s report "BUG: kernel NULL pointer dereference, address: 0000000000000000" after 0 s (68 bytes)');
  });

  it('says a hang, what followed it and how a failed execution went in words', () => {
    assert.equal(describeHang(HANG), 'cbc(aes) (bound to cbc-aes-aesni) hung: an operation of 68 bytes, ' + WYCHEPROOF + ' tcId 90 [oneshot], no answer within 20 s');
    assert.equal(describeHang({ ...HANG, generic: false, target: 'cbc-aes-aesni', op: 'encrypt' }), 'cbc-aes-aesni hung: encrypt of 68 bytes, ' + WYCHEPROOF + ' tcId 90 [oneshot], no answer within 20 s');
    assert.equal(hangAftermath(HANG), 'the run stopped here');
    assert.equal(hangAftermath({ ...HANG, then: 'restarted' }), 'the target was restarted and the run went on without it');
    assert.deepEqual((['hang', 'error', 'fail'] as const).map((status) => outcomeText(status)), ['no answer (hang)', 'unexpected error', 'wrong answer']);
  });
});
