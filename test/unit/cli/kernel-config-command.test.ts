import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { projectRoot } from '../../../harness/core/paths.js';
import { readConfigFile } from '../../../harness/cli/kernel-config-command.js';
import { expectBadInput } from '../../support/bad-input.js';
import { useTempDir } from '../../support/temp-dir.js';

const DEBIAN_FILE = path.join(projectRoot, 'test', 'fixtures', 'kernel-config', 'debian-6.1.0-56-amd64.config');

describe('cli/kernel-config-command', () => {
  const temp = useTempDir('kernel-config-');

  it('reads a config plain or gzipped (a copy of /proc/config.gz)', () => {
    const text = fs.readFileSync(DEBIAN_FILE, 'utf8');
    const gz = path.join(temp.path, 'config.gz');
    fs.writeFileSync(gz, zlib.gzipSync(text));
    assert.equal(readConfigFile(gz).text, text);
    assert.equal(readConfigFile(DEBIAN_FILE).text, text);
  });

  it('names a config file that is not there', () => {
    expectBadInput(() => readConfigFile(path.join(temp.path, 'nope')), /nope: no such kernel config file$/);
  });
});
