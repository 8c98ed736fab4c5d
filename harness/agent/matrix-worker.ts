/**
 * A worker thread of the agent: its own AF_ALG session (own sockets, own arena) running the part
 * of a matrix request it is given, marking each operation on the beacon the main thread watches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AfAlgSession } from './afalg-session.js';
import { ProgressBeacon } from './progress-beacon.js';
import type { MatrixRequestBody } from '../protocol/messages.js';

const session = new AfAlgSession();
const cells = (workerData as { beacon?: Int32Array } | undefined)?.beacon;
if (cells) session.watchWith(new ProgressBeacon(cells));

// started (koffi loaded, the session made): the agent may now exit without aborting this thread mid-load
parentPort?.postMessage({ started: true });

parentPort?.on('message', (message: { id: number; body: MatrixRequestBody }) => {
  try {
    parentPort?.postMessage({ id: message.id, result: session.runMatrix(message.body) });
  } catch (error) {
    parentPort?.postMessage({ id: message.id, error: (error as Error).message });
  }
});
