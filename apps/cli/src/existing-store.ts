import { existsSync } from 'node:fs';
import {
  ConfigurationError,
  eventStoreConfigFromEnv,
  type EventStoreConfig,
} from '@ml/event-store';

/**
 * The server's event store, for verbs that work on one that exists (rebuild, show an
 * event): a DATA_DIR without one is most likely not the server's, and an empty store made
 * there would answer as if the log were empty.
 */
export function existingEventStoreConfig(): EventStoreConfig {
  const config = eventStoreConfigFromEnv();
  if (config.engine === 'sqlite' && !existsSync(config.file))
    throw new ConfigurationError(
      `DATA_DIR '${config.dataDir}' holds no event store (no events.sqlite); use the DATA_DIR the server uses`,
    );
  return config;
}

export type EmbeddedStoreConfig = Extract<EventStoreConfig, { engine: 'sqlite' }>;

/**
 * The embedded store in DATA_DIR, for verbs that work on its file. With
 * EVENTSTORE_CONNECTION_STRING set the server's events are in EventStoreDB, which the verb
 * does not touch: saying so beats quietly working on a file the server does not use.
 */
export function embeddedStoreConfig(verb: string): EmbeddedStoreConfig {
  const config = eventStoreConfigFromEnv();
  if (config.engine !== 'sqlite')
    throw new ConfigurationError(
      `${verb} works on the embedded store (DATA_DIR/events.sqlite), but EVENTSTORE_CONNECTION_STRING is set: the events are in EventStoreDB, whose own backups apply (see docs/operations.md); unset it to work on the embedded store`,
    );
  return config;
}
