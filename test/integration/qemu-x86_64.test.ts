/**
 * Boots the qemu-x86_64 guest for real (TCG is fine) and asks its kernel. Nothing here is mocked:
 * every expected value is a published test vector, and every answer comes from AF_ALG in the guest.
 */
import assert from 'node:assert/strict';
import { loadBoard } from '../../harness/board/board.js';
import { openTarget } from '../../harness/targets/open-target.js';
import type { Target } from '../../harness/targets/target.js';
import { discover, type DiscoveryResult } from '../../harness/discovery/discover.js';
import type { Case, CaseOutcome, SplitStrategy } from '../../harness/protocol/messages.js';

const b64 = (hex: string): string => Buffer.from(hex.replace(/\s+/g, ''), 'hex').toString('base64');

// FIPS 180-2, appendix B.1
const SHA256_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
// SP 800-38A F.2.1 CBC-AES128.Encrypt
const CBC = {
  key: '2b7e151628aed2a6abf7158809cf4f3c',
  iv: '000102030405060708090a0b0c0d0e0f',
  plaintext: '6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51 30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710',
  ciphertext: '7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2 73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7',
};
// GCM spec (McGrew/Viega) test case 2: zero key, zero 96-bit IV, one zero block
const GCM = {
  key: '00000000000000000000000000000000',
  iv: '000000000000000000000000',
  plaintext: '00000000000000000000000000000000',
  ciphertext: '0388dace60b6a392f328c2b971b2fe78',
  tag: 'ab6e47d42cec13bdf53a67b21257bddf',
};

