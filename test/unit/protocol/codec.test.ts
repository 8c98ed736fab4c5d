import assert from 'node:assert/strict';
import { encodeFrame, FrameDecoder, FRAME_MARKER } from '../../../harness/protocol/codec.js';

interface Recorded {
  messages: unknown[];
  noise: string[];
  corrupt: Array<{ line: string; error: Error }>;
}

function recorder(): { decoder: FrameDecoder; seen: Recorded } {
  const seen: Recorded = { messages: [], noise: [], corrupt: [] };
  const decoder = new FrameDecoder({
    onMessage: (message) => seen.messages.push(message),
    onNoise: (text) => seen.noise.push(text),
    onCorrupt: (line, error) => seen.corrupt.push({ line, error }),
  });
  return { decoder, seen };
}

const messages: unknown[] = [
  { event: 'ready', agentVersion: '0.1.0', pid: 42 },
  { id: 1, ok: true, result: { text: 'name         : cbc(aes)\ndriver       : cbc-aes-aesni\n' } },
  { id: 2, ok: false, error: { message: 'bind failed', code: 'ELIBBAD' } },
  { id: 3, ok: true, result: { outcomes: [{ ref: 'a', status: 'pass' }, { ref: 'b', status: 'fail', got: 'deadbeef' }] } },
];

