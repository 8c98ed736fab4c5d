import assert from 'node:assert/strict';
import { DEFAULT_MIRRORS, hostMirrors, parseDebianSources, sourcesList } from '../../../../qemu/apt/sources.js';

/** The host's /etc/apt/sources.list.d/debian.sources as Debian's container images ship it. */
const HOST_SOURCES = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
# http://snapshot.debian.org/archive/debian-security/20250520T000000Z
URIs: http://mirror.example/debian-security/
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

describe('qemu/apt/sources', () => {
  it('reads the debian and security URIs of the host deb822 sources', () => {
    assert.deepEqual(parseDebianSources(HOST_SOURCES), { debian: 'http://mirror.example/debian', security: 'http://mirror.example/debian-security' });
  });

  it('skips disabled and deb-src stanzas and other suites', () => {
    const text = [
      'Types: deb\nURIs: http://disabled.example/debian\nSuites: bookworm\nEnabled: no',
      'Types: deb-src\nURIs: http://src.example/debian\nSuites: bookworm',
      'Types: deb\nURIs: http://trixie.example/debian\nSuites: trixie',
      'Types: deb\nURIs: http://updates.example/debian\nSuites: bookworm-updates',
    ].join('\n\n');
    assert.deepEqual(parseDebianSources(text), { debian: 'http://updates.example/debian' });
  });

  it('falls back to deb.debian.org for what the host does not name', () => {
    assert.deepEqual(hostMirrors('/nonexistent/debian.sources'), DEFAULT_MIRRORS);
    assert.deepEqual(DEFAULT_MIRRORS, { debian: 'http://deb.debian.org/debian', security: 'http://deb.debian.org/debian-security' });
  });

  it('writes bookworm, bookworm-updates and bookworm-security main for the one architecture', () => {
    assert.equal(
      sourcesList('arm64', { debian: 'http://m/debian', security: 'http://m/debian-security' }),
      [
        'deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://m/debian bookworm main',
        'deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://m/debian bookworm-updates main',
        'deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://m/debian-security bookworm-security main',
        '',
      ].join('\n'),
    );
  });
});
