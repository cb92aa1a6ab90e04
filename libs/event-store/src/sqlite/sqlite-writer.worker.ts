/**
 * The writer thread of the SQLite event store: it owns the write connection, so the fsync of
 * each group's COMMIT blocks this thread and not the server's JavaScript thread. Groups
 * arrive in order and are committed in order, one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { GroupCommitter } from './group-commit.js';
import {
  toWireError,
  type FromWriter,
  type ToWriter,
  type WriterSettings,
} from './writer-protocol.js';

const port = parentPort!;
const committer = new GroupCommitter(workerData as WriterSettings);
const answer = (message: FromWriter) => port.postMessage(message);

port.on('message', (message: ToWriter) => {
  if (message.type === 'close') {
    committer.close();
    answer({ type: 'closed' });
    port.close();
    return;
  }
  try {
    answer({ type: 'committed', id: message.id, outcomes: committer.commit(message.appends) });
  } catch (error) {
    answer({ type: 'failed', id: message.id, error: toWireError(error) });
  }
});
