import { loadOrCreateSigningKey, signCheckpoint } from '@ml/auth';
import { openEventStore } from '@ml/event-store';
import { existingEventStoreConfig } from './existing-store.js';

export const SIGN_CHECKPOINT_USAGE = `sign-checkpoint         sign the head of the log with the server's key (as signAuditCheckpoint
                        does) and print the checkpoint as JSON`;

/** Signs the head of the log now, with the key of the server using this DATA_DIR. */
export async function signCheckpointNow(args: string[]): Promise<void> {
  if (args.includes('--help')) {
    console.log(`Usage: npm run cli -- ${SIGN_CHECKPOINT_USAGE}`);
    return;
  }
  if (args.length > 0) throw new Error(`sign-checkpoint takes no arguments, not '${args[0]}'`);
  const config = existingEventStoreConfig();
  const key = await loadOrCreateSigningKey(config.dataDir);
  const store = openEventStore(config);
  try {
    const signed = await signCheckpoint(store, key, { always: true });
    if (!signed) throw new Error('The log is empty: there is nothing to sign yet');
    console.log(JSON.stringify(signed, null, 2));
  } finally {
    await store.close();
  }
}
