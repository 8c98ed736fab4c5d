import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AGENT_VERSION } from '../../harness/protocol/version.js';
import { projectRoot } from '../../harness/core/paths.js';

describe('version', () => {
  it('the agent reports the package version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    assert.equal(AGENT_VERSION, pkg.version);
  });
});
