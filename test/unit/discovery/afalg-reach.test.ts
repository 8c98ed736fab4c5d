import assert from 'node:assert/strict';
import { afalgFiltersOffCpu, afalgReachOf, blockedAfalgTypes, kernelVersion } from '../../../harness/discovery/afalg-reach.js';
import { markAfalgReach, type DiscoveredAlgorithm, type DiscoveredDriver } from '../../../harness/discovery/discover.js';
import { targetsOf } from '../../../harness/plan/plan.js';
import { unbindableText, type UnbindableLine } from '../../../harness/results/result-model.js';

function driver(name: string, fields: Partial<DiscoveredDriver>): DiscoveredDriver {
  return { driver: name, type: 'skcipher', priority: 100, selftest: 'passed', module: 'kernel', internal: false, refcnt: 1, ...fields };
}

/** cbc(aes) as Debian's 7.2.13 kernel lists it with a virtio-crypto device (measured). */
function cbcAes(): DiscoveredAlgorithm {
  return {
    name: 'cbc(aes)',
    afalgType: 'skcipher',
    bound: 'cbc-aes-aesni',
    inCatalog: true,
    drivers: [
      driver('cbc-aes-aesni', { priority: 400, module: 'aesni_intel', async: false, bind: 'ok' }),
      driver('virtio_crypto_aes_cbc', { priority: 150, module: 'virtio_crypto', async: true, bind: 'ENOENT' }),
      driver('cbc(aes-lib)', { async: false, bind: 'ok' }),
    ],
  };
}

describe('discovery/afalg-reach', () => {
  it('knows which kernels filter off-CPU implementations out of AF_ALG (7.2 on)', () => {
    assert.deepEqual(kernelVersion('7.2.13+deb14-amd64'), [7, 2]);
    assert.equal(afalgFiltersOffCpu('7.2.13+deb14-amd64'), true);
    assert.equal(afalgFiltersOffCpu('7.3.1'), true);
    assert.equal(afalgFiltersOffCpu('8.0.0'), true);
    assert.equal(afalgFiltersOffCpu('7.1.9'), false);
    assert.equal(afalgFiltersOffCpu('6.1.0-56-amd64'), false);
    assert.equal(afalgFiltersOffCpu('custom'), false);
    assert.equal(afalgFiltersOffCpu(undefined), false);
  });

  it('an async driver answering ENOENT on 7.2 is unreachable because it is async; on 6.1 it is merely unbindable', () => {
    const context = { kernelRelease: '7.2.13+deb14-amd64', blockedTypes: new Set<string>() };
    assert.equal(afalgReachOf({ async: true, bind: 'ENOENT' }, 'skcipher', context)?.reason, 'async');
    assert.equal(afalgReachOf({ async: false, bind: 'ENOENT' }, 'skcipher', context)?.reason, 'hardware-only-or-allocates-memory');
    assert.equal(afalgReachOf({ async: true, bind: 'ok' }, 'skcipher', context), undefined);
    assert.equal(afalgReachOf({ async: true, bind: 'ELIBBAD' }, 'skcipher', context), undefined, 'a failed self-test is not a reach problem');
    assert.equal(afalgReachOf({ async: true, bind: 'ENOENT' }, 'skcipher', { ...context, kernelRelease: '6.1.0-56-amd64' }), undefined);
  });

  it('a socket type whose every bind answers ENOENT, generic names included, is a blocked algif module', () => {
    const blocked = blockedAfalgTypes([
      { type: 'aead', bind: 'ENOENT' },
      { type: 'aead', bind: 'ENOENT' },
      { type: 'skcipher', bind: 'ok' },
      { type: 'skcipher', bind: 'ENOENT' },
    ]);
    assert.deepEqual([...blocked], ['aead']);
    const reach = afalgReachOf({ async: false, bind: 'ENOENT' }, 'aead', { kernelRelease: '6.1.0', blockedTypes: blocked });
    assert.equal(reach?.reason, 'algif-blocked');
    assert.match(reach?.detail ?? '', /algif_aead/);
  });

  it('marks virtio_crypto_aes_cbc on 7.2 and the plan records it as unreachable, never as a target', () => {
    const algorithm = cbcAes();
    markAfalgReach([algorithm], [{ type: 'skcipher', bind: 'ok' }], '7.2.13+deb14-amd64');
    const virtio = algorithm.drivers.find((d) => d.driver === 'virtio_crypto_aes_cbc');
    assert.equal(virtio?.afalgReach?.reason, 'async');
    assert.ok(algorithm.drivers.filter((d) => d.driver !== 'virtio_crypto_aes_cbc').every((d) => d.afalgReach === undefined));
    const { targets, unbindable } = targetsOf(algorithm, undefined);
    assert.ok(!targets.some((target) => target.name === 'virtio_crypto_aes_cbc'));
    assert.equal(unbindable.length, 1);
    const line = unbindable[0] as UnbindableLine;
    assert.equal(line.afalgReach?.reason, 'async');
    assert.match(unbindableText(line), /^not reachable through AF_ALG on this kernel \(async\): .*Linux 7\.2\+ \(7\.2\.13\+deb14-amd64\).* \(bind ENOENT\)$/);
  });

  it('marks nothing on a 6.1 kernel where the same driver binds', () => {
    const algorithm = cbcAes();
    (algorithm.drivers[1] as DiscoveredDriver).bind = 'ok';
    markAfalgReach([algorithm], [], '6.1.0-56-amd64');
    assert.ok(algorithm.drivers.every((d) => d.afalgReach === undefined));
    assert.equal(unbindableText({ kind: 'unbindable', algorithm: 'a', target: 't', error: 'ELIBBAD' }), 'cannot bind the driver by its unique name: ELIBBAD');
  });
});