describe('qemu-x86_64 guest (boots the kernel)', function () {
  this.timeout(240_000);
  let target: Target;
  let discovery: DiscoveryResult;

  const run = async (cases: Case[]): Promise<CaseOutcome[]> => (await target.agent.request('run', { cases })).outcomes;

  before(async function () {
    target = await openTarget(loadBoard('qemu-x86_64'));
    discovery = await discover(target.agent);
    const t = target.info.timings;
    process.stdout.write(`      [guest: ${target.info.accel?.accel}, agent ready ${(t.agentReadyMs / 1000).toFixed(1)} s, discovery ${(discovery.timings.discoveryMs / 1000).toFixed(1)} s]\n`);
  });

  after(async () => {
    await target?.stop();
  });

  it('says hello with the guest kernel release', () => {
    assert.match(target.info.hello.kernelRelease, /^6\.1\.\d+-\d+-amd64$/);
    assert.equal(target.info.hello.arch, 'x86_64');
    assert.equal(target.info.hello.pageSize, 4096);
  });

  it('sha256("abc") through the agent equals the FIPS 180 digest', async () => {
    const [outcome] = await run([{ type: 'hash', ref: 'abc', alg: 'sha256', msg: Buffer.from('abc').toString('base64'), expect: b64(SHA256_ABC) }]);
    assert.deepEqual(outcome, { ref: 'abc', status: 'pass' });
  });

  it('a wrong expected digest is reported as a failure with the bytes the kernel produced', async () => {
    const wrong = SHA256_ABC.replace(/^ba/, 'bb');
    const [outcome] = await run([{ type: 'hash', ref: 'abc', alg: 'sha256-generic', msg: Buffer.from('abc').toString('base64'), expect: b64(wrong) }]);
    assert.equal(outcome?.status, 'fail');
    assert.equal(Buffer.from(outcome?.got ?? '', 'base64').toString('hex'), SHA256_ABC);
  });

  it('lists cbc-aes-aesni, cbc(aes-generic) and virtio_crypto_aes_cbc for cbc(aes)', () => {
    const cbc = discovery.algorithms.find((algorithm) => algorithm.name === 'cbc(aes)');
    assert.ok(cbc, 'cbc(aes) discovered');
    const drivers = cbc.drivers.map((driver) => driver.driver);
    for (const expected of ['cbc-aes-aesni', 'cbc(aes-generic)', 'virtio_crypto_aes_cbc']) assert.ok(drivers.includes(expected), `${expected} in ${drivers.join(', ')}`);
  });

  it('every cbc(aes) driver bound by its unique name gives the SP 800-38A F.2.1 ciphertext', async () => {
    const cbc = discovery.algorithms.find((algorithm) => algorithm.name === 'cbc(aes)');
    const names = (cbc?.drivers ?? []).filter((driver) => !driver.internal).map((driver) => driver.driver);
    assert.ok(names.length >= 3);
    const cases: Case[] = names.flatMap((alg) => [
      { type: 'skcipher' as const, ref: `${alg} enc`, alg, op: 'encrypt' as const, key: b64(CBC.key), iv: b64(CBC.iv), input: b64(CBC.plaintext), expect: b64(CBC.ciphertext) },
      { type: 'skcipher' as const, ref: `${alg} dec`, alg, op: 'decrypt' as const, key: b64(CBC.key), iv: b64(CBC.iv), input: b64(CBC.ciphertext), expect: b64(CBC.plaintext) },
    ]);
    const outcomes = await run(cases);
    assert.deepEqual(
      outcomes.filter((outcome) => outcome.status !== 'pass'),
      [],
    );
    assert.equal(outcomes.length, names.length * 2);
  });

  it('every split strategy gives the same ciphertext on every cbc(aes) driver', async () => {
    const strategies: SplitStrategy[] = ['oneshot', 'chunks', 'page-cross', 'inplace'];
    const cbc = discovery.algorithms.find((algorithm) => algorithm.name === 'cbc(aes)');
    const names = (cbc?.drivers ?? []).filter((driver) => !driver.internal).map((driver) => driver.driver);
    const cases: Case[] = names.flatMap((alg) =>
      strategies.map((strategy) => ({ type: 'skcipher' as const, ref: `${alg} ${strategy}`, alg, strategy, op: 'encrypt' as const, key: b64(CBC.key), iv: b64(CBC.iv), input: b64(CBC.plaintext), expect: b64(CBC.ciphertext) })),
    );
    const outcomes = await run(cases);
    assert.deepEqual(outcomes.filter((outcome) => outcome.status !== 'pass'), []);
  });

  it('the generic cbc(aes) binds the highest-priority self-tested driver, proved by refcnt', () => {
    const cbc = discovery.algorithms.find((algorithm) => algorithm.name === 'cbc(aes)');
    assert.ok(cbc?.bound, `bound driver named (${cbc?.boundProblem ?? ''})`);
    const best = cbc.drivers.filter((driver) => !driver.internal && driver.selftest === 'passed').sort((a, b) => b.priority - a.priority)[0];
    assert.equal(cbc.bound, best?.driver);
    const move = cbc.proof?.find((m) => m.driver === cbc.bound);
    assert.ok(move && move.delta > 0, 'the bound driver gained a reference while the socket was held');
  });

  it('shows virtio-crypto-rsa with its failed self-test above rsa-generic', () => {
    const rsa = discovery.algorithms.find((algorithm) => algorithm.name === 'rsa');
    const virtio = rsa?.drivers.find((driver) => driver.driver === 'virtio-crypto-rsa');
    const generic = rsa?.drivers.find((driver) => driver.driver === 'rsa-generic');
    assert.equal(virtio?.selftest, 'unknown');
    assert.ok(virtio && generic && virtio.priority > generic.priority);
  });

  it('a forged GCM tag reads EBADMSG; the genuine tag decrypts', async () => {
    const forged = GCM.tag.replace(/.$/, (c) => (c === 'f' ? 'e' : 'f'));
    const base = { type: 'aead' as const, alg: 'gcm(aes)', op: 'decrypt' as const, key: b64(GCM.key), iv: b64(GCM.iv), assoc: '', authsize: 16 };
    const outcomes = await run([
      { ...base, ref: 'genuine', input: b64(GCM.ciphertext + GCM.tag), expect: b64(GCM.plaintext) },
      { ...base, ref: 'forged', input: b64(GCM.ciphertext + forged), expectError: 'EBADMSG' },
      { ...base, ref: 'forged-unexpected', input: b64(GCM.ciphertext + forged), expect: b64(GCM.plaintext) },
    ]);
    assert.deepEqual(outcomes[0], { ref: 'genuine', status: 'pass' });
    assert.equal(outcomes[1]?.status, 'pass');
    assert.equal(outcomes[1]?.error, 'EBADMSG');
    assert.equal(outcomes[2]?.status, 'error');
    assert.equal(outcomes[2]?.error, 'EBADMSG');
    assert.equal(outcomes[2]?.step, 'read');
  });

  it('GCM encrypt gives ciphertext and tag of the published vector', async () => {
    const [outcome] = await run([
      { type: 'aead', ref: 'enc', alg: 'gcm(aes)', op: 'encrypt', key: b64(GCM.key), iv: b64(GCM.iv), assoc: '', authsize: 16, input: b64(GCM.plaintext), expect: b64(GCM.ciphertext + GCM.tag) },
    ]);
    assert.deepEqual(outcome, { ref: 'enc', status: 'pass' });
  });

  it('an unknown algorithm fails to bind with ENOENT', async () => {
    const [outcome] = await run([{ type: 'hash', ref: 'nope', alg: 'no-such-hash', msg: '', expect: '' }]);
    assert.equal(outcome?.status, 'error');
    assert.equal(outcome?.error, 'ENOENT');
    assert.equal(outcome?.step, 'bind');
  });

  it('stdrng, once seeded through ALG_SET_KEY, returns the requested bytes; unseeded it refuses with EINVAL', async () => {
    const seed = Buffer.alloc(48, 0x5a).toString('base64');
    const [seeded, unseeded] = await run([
      { type: 'rng', ref: 'seeded', alg: 'stdrng', seed, length: 64 },
      { type: 'rng', ref: 'unseeded', alg: 'drbg_nopr_sha256', length: 64 },
    ]);
    assert.equal(seeded?.status, 'pass');
    const bytes = Buffer.from(seeded?.got ?? '', 'base64');
    assert.equal(bytes.length, 64);
    assert.notDeepEqual(bytes, Buffer.alloc(64));
    assert.equal(unseeded?.status, 'error');
    assert.equal(unseeded?.error, 'EINVAL');
  });
});
