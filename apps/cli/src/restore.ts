import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { restoreStore } from '@ml/event-store';
import { embeddedStoreConfig } from './existing-store.js';
import { removeReadModels } from './read-models-file.js';

export const RESTORE_USAGE = `Usage: npm run cli -- restore <file>

Replaces the events of the embedded store (DATA_DIR/events.sqlite; made if missing) with
those of <file>, a backup made by the backup verb. Stop the server first: restore refuses
while a process has the store or the read models open. It refuses a file that is not an
event store, fails SQLite's integrity check, or was written by a newer version.

The restore is one transaction: if it fails or is interrupted, the store is as it was.
The read models (DATA_DIR/read-models.sqlite) go with the old events; the server rebuilds
them from the restored log when it next starts, and the reactions run again over it (they
are idempotent). <file> itself is only read.
`;

export async function restore(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) return void process.stdout.write(RESTORE_USAGE);
  if (positionals.length !== 1) throw new Error('Name the backup file to restore: restore <file>');
  const backup = resolve(positionals[0]!);
  const config = embeddedStoreConfig('restore');
  // The read models go with the old events, in the same transaction.
  const summary = restoreStore(backup, config.file, () => void removeReadModels(config.dataDir));
  console.log(
    `Restored ${summary.events} events in ${summary.streams} streams, up to position ${summary.head}, ` +
      `from ${backup} into ${config.file}. The server rebuilds the read models from them when it next starts.`,
  );
}
