/**
 * A worker thread of the agent: its own AF_ALG session (own sockets, own arena) running the part
 * of a matrix request it is given.
 */
import { parentPort } from 'node:worker_threads';
import { AfAlgSession } from './afalg-session.js';
import type { MatrixRequestBody } from '../protocol/messages.js';

const session = new AfAlgSession();

parentPort?.on('message', (message: { id: number; body: MatrixRequestBody }) => {
  try {
    parentPort?.postMessage({ id: message.id, result: session.runMatrix(message.body) });
  } catch (error) {
    parentPort?.postMessage({ id: message.id, error: (error as Error).message });
  }
});
