import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildChrootDir, buildModules, builtModules, chrootAptArgs, type ModuleBuilder } from '../../../qemu/build-chroot.js';

describe('qemu/build-chroot', () => {
  let root: string;
  let savedCache: string | undefined;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'build-chroot-'));
    savedCache = process.env.AFALG_CACHE_DIR;
    process.env.AFALG_CACHE_DIR = path.join(root, 'cache');
  });
  afterEach(() => {
    if (savedCache === undefined) delete process.env.AFALG_CACHE_DIR;
    else process.env.AFALG_CACHE_DIR = savedCache;
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("tells apt in a sid chroot not to check the Release's Valid-Until, and no other suite", () => {
    assert.deepEqual(chrootAptArgs('sid', ['update']), ['apt-get', '-o', 'Acquire::Check-Valid-Until=false', '-q', '-y', '--no-install-recommends', 'update']);
    assert.deepEqual(chrootAptArgs('bookworm', ['update']), ['apt-get', '-q', '-y', '--no-install-recommends', 'update']);
    assert.equal(buildChrootDir('sid', 'amd64'), path.join(root, 'cache', 'build-chroots', 'sid-amd64'));
  });

  it('keys built modules by release and source content', () => {
    const source = path.join(root, 'm.c');
    fs.writeFileSync(source, 'a');
    const first = builtModules('7.2.13', [source], ['m'], 'executor');
    assert.deepEqual(first.files, [path.join(first.outDir, 'm.ko')]);
    assert.notEqual(builtModules('6.1.0', [source], ['m'], 'executor').outDir, first.outDir);
    fs.writeFileSync(source, 'b');
    assert.notEqual(builtModules('7.2.13', [source], ['m'], 'executor').outDir, first.outDir);
  });

  it('builds once with the Kbuild naming every module, then answers from the cache without a builder', async () => {
    const source = path.join(root, 'm.c');
    fs.writeFileSync(source, 'int x;');
    const calls: string[][] = [];
    const builder: ModuleBuilder = {
      describe: 'fake',
      headers: '/headers',
      workDir: (name) => ({ hostDir: path.join(root, 'work', name), makeDir: `/build/${name}` }),
      make: async (args) => {
        calls.push(args);
        const dir = path.join(root, 'work', fs.readdirSync(path.join(root, 'work'))[0] as string);
        assert.equal(fs.readFileSync(path.join(dir, 'Kbuild'), 'utf8'), 'obj-m += m.o\n');
        fs.writeFileSync(path.join(dir, 'm.ko'), 'ko');
      },
    };
    const [ko] = await buildModules(async () => builder, '7.2.13', [source], ['m'], 'executor', () => {});
    assert.equal(fs.readFileSync(ko as string, 'utf8'), 'ko');
    assert.match((calls[0] ?? []).join(' '), /^-C \/headers M=\/build\/\S+ modules$/);
    assert.deepEqual(fs.readdirSync(path.join(root, 'work')), [], 'the build directory is removed');
    await buildModules(async () => assert.fail('no builder needed when cached'), '7.2.13', [source], ['m'], 'executor', () => {});
  });

  it('names the module and the builder when make fails', async () => {
    const source = path.join(root, 'm.c');
    fs.writeFileSync(source, 'x');
    const failing: ModuleBuilder = { describe: 'in the sid chroot', headers: '/h', workDir: (name) => ({ hostDir: path.join(root, 'w', name), makeDir: name }), make: async () => assert.fail('objtool: fopen failed') };
    await assert.rejects(buildModules(async () => failing, '7.2.13', [source], ['m'], 'executor', () => {}), /building m for 7\.2\.13 in the sid chroot failed: objtool: fopen failed/);
  });

  it("keeps the sources' own Kbuild: a module linked from several objects", async () => {
    const sources = ['a.c', 'b.c', 'Kbuild'].map((name) => path.join(root, name));
    for (const file of sources) fs.writeFileSync(file, path.basename(file) === 'Kbuild' ? 'obj-m += m.o\nm-y := a.o b.o\n' : '');
    let kbuild = '';
    const builder: ModuleBuilder = {
      describe: 'fake',
      headers: '/h',
      workDir: (name) => ({ hostDir: path.join(root, 'w', name), makeDir: name }),
      make: async () => {
        const dir = path.join(root, 'w', fs.readdirSync(path.join(root, 'w'))[0] as string);
        kbuild = fs.readFileSync(path.join(dir, 'Kbuild'), 'utf8');
        fs.writeFileSync(path.join(dir, 'm.ko'), 'ko');
      },
    };
    await buildModules(async () => builder, '7.2.13', sources, ['m'], 'executor', () => {});
    assert.equal(kbuild, 'obj-m += m.o\nm-y := a.o b.o\n');
  });
});
