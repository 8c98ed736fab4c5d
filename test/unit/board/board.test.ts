import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { boardPath, boardSchemaPath, boardsDir, listBoards, asQemuBoard, loadBoard, timeoutsOf } from '../../../harness/board/board.js';
import { projectRoot } from '../../../harness/core/paths.js';
import { useTempDir } from '../../support/temp-dir.js';
import { expectBadInput } from '../../support/bad-input.js';

const bundledFile = path.join(projectRoot, 'boards', 'qemu-x86_64.json');

function bundledJson(): Record<string, unknown> & { qemu: Record<string, unknown> } {
  return JSON.parse(fs.readFileSync(bundledFile, 'utf8')) as Record<string, unknown> & { qemu: Record<string, unknown> };
}


describe('board/board', () => {
  const tmp = useTempDir('afalg-board-test-');

  function writeBoard(name: string, content: unknown): string {
    const file = path.join(tmp.path, name);
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return file;
  }

  describe('paths', () => {
    it('keeps boards and their schema in the project', () => {
      assert.equal(boardsDir, path.join(projectRoot, 'boards'));
      assert.equal(boardSchemaPath, path.join(projectRoot, 'boards', 'board.schema.json'));
    });

    it('maps a bare name into boards/ and a path or .json name to a resolved path', () => {
      assert.equal(boardPath('qemu-x86_64'), bundledFile);
      assert.equal(boardPath('/some/where/my-board.json'), '/some/where/my-board.json');
      assert.equal(boardPath('my-board.json'), path.resolve('my-board.json'));
      assert.equal(boardPath('boards/x'), path.resolve('boards/x'));
    });

    it('lists the bundled boards without the schema', () => {
      const boards = listBoards();
      assert.ok(boards.includes('qemu-x86_64'));
      assert.ok(!boards.some((board) => board.includes('schema')));
      assert.deepEqual(boards, [...boards].sort());
    });
  });

  describe('loadBoard', () => {
    it('loads the bundled qemu-x86_64 board', () => {
      const board = asQemuBoard(loadBoard('qemu-x86_64'));
      assert.equal(board.name, 'qemu-x86_64');
      assert.equal(board.arch, 'x86_64');
      assert.equal(board.transport, 'qemu');
      assert.equal(board.file, bundledFile);
      assert.equal(board.qemu.binary, 'qemu-system-x86_64');
      assert.deepEqual(board.qemu.cpu, { tcg: 'max,-erms,-fsrm', kvm: 'host' });
      assert.equal(board.qemu.memoryMiB, 2048);
      assert.equal(board.qemu.console, 'ttyS0');
      assert.equal(board.qemu.virtioCrypto, true);
      assert.ok(board.qemu.modules.preload.includes('af_alg'));
    });

    it('loads a board given by path and records that path', () => {
      const file = writeBoard('copy.json', bundledJson());
      const board = loadBoard(file);
      assert.equal(board.file, file);
      assert.equal(board.name, 'qemu-x86_64');
    });

    it('rejects an unknown field, naming the file and the field', () => {
      const data = bundledJson();
      data.qemu.memory = '2G';
      const file = writeBoard('unknown-field.json', data);
      const message = expectBadInput(() => loadBoard(file));
      assert.ok(message.includes(file), message);
      assert.ok(message.includes("unknown field '/qemu/memory'"), message);
    });

    it('rejects an unknown top-level field', () => {
      const data = bundledJson();
      data.ram = 1;
      const file = writeBoard('unknown-top.json', data);
      const message = expectBadInput(() => loadBoard(file));
      assert.equal(message, `${file}: unknown field '/ram'`);
    });

    it('rejects a field of the wrong type, naming it', () => {
      const data = bundledJson();
      data.qemu.memoryMiB = '2G';
      const file = writeBoard('wrong-type.json', data);
      const message = expectBadInput(() => loadBoard(file));
      assert.ok(message.startsWith(`${file}: `), message);
      assert.ok(message.includes("'/qemu/memoryMiB'"), message);
      assert.match(message, /integer/);
    });

    it('rejects a value outside an enum, listing the allowed ones', () => {
      const data = bundledJson();
      data.qemu.accel = 'hvf';
      const file = writeBoard('enum.json', data);
      const message = expectBadInput(() => loadBoard(file));
      assert.equal(message, `${file}: field '/qemu/accel' must be one of "auto", "kvm", "tcg"`);
    });

    it('rejects a missing required nested field', () => {
      const data = bundledJson();
      delete (data.qemu.cpu as Record<string, unknown>).kvm;
      const file = writeBoard('missing.json', data);
      const message = expectBadInput(() => loadBoard(file));
      assert.equal(message, `${file}: missing field '/qemu/cpu/kvm'`);
    });

    it('rejects invalid JSON, naming the file', () => {
      const text = fs.readFileSync(bundledFile, 'utf8').replace('"arch": "x86_64",', '"arch": "x86_64"');
      const file = writeBoard('broken.json', text);
      const message = expectBadInput(() => loadBoard(file));
      assert.ok(message.startsWith(`${file}: not valid JSON`), message);
    });

    it('rejects an unknown board name, listing the known boards', () => {
      const message = expectBadInput(() => loadBoard('no-such-board'));
      assert.ok(message.includes("board 'no-such-board' not found"), message);
      assert.ok(message.includes(path.join(boardsDir, 'no-such-board.json')), message);
      assert.ok(message.includes(`known boards: ${listBoards().join(', ')}`), message);
      assert.ok(message.includes('qemu-x86_64'), message);
    });

    it('rejects a board path that does not exist', () => {
      const file = path.join(tmp.path, 'absent.json');
      const message = expectBadInput(() => loadBoard(file));
      assert.ok(message.includes(file), message);
      assert.ok(message.includes('not found'), message);
    });

    it('rejects a board path that cannot be read', () => {
      const dir = path.join(tmp.path, 'a-directory.json');
      fs.mkdirSync(dir);
      const message = expectBadInput(() => loadBoard(dir));
      assert.ok(message.startsWith(`${dir}: cannot read`), message);
    });
  });

  describe('timeoutsOf', () => {
    it('fills in every default when the board gives no timeouts', () => {
      assert.deepEqual(timeoutsOf({}), { agentReadySec: 60, requestSec: 120, hangSec: 20, loginSec: 60, bootSec: 120 });
    });

    it('keeps what the board gives and defaults the rest; the hang default stays below half the request timeout', () => {
      assert.deepEqual(timeoutsOf({ timeouts: { agentReadySec: 5, requestSec: 30 } }), { agentReadySec: 5, requestSec: 30, hangSec: 15, loginSec: 60, bootSec: 120 });
      assert.equal(timeoutsOf({ timeouts: { requestSec: 30, hangSec: 25 } }).hangSec, 25);
    });
  });
});
