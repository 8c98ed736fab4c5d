/**
 * The kernel's tcrypt module as a throughput ceiling: which `mode=` measures which algorithm, and
 * the parser of what it writes to the kernel log. Pure.
 *
 * tcrypt (crypto/tcrypt.c, Linux 6.1) runs its speed tests at module load and then refuses to stay
 * loaded. Cipher and AEAD modes cover a fixed list of algorithms each (mode 500: every AES mode,
 * three key sizes, 16…4096-byte blocks); hash modes 300/400 take `alg=` and measure just that one.
 * Figures are either rates (`sec=N`) or cycle counts of single operations (no `sec`).
 *
 * Log shapes (one record per printk; pr_cont pieces arrive as separate records):
 *   testing speed of async cbc(aes) (cbc-aes-aesni) encryption
 *   test 0 (128 bit key, 16 byte blocks): 1 operation in 23660 cycles (16 bytes)
 *   test 0 (128 bit key, 16 byte blocks): 1180784 operations in 1 seconds (18892544 bytes)
 *   testing speed of async sha256 (sha256-avx2)
 *   test  0 (   16 byte blocks,   16 bytes per update,   1 updates):  291567 opers/sec,   4665072 bytes/sec
 *   test  0 (   16 byte blocks,   16 bytes per update,   1 updates):   1234 cycles/operation,   77 cycles/byte
 */
import type { BenchOp } from '../protocol/messages.js';
import type { TcryptFigure } from '../results/result-model.js';

export interface TcryptMode {
  /** module parameters besides sec= */
  params: string[];
  /** the algorithms the mode measures (catalog names) */
  algorithms: string[];
  /** rough duration with sec=1, seconds (to tell the user before a long wait) */
  secondsAtSec1: number;
  /** rough duration with sec=0 (cycle counts of 8 operations per figure) under TCG, seconds */
  secondsAtSec0: number;
}

/** Runs of each mode: cycle counts (8 operations a figure) twice, the best figure kept; rates once. */
export const TCRYPT_CYCLE_RUNS = 2;

export function tcryptRunsOf(sec: number): number {
  return sec === 0 ? TCRYPT_CYCLE_RUNS : 1;
}

/** The rough duration of a mode at tcrypt's sec= (0: cycle counts), every run of it. */
export function tcryptSecondsOf(mode: TcryptMode, sec: number): number {
  return sec === 0 ? mode.secondsAtSec0 * TCRYPT_CYCLE_RUNS : mode.secondsAtSec1 * sec;
}

/** Cipher and AEAD modes of Linux 6.1's tcrypt that measure catalog algorithms. */
const FIXED_MODES: TcryptMode[] = [
  {
    params: ['mode=500'],
    algorithms: ['ecb(aes)', 'cbc(aes)', 'xts(aes)', 'cts(cbc(aes))', 'ctr(aes)', 'rfc3686(ctr(aes))'],
    secondsAtSec1: 365,
    secondsAtSec0: 3,
  },
  { params: ['mode=501'], algorithms: ['ecb(des3_ede)', 'cbc(des3_ede)'], secondsAtSec1: 60, secondsAtSec0: 3 },
  { params: ['mode=211'], algorithms: ['gcm(aes)', 'rfc4106(gcm(aes))'], secondsAtSec1: 65, secondsAtSec0: 3 },
  { params: ['mode=212'], algorithms: ['rfc4309(ccm(aes))'], secondsAtSec1: 60, secondsAtSec0: 3 },
  { params: ['mode=213'], algorithms: ['rfc7539esp(chacha20,poly1305)'], secondsAtSec1: 60, secondsAtSec0: 3 },
  { params: ['mode=214'], algorithms: ['chacha20'], secondsAtSec1: 10, secondsAtSec0: 2 },
];

/** Unkeyed hashes tcrypt's ahash speed test can take by name (alg=). */
const HASHES_BY_NAME = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512', 'sm3', 'blake2b-512', 'crc32c']);

