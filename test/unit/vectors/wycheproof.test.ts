import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadWycheproof, wycheproofTests, type WycheproofFile } from '../../../vectors/wycheproof.js';
import { BadInputError } from '../../../harness/core/errors.js';
import { vectorPath } from './vectors-dir.js';
import { useTempDir } from '../../support/temp-dir.js';

const v1 = (name: string): string => vectorPath('wycheproof/testvectors_v1', name);
const schemasDir = vectorPath('wycheproof/schemas');

function counted(data: WycheproofFile): { total: number; valid: number; invalid: number } {
  let total = 0;
  let valid = 0;
  let invalid = 0;
  for (const { test } of wycheproofTests(data)) {
    total++;
    if (test.result === 'valid') valid++;
    if (test.result === 'invalid') invalid++;
  }
  return { total, valid, invalid };
}

describe('vectors/wycheproof', () => {
  const tmp = useTempDir('afalg-wycheproof-test-');

  it('loads aes_gcm_test.json (AeadTest)', () => {
    const data = loadWycheproof(v1('aes_gcm_test.json'));
    assert.equal(data.algorithm, 'AES-GCM');
    assert.equal(data.schema, 'aead_test_schema_v1.json');
    assert.deepEqual(counted(data), { total: data.numberOfTests, valid: 229, invalid: 87 });
    assert.equal(data.numberOfTests, 316);
    const group = data.testGroups[0]!;
    assert.equal(group.type, 'AeadTest');
    assert.deepEqual([group.keySize, group.ivSize, group.tagSize], [128, 96, 128]);
    assert.deepEqual(group.tests[0], {
      tcId: 1,
      comment: '',
      flags: ['Ktv'],
      key: '5b9604fe14eadba931b0ccf34843dab9',
      iv: '028318abc1824029138141a2',
      aad: '',
      msg: '001d0c231287c1182784554ca3a21908',
      ct: '26073cc1d851beff176384dc9896d5ff',
      tag: '0a3ea7a5487cb5f7d70fb6c58d038554',
      result: 'valid',
    });
    assert.ok('Ktv' in data.notes);
  });

  it('loads hmac_sha256_test.json (MacTest)', () => {
    const data = loadWycheproof(v1('hmac_sha256_test.json'), schemasDir);
    assert.equal(data.algorithm, 'HMACSHA256');
    assert.equal(data.schema, 'mac_test_schema_v1.json');
    assert.deepEqual(counted(data), { total: 174, valid: 66, invalid: 108 });
    assert.equal(data.numberOfTests, 174);
    const first = data.testGroups[0]!.tests[0]!;
    assert.equal(first.tcId, 1);
    assert.equal(first.comment, 'empty message');
    assert.equal(first.msg, '');
    assert.equal(first.key, '1e225cafb90339bba1b24076d4206c3e79c355805d851682bc818baa4f5a7779');
    assert.equal(first.tag, 'b175b57d89ea6cb606fb3363f2538abd73a4c00b4a1386905bac809004cf1933');
  });

  it('loads aes_cbc_pkcs5_test.json (IndCpaTest)', () => {
    const data = loadWycheproof(v1('aes_cbc_pkcs5_test.json'));
    assert.equal(data.schema, 'ind_cpa_test_schema_v1.json');
    assert.deepEqual(counted(data), { total: 216, valid: 72, invalid: 144 });
    const first = data.testGroups[0]!.tests[0]!;
    assert.deepEqual(
      [first.tcId, first.key, first.iv, first.msg, first.ct, first.result],
      [1, 'e34f15c7bd819930fe9d66e0c166e61c', 'da9520f7d3520277035173299388bee2', '', 'b10ab60153276941361000414aed0a9d', 'valid'],
    );
    const ids = [...wycheproofTests(data)].map(({ test }) => test.tcId);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('rejects a field of the wrong type, naming the file and the JSON path', () => {
    const data = JSON.parse(fs.readFileSync(v1('aes_gcm_test.json'), 'utf8')) as { testGroups: Array<{ tests: Array<Record<string, unknown>> }> };
    data.testGroups[0]!.tests[3]!.tag = 12345;
    const broken = path.join(tmp.path, 'aes_gcm_test.json');
    fs.writeFileSync(broken, JSON.stringify(data));
    assert.throws(() => loadWycheproof(broken, schemasDir), {
      name: 'BadInputError',
      message: `${broken}: field '/testGroups/0/tests/3/tag' must be string`,
    });
  });

  it('rejects a bad result value and a non-hex byte string', () => {
    const data = JSON.parse(fs.readFileSync(v1('hmac_sha256_test.json'), 'utf8')) as { testGroups: Array<{ tests: Array<Record<string, unknown>> }> };
    data.testGroups[1]!.tests[0]!.result = 'maybe';
    const badResult = path.join(tmp.path, 'bad_result.json');
    fs.writeFileSync(badResult, JSON.stringify(data));
    assert.throws(() => loadWycheproof(badResult, schemasDir), (error: unknown) =>
      error instanceof BadInputError && error.message.startsWith(`${badResult}: field '/testGroups/1/tests/0/result' must be one of`));

    data.testGroups[1]!.tests[0]!.result = 'valid';
    data.testGroups[1]!.tests[0]!.msg = 'abc';
    const badHex = path.join(tmp.path, 'bad_hex.json');
    fs.writeFileSync(badHex, JSON.stringify(data));
    assert.throws(() => loadWycheproof(badHex, schemasDir), {
      message: `${badHex}: field '/testGroups/1/tests/0/msg' must match format "HexBytes"`,
    });
  });

  it('rejects a file naming an unknown schema', () => {
    const file = path.join(tmp.path, 'unknown_schema.json');
    fs.writeFileSync(file, JSON.stringify({ schema: 'nope.json', numberOfTests: 0, testGroups: [] }));
    assert.throws(() => loadWycheproof(file, schemasDir), (error: unknown) =>
      error instanceof BadInputError && error.message.startsWith(`${file}: unknown schema 'nope.json'`));
  });
});
