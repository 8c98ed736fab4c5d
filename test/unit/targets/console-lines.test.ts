import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { once } from 'node:events';
import { ConsoleLines, targetErrorWithConsole } from '../../../harness/targets/console-lines.js';
import { TargetError } from '../../../harness/core/errors.js';
import { useTempDir } from '../../support/temp-dir.js';

describe('targets/console-lines', () => {
  const tmp = useTempDir('afalg-console-lines-');

  it('joins a line split across chunks, strips terminal control sequences, and shows the unfinished last line', () => {
    const console = new ConsoleLines();
    console.pushChunk(Buffer.from('\x1bc\x1b[2J\x1b[1;1HSeaBIOS (ver'));
    console.pushChunk(Buffer.from('sion 1.16)\r\n\r\nafalg-init: 0.91 start\nLinux ver'));
    assert.deepEqual(console.tail(10), ['SeaBIOS (version 1.16)', 'afalg-init: 0.91 start', 'Linux ver']);
  });

  it('keeps only the last `keep` lines and leaves blank lines out of the tail', () => {
    const console = new ConsoleLines({ keep: 3 });
    for (const line of ['one', 'two', '', 'three', 'four']) console.push(line);
    assert.deepEqual(console.tail(10), ['three', 'four']);
    assert.deepEqual(console.tail(1), ['four']);
  });

  it('strips a line editor’s cursor queries from whole lines too', () => {
    const console = new ConsoleLines();
    console.push('\x1b[6nroot@board:~# ');
    assert.deepEqual(console.tail(1), ['root@board:~# ']);
  });

  it('tells listeners each whole line once, not the unfinished one', () => {
    const console = new ConsoleLines();
    const seen: string[] = [];
    console.onLine((line) => seen.push(line));
    console.pushChunk(Buffer.from('a\nb'));
    console.push('[agent-link] noise');
    console.pushChunk(Buffer.from('c\n'));
    assert.deepEqual(seen, ['a', '[agent-link] noise', 'bc']);
  });

  it('logs raw chunks as they arrive and whole lines on lines of their own, appending when asked', async () => {
    const logFile = path.join(tmp.path, 'console.log');
    fs.writeFileSync(logFile, 'earlier boot\n');
    const console = new ConsoleLines({ logFile, appendLog: true });
    console.pushChunk(Buffer.from('\x1b[1mboot\x1b[0m\n'));
    console.push('[afalg-harness] QEMU exited (SIGKILL)');
    console.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(fs.readFileSync(logFile, 'utf8'), 'earlier boot\n\x1b[1mboot\x1b[0m\n[afalg-harness] QEMU exited (SIGKILL)\n');
  });

  it('follows a stream with a prefix: split chunks joined, the last line kept when it ends without a newline', async () => {
    const console = new ConsoleLines();
    const stderr = new PassThrough();
    console.follow(stderr, '[agent stderr] ');
    stderr.write('Error: cannot fi');
    stderr.write('nd koffi\n\n  at load\n');
    stderr.end('exit 1');
    await once(stderr, 'end');
    assert.deepEqual(console.tail(10), ['[agent stderr] Error: cannot find koffi', '[agent stderr]   at load', '[agent stderr] exit 1']);
  });

  it('a start-up error carries the last 20 console lines below its one-line message', () => {
    const console = new ConsoleLines();
    for (let index = 1; index <= 25; index++) console.push(`line ${index}`);
    const error = targetErrorWithConsole('the agent on b1 was not ready within 5 s', 'b1', console);
    assert.ok(error instanceof TargetError);
    assert.equal(error.message, 'the agent on b1 was not ready within 5 s');
    assert.equal(error.details[0], 'last console lines of b1:');
    assert.equal(error.details.length, 21);
    assert.equal(error.details[1], '  | line 6');
    assert.equal(error.details[20], '  | line 25');
  });
});
