import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { elfInterpreter, fileInterpreter } from '../../../../qemu/image/elf-interpreter.js';
import { elf } from '../../../support/fake-root.js';
import { useTempDir } from '../../../support/temp-dir.js';

describe('qemu/image/elf-interpreter', () => {
  const tmp = useTempDir('afalg-elf-');

  it('reads PT_INTERP of 64- and 32-bit executables', () => {
    assert.equal(elfInterpreter(elf(64, '/lib/ld-linux-aarch64.so.1')), '/lib/ld-linux-aarch64.so.1');
    assert.equal(elfInterpreter(elf(32, '/lib/ld-linux-armhf.so.3')), '/lib/ld-linux-armhf.so.3');
  });

  it('is undefined for a static executable, a truncated file or something not ELF', () => {
    assert.equal(elfInterpreter(elf(64, undefined)), undefined);
    assert.equal(elfInterpreter(elf(64, '/lib/ld-linux-aarch64.so.1').subarray(0, 80)), undefined);
    assert.equal(elfInterpreter(Buffer.from('#!/bin/sh\necho hello, this is not an ELF file at all, really\n')), undefined);
  });

  it("reads the host node's interpreter", () => {
    const header = fs.readFileSync(fs.realpathSync(process.execPath)).subarray(0, 65536);
    assert.match(elfInterpreter(header) ?? '', /^\/lib(64)?\/ld-linux[-a-z0-9_.]*\.so\.\d$/);
  });

  it('reads the interpreter of a file, the same as of its bytes', () => {
    const file = path.join(tmp.path, 'node');
    fs.writeFileSync(file, elf(32, '/lib/ld-linux-armhf.so.3'));
    assert.equal(fileInterpreter(file), '/lib/ld-linux-armhf.so.3');
    assert.equal(fileInterpreter(fs.realpathSync(process.execPath)), elfInterpreter(fs.readFileSync(fs.realpathSync(process.execPath)).subarray(0, 65536)));
  });
});
