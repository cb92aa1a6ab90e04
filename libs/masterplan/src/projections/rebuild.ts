import type { EventStore, RecordedEvent } from '@ml/event-store';
import type { ReadStore } from '../read-store/read-store.js';
import { EventNotApplied } from '../shared/log-follower.js';
import { toStoredEvent } from '../shared/stored-event.js';
import type { Projection } from './projection.js';
import {
  PROJECTIONS,
  checkpointOf,
  createReadModelIndexes,
  forgetReadModels,
  prepareReadModels,
  project,
} from './projections.js';

const BATCH = 2000;

/**
 * Builds the read models from position zero into `target` (an empty read store, or with
 * `only`, a copy of the live one where just those read models are built again and the
 * others are left as they are), in batches of one transaction each, with the checkpoint
 * where it ends. The result is what the live projector would have built event by event.
 */
export async function rebuildReadModels(
  store: EventStore,
  target: ReadStore,
  onProgress?: (applied: number) => void,
  only?: readonly Projection[],
): Promise<number> {
  const rebuilt = only ?? PROJECTIONS;
  const chosen = only ? new Set(only) : undefined;
  if (only) forgetReadModels(target, only);
  // A bulk load: no journal, no syncs, indexes built once at the end. The file is only put
  // in place when complete, so a crash here loses nothing but the rebuild.
  prepareReadModels(target, { withoutIndexes: true });
  const journal = target.db.pragma('journal_mode', { simple: true }) as string;
  target.db.pragma('journal_mode = OFF');
  target.db.pragma('synchronous = OFF');
  let batch: RecordedEvent[] = [];
  let applied = 0;
  const flush = () => {
    if (batch.length === 0) return;
    target.transaction(() => {
      for (const recorded of batch) {
        try {
          const event = toStoredEvent(recorded);
          if (event) project(target, event, chosen);
        } catch (error) {
          throw new EventNotApplied(recorded, error);
        }
      }
      const last = batch[batch.length - 1]!.position;
      for (const projection of rebuilt) target.saveCheckpoint(checkpointOf(projection), last);
    });
    applied += batch.length;
    batch = [];
    onProgress?.(applied);
  };
  for await (const recorded of store.readAll()) {
    batch.push(recorded);
    if (batch.length >= BATCH) flush();
  }
  flush();
  createReadModelIndexes(target);
  if (journal !== 'memory') target.db.pragma(`journal_mode = ${journal}`);
  target.db.pragma('synchronous = NORMAL');
  return applied;
}
