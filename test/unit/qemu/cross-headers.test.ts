import assert from 'node:assert/strict';
import { crossCompilerPackage, headerParts } from '../../../qemu/cross-headers.js';

/** `apt-cache show linux-headers-6.12.118+deb13-arm64:arm64` in trixie's lists (trimmed). */
const HEADERS_SHOW = `Package: linux-headers-6.12.118+deb13-arm64
Source: linux-signed-arm64 (6.12.118-1)
Version: 6.12.118-1
Architecture: arm64
Depends: linux-base (>= 4.12~), linux-headers-6.12.118+deb13-common (= 6.12.118-1), linux-image-6.12.118+deb13-arm64 (= 6.12.118-1) | linux-image-6.12.118+deb13-arm64-unsigned (= 6.12.118-1), linux-kbuild-6.12.118+deb13, gcc-14
`;

/** The headers' .kernelvariables as Debian ships them for trixie's arm64 6.12. */
const KERNEL_VARIABLES = `override ARCH = arm64
override KERNELRELEASE = 6.12.118+deb13-arm64
CCACHE = ccache
CC = $(if $(DEBIAN_KERNEL_USE_CCACHE),$(CCACHE)) $(CROSS_COMPILE)gcc-14
DEB_BUILD_ARCH ?= $(shell dpkg --print-architecture)
override CROSS_COMPILE = aarch64-linux-gnu-
override CROSS_COMPILE_COMPAT = arm-linux-gnueabihf-
`;

/** bookworm's sets CROSS_COMPILE only when told the host architecture: make gets it on its command line. */
const BOOKWORM_VARIABLES = `override ARCH = arm64
CC = $(if $(DEBIAN_KERNEL_USE_CCACHE),$(CCACHE)) $(CROSS_COMPILE)gcc-12
ifneq ($(DEB_BUILD_ARCH),$(DEB_HOST_ARCH))
override CROSS_COMPILE = $(DEB_HOST_GNU_TYPE)-
endif
`;

describe('qemu/cross-headers: a foreign kernel\'s headers for a cross build', () => {
  it('finds the -common headers and linux-kbuild among the Depends (not the image, not gcc)', () => {
    assert.deepEqual(headerParts(HEADERS_SHOW), { common: 'linux-headers-6.12.118+deb13-common', kbuild: 'linux-kbuild-6.12.118+deb13' });
    assert.deepEqual(headerParts('Package: x\n'), { common: undefined, kbuild: undefined });
  });

  it('names the cross compiler package from the compiler the headers name (trixie: gcc-14, bookworm: gcc-12)', () => {
    assert.equal(crossCompilerPackage(KERNEL_VARIABLES, 'aarch64-linux-gnu'), 'gcc-14-aarch64-linux-gnu');
    assert.equal(crossCompilerPackage(BOOKWORM_VARIABLES, 'arm-linux-gnueabihf'), 'gcc-12-arm-linux-gnueabihf');
    assert.equal(crossCompilerPackage(KERNEL_VARIABLES.replace(/^CC = .*$/m, ''), 'aarch64-linux-gnu'), undefined);
  });
});
