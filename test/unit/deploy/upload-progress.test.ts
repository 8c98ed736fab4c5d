import assert from 'node:assert/strict';
import { UploadProgress, formatBytes, formatEta } from '../../../harness/deploy/upload-progress.js';

function sink(isTTY: boolean): NodeJS.WritableStream & { isTTY: boolean; text: string } {
  const out = { isTTY, text: '', write: (chunk: string) => ((out.text += chunk), true) };
  return out as unknown as NodeJS.WritableStream & { isTTY: boolean; text: string };
}

describe('upload progress', () => {
  it('formats sizes and times', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(412 * 1024), '412 KiB');
    assert.equal(formatBytes(1.2 * 1024 * 1024), '1.2 MiB');
    assert.equal(formatEta(19.2), '20s');
    assert.equal(formatEta(125), '2m05s');
    assert.equal(formatEta(Number.NaN), '--');
  });

  it('draws one updating line on a terminal', () => {
    const out = sink(true);
    let now = 0;
    const progress = new UploadProgress({ out, interactive: true, now: () => now });
    const total = Math.round(1.2 * 1024 * 1024);
    progress.update(0, total, 'agent.mjs');
    now = 10_000;
    progress.update(412 * 1024, total, 'agent.mjs');
    now = 10_050; // too soon after the last redraw: skipped
    progress.update(413 * 1024, total, 'agent.mjs');
    now = 30_000;
    progress.update(total, total, 'agent.mjs');
    progress.update(total, total, 'agent.mjs');
    const frames = out.text.split('\r').filter(Boolean);
    assert.equal(frames.length, 3);
    assert.equal(frames[1], 'upload agent.mjs  412 KiB / 1.2 MiB   33%  [###.......]  ETA 20s\x1b[K');
    assert.match(frames[2] as string, /^upload agent\.mjs  1\.2 MiB \/ 1\.2 MiB  100%  \[##########\]  ETA 0s\x1b\[K\n$/);
    assert.equal(out.text.split('\n').length, 2);
  });

  it('writes a plain line every 10 % elsewhere', () => {
    const out = sink(false);
    const progress = new UploadProgress({ out, now: () => 0 });
    for (let sent = 0; sent <= 1000; sent += 7) progress.update(sent, 1000, 'koffi.node');
    progress.update(1000, 1000, 'koffi.node');
    progress.update(1000, 1000, 'koffi.node');
    const lines = out.text.trimEnd().split('\n');
    assert.equal(lines.length, 10);
    assert.match(lines[0] as string, /^upload koffi\.node  1\d\d\d? B \/ 1000 B   1\d%/);
    assert.match(lines[9] as string, /100%/);
    assert.ok(!out.text.includes('\r'));
  });
});
