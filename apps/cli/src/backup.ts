import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigurationError, backupStore } from '@ml/event-store';
import { embeddedStoreConfig } from './existing-store.js';

export const BACKUP_USAGE = `Usage: npm run cli -- backup <file>

Copies the embedded event store (DATA_DIR/events.sqlite) into <file>, a new file, while
the server keeps running and writing: the copy is one consistent snapshot of the log (all
events up to the position it prints, in order), checked by SQLite's integrity check. The
file is written beside <file> first and renamed when complete, so <file> is never
half-written; an existing <file> is never overwritten.

Not included: the read models (rebuilt from the events) and the token signing key
(DATA_DIR/jwt-signing-key.json, a secret; copy it separately if tokens must stay valid).
`;

export async function backup(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) return void process.stdout.write(BACKUP_USAGE);
  if (positionals.length !== 1)
    throw new Error('Name one file to write the backup to: backup <file>');
  const target = resolve(positionals[0]!);
  const config = embeddedStoreConfig('backup');
  if (!existsSync(config.file))
    throw new ConfigurationError(
      `DATA_DIR '${config.dataDir}' holds no event store (no events.sqlite); use the DATA_DIR the server uses`,
    );
  const started = Date.now();
  const summary = await backupStore(config.file, target);
  console.log(
    `Backed up ${summary.events} events in ${summary.streams} streams, up to position ${summary.head}, ` +
      `in ${((Date.now() - started) / 1000).toFixed(2)} s: ${target}`,
  );
}
