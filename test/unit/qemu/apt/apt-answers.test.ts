import assert from 'node:assert/strict';
import { debFileName, kernelDependency, parseSimulatedInstall, versionField } from '../../../../qemu/apt/apt-answers.js';

describe('qemu/apt/apt-answers', () => {
  it('reads the closure from a simulated install against the empty status', () => {
    const output = [
      'NOTE: This is only a simulation!',
      'Inst gcc-12-base (12.2.0-14+deb12u1 Debian:12.15/oldstable [arm64])',
      'Inst libgcc-s1 (12.2.0-14+deb12u1 Debian:12.15/oldstable [arm64]) []',
      'Inst libicu72 (72.1-3+deb12u1 Debian:12.15/oldstable, Debian-Security:12/oldstable-security [arm64])',
      'Inst zlib1g (1:1.2.13.dfsg-1 Debian:12.15/oldstable [arm64])',
      'Inst node-xtend (4.0.2-3 Debian:12.15/oldstable [all])',
      'Conf gcc-12-base (12.2.0-14+deb12u1 Debian:12.15/oldstable [arm64])',
    ].join('\n');
    assert.deepEqual(parseSimulatedInstall(output), [
      { name: 'gcc-12-base', version: '12.2.0-14+deb12u1', arch: 'arm64' },
      { name: 'libgcc-s1', version: '12.2.0-14+deb12u1', arch: 'arm64' },
      { name: 'libicu72', version: '72.1-3+deb12u1', arch: 'arm64' },
      { name: 'zlib1g', version: '1:1.2.13.dfsg-1', arch: 'arm64' },
      { name: 'node-xtend', version: '4.0.2-3', arch: 'all' },
    ]);
  });

  it('names downloaded debs as apt does (epoch colon escaped)', () => {
    assert.equal(debFileName({ name: 'zlib1g', version: '1:1.2.13.dfsg-1', arch: 'arm64' }), 'zlib1g_1%3a1.2.13.dfsg-1_arm64.deb');
    assert.equal(debFileName({ name: 'node-xtend', version: '4.0.2-3', arch: 'all' }), 'node-xtend_4.0.2-3_all.deb');
  });

  it("resolves the kernel meta package's versioned dependency and a Version field", () => {
    assert.equal(kernelDependency('linux-image-arm64\n  Depends: linux-image-6.1.0-56-arm64\n'), 'linux-image-6.1.0-56-arm64');
    assert.equal(kernelDependency('linux-image-armmp-lpae\n  Depends: linux-image-6.1.0-50-armmp-lpae\n'), 'linux-image-6.1.0-50-armmp-lpae');
    assert.equal(kernelDependency('linux-image-arm64\n  Depends: <linux-base>\n'), undefined);
    assert.equal(versionField('Package: nodejs\nVersion: 18.20.4+dfsg-1~deb12u3\nArchitecture: arm64\n'), '18.20.4+dfsg-1~deb12u3');
  });
});