describe('protocol/codec', () => {
  describe('encodeFrame', () => {
    it('is the marker, one line of JSON and a newline', () => {
      const frame = encodeFrame({ id: 7, op: 'hello' });
      assert.equal(frame, '@afalg1 {"id":7,"op":"hello"}\n');
      assert.ok(frame.startsWith(FRAME_MARKER));
    });

    it('keeps embedded newlines escaped so a frame is always one line', () => {
      const frame = encodeFrame(messages[1]);
      assert.equal(frame.indexOf('\n'), frame.length - 1);
    });
  });

  describe('FrameDecoder', () => {
    it('round-trips messages fed in one chunk', () => {
      const { decoder, seen } = recorder();
      decoder.push(messages.map(encodeFrame).join(''));
      assert.deepEqual(seen.messages, messages);
      assert.deepEqual(seen.noise, []);
      assert.deepEqual(seen.corrupt, []);
      assert.equal(decoder.buffered, '');
    });

    it('round-trips messages fed one byte at a time (ASCII)', () => {
      const { decoder, seen } = recorder();
      const bytes = Buffer.from(messages.map(encodeFrame).join(''), 'utf8');
      for (let i = 0; i < bytes.length; i++) decoder.push(bytes.subarray(i, i + 1));
      assert.deepEqual(seen.messages, messages);
      assert.deepEqual(seen.noise, []);
    });

    it('round-trips messages split at every possible position', () => {
      const text = messages.map(encodeFrame).join('');
      for (let split = 0; split <= text.length; split++) {
        const { decoder, seen } = recorder();
        decoder.push(text.slice(0, split));
        decoder.push(text.slice(split));
        assert.deepEqual(seen.messages, messages, `split at ${split}`);
      }
    });

    it('holds a frame back until its newline arrives', () => {
      const { decoder, seen } = recorder();
      const frame = encodeFrame(messages[0]);
      decoder.push(frame.slice(0, -1));
      assert.deepEqual(seen.messages, []);
      assert.equal(decoder.buffered, frame.slice(0, -1));
      decoder.push('\n');
      assert.deepEqual(seen.messages, [messages[0]]);
      assert.equal(decoder.buffered, '');
    });

    it('hands kernel printk lines between frames to onNoise', () => {
      const { decoder, seen } = recorder();
      decoder.push(
        encodeFrame(messages[0]) +
          '[    3.141592] virtio_crypto virtio2: Accelerator device is ready\n' +
          '\n' +
          '[    3.200000] alg: akcipher: test 1 failed for virtio-crypto-rsa, err=-22\n' +
          encodeFrame(messages[1]),
      );
      assert.deepEqual(seen.messages, [messages[0], messages[1]]);
      assert.deepEqual(seen.noise, [
        '[    3.141592] virtio_crypto virtio2: Accelerator device is ready',
        '[    3.200000] alg: akcipher: test 1 failed for virtio-crypto-rsa, err=-22',
      ]);
    });

    it('splits noise printed before the marker on the same line', () => {
      const { decoder, seen } = recorder();
      decoder.push('[    4.000001] random: crng init done' + encodeFrame(messages[2]));
      assert.deepEqual(seen.noise, ['[    4.000001] random: crng init done']);
      assert.deepEqual(seen.messages, [messages[2]]);
    });

    it('reports corrupt JSON after the marker and keeps decoding', () => {
      const { decoder, seen } = recorder();
      const broken = FRAME_MARKER + '{"id":1,"ok":tr[  5.0] printk cut in';
      decoder.push(broken + '\n' + encodeFrame(messages[3]));
      assert.equal(seen.corrupt.length, 1);
      assert.equal(seen.corrupt[0]?.line, broken);
      assert.ok(seen.corrupt[0]?.error instanceof SyntaxError);
      assert.deepEqual(seen.messages, [messages[3]]);
      assert.deepEqual(seen.noise, []);
    });

    it('reports noise and then corruption for a line with both', () => {
      const { decoder, seen } = recorder();
      decoder.push(`shell$ ${FRAME_MARKER}{oops\n`);
      assert.deepEqual(seen.noise, ['shell$ ']);
      assert.equal(seen.corrupt[0]?.line, `shell$ ${FRAME_MARKER}{oops`);
      assert.deepEqual(seen.messages, []);
    });

    it('accepts CRLF line endings (serial consoles)', () => {
      const { decoder, seen } = recorder();
      const text = messages.map((message) => encodeFrame(message).replace(/\n$/, '\r\n')).join('') + 'login: \r\n';
      decoder.push(text);
      assert.deepEqual(seen.messages, messages);
      assert.deepEqual(seen.noise, ['login: ']);
      assert.deepEqual(seen.corrupt, []);
    });

    it('accepts CRLF split between the \\r and the \\n', () => {
      const { decoder, seen } = recorder();
      const frame = encodeFrame(messages[0]).replace(/\n$/, '\r\n');
      decoder.push(frame.slice(0, -1));
      decoder.push('\n');
      assert.deepEqual(seen.messages, [messages[0]]);
      assert.deepEqual(seen.corrupt, []);
    });

    it('names whole lines without the marker (an agent answers them as damaged requests), not blank lines or a prefix before a frame', () => {
      const unframed: string[] = [];
      const messages: unknown[] = [];
      const decoder = new FrameDecoder({ onMessage: (message) => messages.push(message), onUnframedLine: (line) => unframed.push(line) });
      decoder.push(`\n \t\r\n"id":3,"op":"hello"}\ngarbage${encodeFrame({ id: 4, op: 'hello' })}`);
      assert.deepEqual(unframed, ['"id":3,"op":"hello"}']);
      assert.deepEqual(messages, [{ id: 4, op: 'hello' }]);
    });

    it('works without the optional handlers', () => {
      const seen: unknown[] = [];
      const decoder = new FrameDecoder({ onMessage: (message) => seen.push(message) });
      decoder.push(`noise\n${FRAME_MARKER}not json\n` + encodeFrame(messages[0]));
      assert.deepEqual(seen, [messages[0]]);
    });

    it('decodes non-ASCII text when a chunk holds whole characters', () => {
      const { decoder, seen } = recorder();
      const message = { id: 9, ok: false, error: { message: 'clé refusée — ключ' } };
      decoder.push(Buffer.from(encodeFrame(message), 'utf8'));
      assert.deepEqual(seen.messages, [message]);
    });

    // BUG (harness/protocol/codec.ts, FrameDecoder.push): each Buffer chunk is decoded with
    // chunk.toString('utf8') on its own, so a multi-byte UTF-8 character split across two chunks
    // (which a socket or serial stream may do at any byte) becomes U+FFFD replacement characters.
    // Reproduce: push the bytes of encodeFrame({ s: 'é' }) one byte at a time; the message decodes
    // as { s: '\uFFFD\uFFFD' }. A StringDecoder (node:string_decoder) would keep partial characters.
    it('round-trips non-ASCII text fed one byte at a time', () => {
      const { decoder, seen } = recorder();
      const message = { id: 9, ok: false, error: { message: 'clé refusée — ключ' } };
      const bytes = Buffer.from(encodeFrame(message), 'utf8');
      for (let i = 0; i < bytes.length; i++) decoder.push(bytes.subarray(i, i + 1));
      assert.deepEqual(seen.messages, [message]);
    });
  });
});
