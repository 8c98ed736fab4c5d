import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { cachedKernelDeb, imageKernelConfig } from '../../../qemu/image-kernel-config.js';
import type { GuestImage } from '../../../qemu/guest-image.js';
import { useTempDir } from '../../support/temp-dir.js';

const RELEASE = '6.1.0-99-amd64';
const CONFIG = 'CONFIG_CRYPTO_USER_API_HASH=m\n# CONFIG_CRYPTO_MANAGER_DISABLE_TESTS is not set\n';

/** A kernel .deb as apt-get download names it (epoch escaped), holding boot/config-<release>. */
function buildKernelDeb(dir: string): string {
  const root = path.join(dir, 'pkg');
  fs.mkdirSync(path.join(root, 'DEBIAN'), { recursive: true });
  fs.mkdirSync(path.join(root, 'boot'), { recursive: true });
  fs.writeFileSync(path.join(root, 'DEBIAN', 'control'), `Package: linux-image-${RELEASE}\nVersion: 1:6.1.999-1\nArchitecture: amd64\nMaintainer: test <test@example.org>\nDescription: test kernel\n`);
  fs.writeFileSync(path.join(root, 'boot', `config-${RELEASE}`), CONFIG);
  fs.writeFileSync(path.join(root, 'boot', `vmlinuz-${RELEASE}`), 'not a kernel');
  const downloads = path.join(dir, 'downloads');
  fs.mkdirSync(downloads);
  const deb = path.join(downloads, `linux-image-${RELEASE}_1%3a6.1.999-1_amd64.deb`);
  const built = spawnSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', root, deb]);
  assert.equal(built.status, 0, String(built.stderr));
  return downloads;
}

describe('qemu/image-kernel-config', () => {
  const temp = useTempDir('image-kernel-config-');

  it("reads the config from the image's cached kernel .deb once, then from beside the image", async () => {
    const downloads = buildKernelDeb(temp.path);
    const imageDir = path.join(temp.path, 'image');
    fs.mkdirSync(imageDir);
    const image = { dir: imageDir, kernelPackage: `linux-image-${RELEASE}`, kernelVersion: '1:6.1.999-1', kernelRelease: RELEASE } as GuestImage;
    assert.equal(cachedKernelDeb(image, 'amd64', downloads), path.join(downloads, `linux-image-${RELEASE}_1%3a6.1.999-1_amd64.deb`));
    const first = await imageKernelConfig(image, 'amd64', downloads);
    assert.equal(first.text, CONFIG);
    assert.match(first.source, /\.deb:\/boot\/config-6\.1\.0-99-amd64$/);
    fs.rmSync(downloads, { recursive: true });
    const second = await imageKernelConfig(image, 'amd64', downloads);
    assert.deepEqual(second, { source: path.join(imageDir, `config-${RELEASE}`), text: CONFIG });
  });

  it('says how to get the package back when it left the cache', async () => {
    const image = { dir: path.join(temp.path, 'other'), kernelPackage: 'linux-image-x', kernelVersion: '1', kernelRelease: 'x' } as GuestImage;
    await assert.rejects(imageKernelConfig(image, 'amd64', path.join(temp.path, 'none')), /no longer in the download cache: run 'afalg-harness qemu prepare --force'/);
  });
});
