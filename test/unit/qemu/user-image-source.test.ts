import assert from 'node:assert/strict';
import path from 'node:path';
import { isUserImageSpec, resolveUserImage } from '../../../qemu/user-image-source.js';
import { expectBadInput } from '../../support/bad-input.js';
import { useTempDir } from '../../support/temp-dir.js';
import { writeBuildrootImages, writeYoctoDeploy } from './user-image-fixture.js';

const everyQemu = { findHostProgram: (command: string) => `/usr/bin/${command}` };

describe('qemu/user-image-source', () => {
  const temp = useTempDir('user-image-source-');

  it('yocto: and buildroot: pick their resolver', () => {
    assert.equal(resolveUserImage(`yocto:${writeYoctoDeploy(path.join(temp.path, 'y'), 'qemuarm64')}`, everyQemu).arch, 'aarch64');
    assert.match(resolveUserImage(`buildroot:${writeBuildrootImages(path.join(temp.path, 'b'), 'bzImage', ['rootfs.cpio'])}`, everyQemu).origin, /^buildroot:/);
    assert.equal(isUserImageSpec('yocto:/x'), true);
    assert.equal(isUserImageSpec('qemu-x86_64'), false);
  });

  it('anything else is one line saying how images are named', () => {
    expectBadInput(() => resolveUserImage('openwrt:/x'), 'openwrt:/x: an image is named yocto:DEPLOY_DIR, yocto:FILE.qemuboot.conf or buildroot:OUTPUT_IMAGES_DIR');
    expectBadInput(() => resolveUserImage('yocto:'), /^yocto:: an image is named/);
  });
});
