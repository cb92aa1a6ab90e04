import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ConfigurationError,
  StoreInUse,
  comparePositions,
  eventStoreConfigFromEnv,
  migrateEvents,
  openEventStore,
  verifyMigration,
  type EventStore,
  type LogStart,
} from '@ml/event-store';
import { ReadStore } from '@ml/masterplan';
import { progressLine } from './progress.js';
import { removeReadModels } from './read-models-file.js';

export const MIGRATE_USAGE = `Usage: npm run cli -- migrate

Copies the events of the embedded store (DATA_DIR/events.sqlite) into the EventStoreDB or
KurrentDB that EVENTSTORE_CONNECTION_STRING names (esdb://…, kurrentdb://…): the same
streams, in the same order, with the same event ids, data and metadata. The target must
hold no other events. Each append names the revision its stream must be at, so nothing is
written twice: if a run is interrupted, run it again and it continues after the last event
the target has. At the end it reads both logs and compares them (events in total and per
stream, and each event in order); it exits with 0 only when they match.

The server may keep running on the embedded store meanwhile; events it appends after the
run began are left to the next run. To switch with a short stop: migrate, stop the server,
migrate again (only what came since), then start the server with
EVENTSTORE_CONNECTION_STRING set. A run made with the server stopped also removes the read
models (DATA_DIR/read-models.sqlite; their positions are the embedded store's), which the
server then rebuilds from EventStoreDB. EventStoreDB records its own time of each event
(recordedAt becomes the time of the migration); when things happened in the domain
(metadata.occurredAt), which time travel and the audit trail use, is kept.
`;

/** How many events between two redraws of the progress line. */
const REDRAW_EVERY = 500;

export async function migrate(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) return void process.stdout.write(MIGRATE_USAGE);
  if (positionals.length > 0)
    throw new Error(
      'migrate takes no arguments: it reads DATA_DIR and EVENTSTORE_CONNECTION_STRING',
    );
  const config = eventStoreConfigFromEnv();
  if (config.engine !== 'eventstoredb')
    throw new ConfigurationError(
      'migrate copies the embedded store into EventStoreDB or KurrentDB: set EVENTSTORE_CONNECTION_STRING to the target (e.g. kurrentdb://localhost:2113?tls=false)',
    );
  const file = join(config.dataDir, 'events.sqlite');
  if (!existsSync(file))
    throw new ConfigurationError(
      `DATA_DIR '${config.dataDir}' holds no event store (no events.sqlite); use the DATA_DIR the server uses`,
    );
  const source = openEventStore({
    engine: 'sqlite',
    dataDir: config.dataDir,
    file,
    durability: 'FULL',
  });
  const target = openEventStore(config);
  try {
    let progress: ReturnType<typeof progressLine> | undefined;
    let shown = 0;
    const report = await migrateEvents(source, target, ({ done, total }) => {
      if (!progress) {
        console.log(
          `Migrating ${total} events of ${file} into the store at EVENTSTORE_CONNECTION_STRING` +
            (done > 0 ? ` (${done} already there from an earlier run)` : ''),
        );
        progress = progressLine(total, 'events');
        progress.show(done);
      } else if (done - shown >= REDRAW_EVERY || done === total) progress.show(done);
      shown = done;
    });
    progress?.end();
    console.log('Verifying: reading both logs and comparing them');
    const verified = await verifyMigration(source, target, report.upTo);
    console.log(
      `Migrated and verified: the target holds the source's ${verified.events} events in ${verified.streams} streams, ` +
        `in the same order with the same ids, data and metadata (${report.total - report.alreadyThere} copied by this run).`,
    );
    const later = await eventsAfter(source, report.upTo);
    if (later > 0)
      console.log(
        `${later} events were appended to the embedded store since this run began: run migrate again (with the server stopped, to finish).`,
      );
    console.log(retireReadModels(config.dataDir));
  } finally {
    await Promise.all([source.close(), target.close()]);
  }
}

/** The read models hold positions of the embedded store: on EventStoreDB they are rebuilt. */
function retireReadModels(dataDir: string): string {
  try {
    return removeReadModels(dataDir)
      ? `Removed the read models (${ReadStore.fileIn(dataDir)}): their positions are the embedded store's. The server rebuilds them from EventStoreDB when it starts with EVENTSTORE_CONNECTION_STRING set.`
      : 'There were no read models to remove; the server builds them from EventStoreDB at its first start.';
  } catch (error) {
    if (!(error instanceof StoreInUse)) throw error;
    return "The server still runs on the embedded store, so its read models were kept. To switch: stop it and run migrate again; that run also removes the read models, whose positions are the embedded store's.";
  }
}

async function eventsAfter(store: EventStore, position: LogStart): Promise<number> {
  let count = 0;
  for await (const event of store.readAll({ fromPosition: position }))
    if (comparePositions(event.position, position) > 0) count++;
  return count;
}
