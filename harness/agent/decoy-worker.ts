/**
 * The `concurrent` strategy's reader thread (decoy-reader.ts starts it): waits to be told a socket
 * and a length, reads the decoy's answer from it while the session's thread reads the case's, and
 * hands the bytes back through shared memory. Its own native buffer: the session's arena is not
 * touched from here.
 */
import { constants as osConstants } from 'node:os';
import { workerData } from 'node:worker_threads';
import { NativeArena, sys } from './afalg-ffi.js';
import { readAnswer } from './afalg-wire.js';
import { DECOY_CELLS, DECOY_STATE, type DecoyWorkerData } from './decoy-reader.js';

const { cells: shared, answer: sharedAnswer } = workerData as DecoyWorkerData;
const cells = new Int32Array(shared);
const answer = new Uint8Array(sharedAnswer);
const buffer = new NativeArena(answer.length, sys.getpagesize());

for (;;) {
  Atomics.wait(cells, DECOY_CELLS.state, DECOY_STATE.idle);
  const state = Atomics.load(cells, DECOY_CELLS.state);
  if (state === DECOY_STATE.quit) break;
  if (state !== DECOY_STATE.go) continue;
  const length = Atomics.load(cells, DECOY_CELLS.length);
  const result = length > answer.length ? -osConstants.errno.E2BIG : readAnswer(Atomics.load(cells, DECOY_CELLS.fd), buffer.base, length);
  if (result > 0) answer.set(buffer.bytes.subarray(0, result));
  Atomics.store(cells, DECOY_CELLS.result, result);
  Atomics.store(cells, DECOY_CELLS.state, DECOY_STATE.done);
  Atomics.notify(cells, DECOY_CELLS.state);
}
