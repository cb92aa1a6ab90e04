import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type SqliteWriterMode } from '../src/index.js';
import { describeEventStoreContract } from './event-store.conformance.js';

const dirs = new Map<SqliteEventStore, string>();

for (const writer of ['inline', 'thread'] satisfies SqliteWriterMode[]) {
  describeEventStoreContract(
    `SQLite (embedded, real file in a temp dir, appends committed ${writer})`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ml-conformance-'));
      const store = new SqliteEventStore({ file: join(dir, 'events.sqlite'), writer });
      dirs.set(store, dir);
      return store;
    },
    async (store) => {
      await store.close();
      rmSync(dirs.get(store as SqliteEventStore)!, { recursive: true, force: true });
    },
    // Another process on the same file: its own connection, its own group commits.
    async (store) => new SqliteEventStore({ file: (store as SqliteEventStore).file, writer }),
  );
}
