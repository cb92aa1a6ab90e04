/**
 * The writer thread of the SQLite event store: it owns the write connection, so the fsync of
 * each group's COMMIT blocks this thread and not the server's JavaScript thread. Groups
 * arrive in order and are committed in order, one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { GroupCommitter } from './group-commit.js';
import type { FromWriter, ToWriter, WriterSettings } from './writer-protocol.js';

const port = parentPort!;
const committer = GroupCommitter.open(workerData as WriterSettings);

port.on('message', (message: ToWriter) => {
  if (message.type === 'group') {
    port.postMessage(committer.answer(message.id, message.appends));
    return;
  }
  committer.close();
  port.postMessage({ type: 'closed' } satisfies FromWriter);
  port.close();
});
