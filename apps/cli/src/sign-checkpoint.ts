import type { Configuration } from '@ml/config';
import { loadOrCreateSigningKey, signCheckpoint } from '@ml/auth';
import { openEventStore } from '@ml/event-store';
import { existingEventStoreConfig } from './existing-store.js';

/** Signs the head of the log now, with the key of the server using this DATA_DIR. */
export async function signCheckpointNow(
  args: string[],
  configuration: Configuration,
): Promise<void> {
  if (args.length > 0) throw new Error(`sign-checkpoint takes no arguments, not '${args[0]}'`);
  const config = existingEventStoreConfig(configuration);
  const key = await loadOrCreateSigningKey(config.dataDir, configuration.JWT_PRIVATE_KEY_FILE);
  const store = openEventStore(config);
  try {
    const signed = await signCheckpoint(store, key, { always: true });
    if (!signed) throw new Error('The log is empty: there is nothing to sign yet');
    console.log(JSON.stringify(signed, null, 2));
  } finally {
    await store.close();
  }
}
