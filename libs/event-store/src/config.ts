import { accessSync, constants, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EventStoreDBClient } from '@eventstore/db-client';
import type { EventStore } from './contract.js';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.js';
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

/** A setting the server cannot start with; the message says which and why. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

const DURABILITIES: SqliteDurability[] = ['FULL', 'NORMAL', 'EXTRA'];
const WRITERS: SqliteWriterMode[] = ['inline', 'thread'];

/** Reads and checks the engine settings; nothing is opened yet. */
export function eventStoreConfigFromEnv(env: NodeJS.ProcessEnv = process.env): EventStoreConfig {
  // Local state (read models, keys) lives in DATA_DIR whichever engine holds the events.
  const dataDir = resolveDataDir(env.DATA_DIR ?? './data');
  const connectionString = env.EVENTSTORE_CONNECTION_STRING?.trim();
  if (connectionString) {
    try {
      // Parsing only: the client connects lazily, on its first call.
      void EventStoreDBClient.connectionString(connectionString).dispose();
    } catch (error) {
      throw new ConfigurationError(
        `EVENTSTORE_CONNECTION_STRING is not a valid EventStoreDB connection string ` +
          `(expected e.g. esdb://localhost:2113?tls=false): ${(error as Error).message}`,
      );
    }
    return { engine: 'eventstoredb', connectionString, dataDir };
  }
  const durability = (env.SQLITE_DURABILITY ?? 'FULL').toUpperCase() as SqliteDurability;
  if (!DURABILITIES.includes(durability)) {
    throw new ConfigurationError(
      `SQLITE_DURABILITY must be one of ${DURABILITIES.join(', ')}, not '${env.SQLITE_DURABILITY}'`,
    );
  }
  const writer = (env.SQLITE_WRITER ?? 'inline').toLowerCase() as SqliteWriterMode;
  if (!WRITERS.includes(writer)) {
    throw new ConfigurationError(
      `SQLITE_WRITER must be one of ${WRITERS.join(', ')}, not '${env.SQLITE_WRITER}'`,
    );
  }
  return { engine: 'sqlite', dataDir, file: join(dataDir, 'events.sqlite'), durability, writer };
}

/** Creates the directory if needed and proves it is writable. */
export function resolveDataDir(dir: string): string {
  const absolute = resolve(dir);
  try {
    mkdirSync(absolute, { recursive: true });
    accessSync(absolute, constants.W_OK);
  } catch (error) {
    throw new ConfigurationError(
      `DATA_DIR '${absolute}' cannot be used as the data directory: ${(error as Error).message}`,
    );
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

export function openEventStore(
  config: EventStoreConfig,
  logger?: SqliteEventStoreOptions['logger'],
): EventStore {
  return config.engine === 'eventstoredb'
    ? new EventStoreDbEventStore(config.connectionString)
    : new SqliteEventStore({
        file: config.file,
        durability: config.durability,
        ...(config.writer ? { writer: config.writer } : {}),
        ...(logger ? { logger } : {}),
      });
}
