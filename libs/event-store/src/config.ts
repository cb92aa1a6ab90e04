import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigurationError, type Configuration } from '@ml/config';
import type { EventStore, WriteObserver } from './contract.js';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.js';
import { connect } from './eventstoredb/mapping.js';
import { ROOM_TO_WRITE, freeBytes, inKilobytes } from './sqlite/disk-space.js';
import {
  SqliteEventStore,
  type SqliteDurability,
  type SqliteEventStoreOptions,
  type SqliteWriterMode,
} from './sqlite/sqlite-event-store.js';

export type EventStoreConfig =
  | {
      engine: 'sqlite';
      dataDir: string;
      file: string;
      durability: SqliteDurability;
      /** Where appends are committed (default `inline`). */
      writer?: SqliteWriterMode;
    }
  | { engine: 'eventstoredb'; connectionString: string; dataDir: string };

/**
 * The engine the configuration names, checked as far as can be without connecting; DATA_DIR
 * is created if missing and proven writable.
 */
export function eventStoreConfigOf(configuration: Configuration): EventStoreConfig {
  const connectionString = configuration.EVENTSTORE_CONNECTION_STRING;
  if (connectionString) {
    try {
      // Parsing only: the client connects lazily, on its first call.
      void connect(connectionString).dispose();
    } catch (error) {
      throw new ConfigurationError(
        `EVENTSTORE_CONNECTION_STRING is not a valid EventStoreDB connection string ` +
          `(expected e.g. esdb://localhost:2113?tls=false or kurrentdb://localhost:2113?tls=false): ${(error as Error).message}`,
      );
    }
    // Local state (read models, keys) lives in DATA_DIR whichever engine holds the events.
    return {
      engine: 'eventstoredb',
      connectionString,
      dataDir: resolveDataDir(configuration.DATA_DIR),
    };
  }
  const dataDir = resolveDataDir(configuration.DATA_DIR);
  return {
    engine: 'sqlite',
    dataDir,
    file: join(dataDir, 'events.sqlite'),
    durability: configuration.SQLITE_DURABILITY,
    writer: configuration.SQLITE_WRITER,
  };
}

/**
 * Creates the directory if needed, one level at a time, and proves it is writable. Node's
 * recursive mkdir never returns where a parent exists but cannot hold directories (under
 * /proc, or a dangling link): it makes the parent again and again, at full CPU.
 */
export function resolveDataDir(dir: string): string {
  const absolute = resolve(dir);
  const refused = (why: string) =>
    new ConfigurationError(`DATA_DIR '${absolute}' cannot be used as the data directory: ${why}`);
  const missing: string[] = [];
  let existing = absolute;
  while (!existsSync(existing)) {
    missing.unshift(existing);
    existing = dirname(existing);
  }
  if (!statSync(existing).isDirectory()) throw refused(`'${existing}' is a file, not a directory`);
  try {
    for (const level of missing) mkdirSync(level);
    accessSync(absolute, constants.W_OK);
  } catch (error) {
    throw refused((error as Error).message);
  }
  return absolute;
}

/**
 * The server refuses to start on a full disk (read-only verbs of the CLI need no room): it
 * would start, then refuse every change.
 */
export function assertRoomToWrite(dataDir: string): void {
  const free = freeBytes(dataDir);
  if (free < ROOM_TO_WRITE) {
    throw new ConfigurationError(
      `DATA_DIR '${dataDir}' is on a full disk (${inKilobytes(free)} free, at least ${inKilobytes(ROOM_TO_WRITE)} needed to store events and read models); free some space and start again`,
    );
  }
}

/** Opens the engine `config` names; `observer` is told of its commits (metrics), `logger` of a full disk. */
export function openEventStore(
  config: EventStoreConfig,
  observer?: WriteObserver,
  logger?: SqliteEventStoreOptions['logger'],
): EventStore {
  return config.engine === 'eventstoredb'
    ? new EventStoreDbEventStore(config.connectionString, {}, observer)
    : new SqliteEventStore({
        file: config.file,
        durability: config.durability,
        ...(config.writer ? { writer: config.writer } : {}),
        ...(observer ? { observer } : {}),
        ...(logger ? { logger } : {}),
      });
}