/** The tcrypt runs that measure these algorithms, each mode once. */
export function tcryptModesFor(algorithms: readonly string[]): TcryptMode[] {
  const modes: TcryptMode[] = [];
  for (const mode of FIXED_MODES) {
    const wanted = mode.algorithms.filter((name) => algorithms.includes(name));
    if (wanted.length > 0) modes.push({ ...mode, algorithms: wanted });
  }
  for (const name of algorithms) {
    if (HASHES_BY_NAME.has(name)) modes.push({ params: ['mode=400', `alg=${name}`], algorithms: [name], secondsAtSec1: 22, secondsAtSec0: 2 });
  }
  return modes;
}

export class TcryptLogError extends Error {}

/** Join pr_cont continuation records to the line they continue; drop tcrypt's prefix and escapes. */
export function tcryptLogLines(records: readonly string[]): string[] {
  const lines: string[] = [];
  for (const record of records) {
    const text = record
      .replace(/^tcrypt: /, '')
      .replace(/\\x0a/g, '\n')
      .trim();
    if (text === '') continue;
    const starts = /^(testing speed of |test\s*\d+ \(|tcrypt: )/.test(text) || lines.length === 0;
    if (starts) lines.push(text);
    else lines[lines.length - 1] = `${lines[lines.length - 1]} ${text}`;
  }
  return lines.map((line) => line.replace(/\s+/g, ' ').trim());
}

const HEADER_CIPHER = /^testing speed of (?:(?:async|multibuffer) )?(\S+) \((.+)\) (encryption|decryption)$/;
const HEADER_HASH = /^testing speed of (?:async )?(\S+) \((.+)\)$/;
const CIPHER_RATE = /^test ?\d+ \((\d+) bit key, (\d+) byte blocks\): (\d+) operations in (\d+) seconds \((\d+) bytes\)/;
const CIPHER_CYCLES = /^test ?\d+ \((\d+) bit key, (\d+) byte blocks\): 1 operation in (\d+) cycles \((\d+) bytes\)/;
const HASH_RATE = /^test ?\d+ \( ?(\d+) byte blocks, ?(\d+) bytes per update, ?(\d+) updates\): ?(\d+) opers\/sec, ?(\d+) bytes\/sec/;
const HASH_CYCLES = /^test ?\d+ \( ?(\d+) byte blocks, ?(\d+) bytes per update, ?(\d+) updates\): ?(\d+) cycles\/operation, ?(\d+) cycles\/byte/;

/**
 * Figures from tcrypt's log. A figure line before any "testing speed of" header is an error (the
 * log is not what this parser knows); lines tcrypt prints about failures ("failed to load
 * transform…") are returned in `problems`.
 */
export function parseTcryptLog(records: readonly string[]): { figures: TcryptFigure[]; problems: string[] } {
  const figures: TcryptFigure[] = [];
  const problems: string[] = [];
  let current: { algorithm: string; driver: string; op: BenchOp } | undefined;
  for (const line of tcryptLogLines(records)) {
    let match: RegExpExecArray | null;
    if ((match = HEADER_CIPHER.exec(line))) {
      current = { algorithm: match[1] as string, driver: match[2] as string, op: match[3] === 'encryption' ? 'encrypt' : 'decrypt' };
    } else if ((match = HEADER_HASH.exec(line))) {
      current = { algorithm: match[1] as string, driver: match[2] as string, op: 'digest' };
    } else if ((match = CIPHER_RATE.exec(line) ?? CIPHER_CYCLES.exec(line))) {
      if (!current) throw new TcryptLogError(`tcrypt log: figure before any "testing speed of" line: ${line}`);
      const rate = match.length === 6;
      const size = Number(match[2]);
      figures.push({
        ...current,
        keyBits: Number(match[1]),
        size,
        ...(rate ? { opsPerSecond: Number(match[3]) / Number(match[4]) } : { cycles: Number(match[3]) }),
      });
    } else if ((match = HASH_RATE.exec(line) ?? HASH_CYCLES.exec(line))) {
      if (!current) throw new TcryptLogError(`tcrypt log: figure before any "testing speed of" line: ${line}`);
      const isRate = line.includes('opers/sec');
      figures.push({
        ...current,
        size: Number(match[1]),
        updateSize: Number(match[2]),
        ...(isRate ? { opsPerSecond: Number(match[4]) } : { cycles: Number(match[4]) }),
      });
    } else if (/fail|error|not available|ENOENT/i.test(line)) {
      problems.push(line);
    }
  }
  return { figures, problems };
}
