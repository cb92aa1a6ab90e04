import type { Configuration } from '@ml/config';
import { openEventStore, verifyChains } from '@ml/event-store';
import { existingEventStoreConfig } from './existing-store.js';
import { progressLine } from './progress.js';

/** A broken chain: its message names the link and what is wrong with it. */
export class ChainBroken extends Error {}

/** Recomputes the hash chains over the whole log, with a progress line. */
export async function verifyLog(args: string[], configuration: Configuration): Promise<void> {
  if (args.length > 0) throw new Error(`verify takes no arguments, not '${args[0]}'`);
  const config = existingEventStoreConfig(configuration);
  const store = openEventStore(config);
  try {
    let total = 0;
    for await (const _ of store.readAll()) total++;
    const progress = progressLine(total, 'events');
    const result = await verifyChains(store.readAll(), {
      logChain: config.engine === 'sqlite',
      onProgress: progress.show,
    });
    progress.done(result.events);
    const { broken, head } = result;
    if (broken)
      throw new ChainBroken(
        `The chain breaks at position ${broken.position}: event ${broken.eventId} (${broken.eventType}, revision ${broken.revision} of stream '${broken.streamId}'): ${broken.problem}. The ${result.events - 1} events before it verify; npm run cli -- show-event ${broken.position} prints it.`,
      );
    console.log(
      `The log verifies: ${result.events} events${result.unlinked ? ` (${result.unlinked} from before the chain, covered by its genesis checkpoint)` : ''}${head ? `, up to position ${head.position}${head.logHash ? ` with chain hash ${head.logHash}` : ''}` : ''}.`,
    );
  } finally {
    await store.close();
  }
}
