import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { aptOptions, foreignAptLayout, writePrivateConfig } from '../../../../qemu/apt/private-config.js';
import { useTempDir } from '../../../support/temp-dir.js';

describe('qemu/apt/private-config', () => {
  it('points every apt state, cache and source at the private directory, for the board architecture only', () => {
    const layout = foreignAptLayout('/cache/apt/armhf');
    assert.deepEqual(aptOptions('armhf', layout), [
      '-o', 'Dir::State=/cache/apt/armhf/state',
      '-o', 'Dir::State::Lists=/cache/apt/armhf/state/lists',
      '-o', 'Dir::State::status=/cache/apt/armhf/dpkg/status',
      '-o', 'Dir::Cache=/cache/apt/armhf/cache',
      '-o', 'Dir::Etc::SourceList=/cache/apt/armhf/sources.list',
      '-o', 'Dir::Etc::SourceParts=/nonexistent',
      '-o', 'APT::Architecture=armhf',
      '-o', 'APT::Architectures::=armhf',
      '-o', 'Acquire::Languages=none',
    ]);
  });

  it('never names a host apt or dpkg path', () => {
    const options = aptOptions('arm64', foreignAptLayout('/cache/apt/arm64')).filter((_, i) => i % 2 === 1);
    for (const option of options) assert.doesNotMatch(option, /=\/(etc|var)\//, option);
    assert.equal(foreignAptLayout('/x').archives, '/x/cache/archives');
  });

  describe('writePrivateConfig', () => {
    const tmp = useTempDir('afalg-apt-config-');

    it('makes the directories apt needs, an empty status and the sources list, and rewrites only a changed list', () => {
      const layout = foreignAptLayout(path.join(tmp.path, 'arm64'));
      writePrivateConfig(layout, 'deb first\n');
      assert.ok(fs.statSync(path.join(layout.lists, 'partial')).isDirectory());
      assert.ok(fs.statSync(path.join(layout.archives, 'partial')).isDirectory());
      assert.equal(fs.readFileSync(layout.status, 'utf8'), '');
      assert.equal(fs.readFileSync(layout.sourcesList, 'utf8'), 'deb first\n');
      fs.writeFileSync(layout.status, 'Package: kept\n');
      writePrivateConfig(layout, 'deb second\n');
      assert.equal(fs.readFileSync(layout.status, 'utf8'), 'Package: kept\n');
      assert.equal(fs.readFileSync(layout.sourcesList, 'utf8'), 'deb second\n');
    });
  });
});
