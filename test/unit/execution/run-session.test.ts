import assert from 'node:assert/strict';
import { usesKernelExecutor } from '../../../harness/execution/run-session.js';

describe('run session: which runs reach the in-kernel executor (and so keep the Node agent under auto)', () => {
  it('a run that asks for it, or loads its module among its files; not a plain run or one with other modules', () => {
    assert.equal(usesKernelExecutor({ fixtures: [], moduleFiles: [], kernelExecutor: true }), true);
    assert.equal(usesKernelExecutor({ fixtures: [], moduleFiles: ['/cache/kexec/7.2.13/afalg_kexec.ko'] }), true);
    assert.equal(usesKernelExecutor({ fixtures: ['oops'], moduleFiles: ['/tmp/my_driver.ko'] }), false);
    assert.equal(usesKernelExecutor({ fixtures: [], moduleFiles: [], kernelExecutor: false }), false);
  });
});
