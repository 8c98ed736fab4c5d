import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DeployError } from '../../../harness/deploy/deploy-agent.js';
import { base64AppendLines, serialWriteFile, type RunLine } from '../../../harness/deploy/serial-upload.js';
import { useTempDir } from '../../support/temp-dir.js';
import { shLine } from './fake-shell.js';

/** A console: runs each line with the real /bin/sh and keeps what was sent. */
function consoleShell(): { runLine: RunLine; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    runLine: (line) => {
      lines.push(line);
      return shLine(line);
    },
  };
}

describe('serialWriteFile', function () {
  this.timeout(60_000);
  const tmp = useTempDir('afalg-serial-');

  it('round-trips every byte value and 100 KiB of random data through /bin/sh in short lines', async () => {
    const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const data = Buffer.concat([allBytes, crypto.randomBytes(100 * 1024), allBytes]);
    const dir = path.join(tmp.path, "it's a dir");
    fs.mkdirSync(dir);
    const remote = path.join(dir, "the agent's file.bin");
    const { runLine, lines } = consoleShell();
    const progress: number[] = [];
    await serialWriteFile(runLine, remote, data, { mode: 0o755, onProgress: (sent, total) => {
      assert.equal(total, data.length);
      progress.push(sent);
    } });

    assert.deepEqual(fs.readFileSync(remote), data);
    assert.equal(fs.statSync(remote).mode & 0o777, 0o755);
    assert.equal(fs.existsSync(`${remote}.b64`), false);
    for (const line of lines) {
      assert.ok(line.length <= 512, `line of ${line.length} chars: ${line.slice(0, 60)}…`);
      assert.ok(!/[\n\r]/.test(line), `a console line must be one line: ${JSON.stringify(line.slice(0, 60))}`);
    }
    const appends = lines.filter((line) => line.startsWith('printf '));
    assert.ok(appends.length >= Math.ceil((data.length * 4) / 3 / 512), `${appends.length} chunk lines`);
    // the path (space, single quote) is quoted as one word everywhere
    const quotedB64 = `'${remote.replace(/'/g, `'\\''`)}.b64'`;
    assert.ok(appends.every((line) => line.endsWith(` >> ${quotedB64}`)));
    assert.ok(lines.includes(`base64 -d ${quotedB64} > '${remote.replace(/'/g, `'\\''`)}'`));
    // progress: from 0, once per chunk, never backwards, ending at the size
    assert.equal(progress[0], 0);
    assert.ok(progress.length >= appends.length + 1);
    for (let i = 1; i < progress.length; i++) assert.ok((progress[i] as number) >= (progress[i - 1] as number));
    assert.equal(progress.at(-1), data.length);
  });

  it('honours a smaller line limit and writes an empty file', async () => {
    const { runLine, lines } = consoleShell();
    const remote = path.join(tmp.path, 'small-lines.bin');
    const data = crypto.randomBytes(3000);
    await serialWriteFile(runLine, remote, data, { maxLineChars: 160 });
    assert.deepEqual(fs.readFileSync(remote), data);
    assert.ok(lines.every((line) => line.length <= 160));

    const empty = path.join(tmp.path, 'empty');
    await serialWriteFile(consoleShell().runLine, empty, Buffer.alloc(0));
    assert.equal(fs.readFileSync(empty).length, 0);
  });

  it('chunks are whole base64 quads that decode on their own', () => {
    const base64 = crypto.randomBytes(5000).toString('base64');
    const chunks = base64AppendLines('/tmp/x.b64', base64);
    assert.equal(chunks.map((chunk) => chunk.chars).reduce((a, b) => a + b, 0), base64.length);
    for (const chunk of chunks.slice(0, -1)) assert.equal(chunk.chars % 4, 0);
    assert.throws(() => base64AppendLines(`/${'x'.repeat(500)}`, base64), DeployError);
  });

  it('reports a console that garbled a chunk as a corrupted upload', async () => {
    const remote = path.join(tmp.path, 'garbled.bin');
    let garbled = false;
    const runLine: RunLine = (line) => {
      if (!garbled && line.startsWith('printf ')) {
        garbled = true;
        // one base64 character changed in transit, still valid base64
        const at = line.indexOf(' ', 'printf '.length) + 10;
        line = line.slice(0, at) + (line[at] === 'A' ? 'B' : 'A') + line.slice(at + 1);
      }
      return shLine(line);
    };
    await assert.rejects(serialWriteFile(runLine, remote, crypto.randomBytes(4000)), (error: unknown) => {
      assert.ok(error instanceof DeployError);
      assert.match(error.message, /^upload of .*garbled\.bin over the console was corrupted \(sha256 [0-9a-f]{16}… ≠ [0-9a-f]{16}…\)$/);
      return true;
    });
  });

  it('names the step that failed', async () => {
    const remote = path.join(tmp.path, 'no such dir', 'file');
    await assert.rejects(serialWriteFile(consoleShell().runLine, remote, Buffer.from('x')), /upload of .*no such dir\/file over the console failed: creating .* exited [1-9]/);
  });
});
