import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadRsp, parseRsp } from '../../../vectors/nist-rsp.js';
import { BadInputError } from '../../../harness/core/errors.js';
import { vectorPath } from './vectors-dir.js';
import { useTempDir } from '../../support/temp-dir.js';

describe('vectors/nist-rsp', () => {
  const tmp = useTempDir('afalg-rsp-test-');

  it('parses an AES CBC KAT file (LF endings, ENCRYPT/DECRYPT sections)', () => {
    const file = vectorPath('nist/ciphers/AES/CBC/CBCGFSbox128.rsp');
    const rsp = loadRsp(file);
    assert.equal(rsp.file, file);
    assert.equal(rsp.records.length, 14);
    assert.deepEqual(
      rsp.sections.map((s) => s.params.direction),
      ['ENCRYPT', 'DECRYPT'],
    );
    const first = rsp.records[0]!;
    assert.equal(first.line, 10);
    assert.deepEqual(first.section, { direction: 'ENCRYPT' });
    assert.deepEqual(first.fields, {
      COUNT: '0',
      KEY: '00000000000000000000000000000000',
      IV: '00000000000000000000000000000000',
      PLAINTEXT: 'f34481ec3cc627bacd5dc3fb08f273e6',
      CIPHERTEXT: '0336763e966d92595a567cc9ce537f5e',
    });
    assert.equal(first.fail, false);
    assert.equal(rsp.records.filter((r) => r.section.direction === 'DECRYPT').length, 7);
    const lastDecrypt = rsp.records.at(-1)!;
    assert.deepEqual(Object.keys(lastDecrypt.fields), ['COUNT', 'KEY', 'IV', 'CIPHERTEXT', 'PLAINTEXT']);
  });

  it('keeps the Len = 0 record of SHA256ShortMsg with its Msg = 00 and the [L = 32] header', () => {
    const rsp = loadRsp(vectorPath('nist/hashes/SHA2/SHA256ShortMsg.rsp'));
    assert.equal(rsp.records.length, 65);
    const empty = rsp.records[0]!;
    assert.deepEqual(empty.section, { L: '32' });
    assert.deepEqual(empty.fields, {
      Len: '0',
      Msg: '00',
      MD: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
    assert.equal(rsp.records[64]!.fields.Len, '512');
  });

  it('marks FAIL records in a GCM decrypt file (CRLF endings, five headers per group)', () => {
    const file = vectorPath('nist/ciphers/AES/GCM/gcmDecrypt128.rsp');
    const text = fs.readFileSync(file, 'latin1');
    const failLines = text.split('\n').filter((l) => l.replace(/\r$/, '') === 'FAIL').length;
    const rsp = parseRsp(text, file);
    const failed = rsp.records.filter((r) => r.fail);
    assert.ok(failLines > 0);
    assert.equal(failed.length, failLines);
    // a failing record has no PT; an authentic one has
    assert.ok(failed.every((r) => !('PT' in r.fields)));
    assert.ok(rsp.records.filter((r) => !r.fail).every((r) => 'PT' in r.fields));
    // every group has 15 records and the five bracket parameters
    assert.equal(rsp.records.length, rsp.sections.length * 15);
    const second = rsp.records[1]!;
    assert.equal(second.fail, true);
    assert.deepEqual(second.section, { Keylen: '128', IVlen: '96', PTlen: '0', AADlen: '0', Taglen: '128' });
    assert.deepEqual(second.fields, {
      Count: '1',
      Key: 'a49a5e26a2f8cb63d05546c2a62f5343',
      IV: '907763b19b9b4ab6bd4f0281',
      CT: '',
      AAD: '',
      Tag: 'a2be08210d8c470a8df6e8fbd79ec5cf',
    });
  });

  it('accumulates bracket parameters and splits the combined CCM form', () => {
    const rsp = parseRsp('[A = 1, B = 2]\n\nX = 1\n\n[B = 3]\nX = 2\n\n[DECRYPT]\nX = 3\n', 'mem.rsp');
    assert.deepEqual(
      rsp.records.map((r) => r.section),
      [{ A: '1', B: '2' }, { A: '1', B: '3' }, { A: '1', B: '3', direction: 'DECRYPT' }],
    );
    assert.equal(rsp.sections.length, 3);
    assert.equal(rsp.records[1]!.line, 6);
  });

  it('rejects a garbage line with file and line', () => {
    const source = vectorPath('nist/ciphers/AES/CBC/CBCGFSbox128.rsp');
    const lines = fs.readFileSync(source, 'latin1').split('\n');
    lines.splice(11, 0, 'this is not a field'); // becomes line 12, inside the first record
    const broken = path.join(tmp.path, 'garbage.rsp');
    fs.writeFileSync(broken, lines.join('\n'));
    assert.throws(
      () => loadRsp(broken),
      (error: unknown) => error instanceof BadInputError && error.message.startsWith(`${broken}:12: unrecognised line`),
    );
  });

  it('rejects a duplicated key inside one record with file and line', () => {
    const source = vectorPath('nist/ciphers/AES/GCM/gcmDecrypt128.rsp');
    const lines = fs.readFileSync(source, 'latin1').split('\n');
    // line 15 is 'IV = …' of the first record; repeat it after the Key line
    assert.match(lines[14]!, /^IV = /);
    lines.splice(15, 0, lines[14]!);
    const broken = path.join(tmp.path, 'dup.rsp');
    fs.writeFileSync(broken, lines.join('\n'));
    assert.throws(() => loadRsp(broken), {
      name: 'BadInputError',
      message: `${broken}:16: duplicate key 'IV' in the record starting at line 13`,
    });
  });

  it('rejects an unreadable file naming it', () => {
    const missing = path.join(tmp.path, 'missing.rsp');
    assert.throws(() => loadRsp(missing), (error: unknown) => error instanceof Error && error.message.startsWith(`${missing}: cannot read`));
  });
});
