import { existsSync } from 'node:fs';
import { ConfigurationError, type Configuration } from '@ml/config';
import { eventStoreConfigOf, type EventStoreConfig } from '@ml/event-store';

/**
 * The server's event store, for verbs that work on one that exists (rebuild, show an
 * event): a DATA_DIR without one is most likely not the server's, and an empty store made
 * there would answer as if the log were empty.
 */
export function existingEventStoreConfig(configuration: Configuration): EventStoreConfig {
  const config = eventStoreConfigOf(configuration);
  if (config.engine === 'sqlite' && !existsSync(config.file))
    throw new ConfigurationError(
      `DATA_DIR '${config.dataDir}' holds no event store (no events.sqlite); use the DATA_DIR the server uses`,
    );
  return config;
}