describe('plan: which executor serves which driver', () => {
  const reached = (): DiscoveredAlgorithm => {
    const algorithm = cbcAes();
    markAfalgReach([algorithm], [{ type: 'skcipher', bind: 'ok' }], '7.2.13+deb14-amd64');
    return algorithm;
  };
  const served = (executor: 'afalg' | 'kernel' | 'auto'): Array<[string, string]> =>
    targetsOf(reached(), undefined, executor).targets.map((target) => [target.name, target.executor ?? 'afalg']);

  it('auto: the in-kernel executor only where AF_ALG cannot reach the driver; the generic name stays AF_ALG', () => {
    assert.deepEqual(served('auto'), [
      ['cbc(aes)', 'afalg'],
      ['cbc-aes-aesni', 'afalg'],
      ['virtio_crypto_aes_cbc', 'kernel'],
      ['cbc(aes-lib)', 'afalg'],
    ]);
    assert.deepEqual(targetsOf(reached(), undefined, 'auto').unbindable, []);
  });

  it('kernel: every driver through the module; afalg: as before, the unreachable one reported', () => {
    assert.deepEqual(served('kernel').map(([, executor]) => executor), ['afalg', 'kernel', 'kernel', 'kernel']);
    assert.deepEqual(served('afalg').map(([name]) => name), ['cbc(aes)', 'cbc-aes-aesni', 'cbc(aes-lib)']);
  });

  it('auto: aead and rng drivers AF_ALG cannot reach go to the module too', () => {
    const gcm: DiscoveredAlgorithm = { ...reached(), name: 'gcm(aes)', afalgType: 'aead', drivers: [driver('virtio_gcm', { type: 'aead', async: true, bind: 'ENOENT' })] };
    const rng: DiscoveredAlgorithm = { ...reached(), name: 'stdrng', afalgType: 'rng', drivers: [driver('hw_rng_only', { type: 'rng', bind: 'ENOENT' })] };
    markAfalgReach([gcm, rng], [{ type: 'aead', bind: 'ok' }, { type: 'rng', bind: 'ok' }], '7.2.13+deb14-amd64');
    assert.deepEqual(targetsOf(gcm, undefined, 'auto').targets.map((target) => `${target.name} ${target.executor ?? 'afalg'}`), ['gcm(aes) afalg', 'virtio_gcm kernel']);
    const { targets, unbindable } = targetsOf(rng, undefined, 'auto');
    assert.deepEqual(targets.map((target) => `${target.name} ${target.executor ?? 'afalg'}`), ['stdrng afalg', 'hw_rng_only kernel']);
    assert.deepEqual(unbindable, []);
    // AF_ALG alone: reported unreachable, with the reason
    assert.equal((targetsOf(rng, undefined, 'afalg').unbindable[0] as UnbindableLine).afalgReach?.reason, 'hardware-only-or-allocates-memory');
  });
});
