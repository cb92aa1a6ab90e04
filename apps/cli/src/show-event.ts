import type { Configuration } from '@ml/config';
import {
  openEventStore,
  type EventStore,
  type Position,
  type RecordedEvent,
} from '@ml/event-store';
import { existingEventStoreConfig } from './existing-store.js';

/**
 * Prints one stored event as JSON, found by its log position (as projectionStatus and the
 * audit trail give it) or by its event id: `show-event <position | event id>`.
 */
export async function showEvent(args: string[], configuration: Configuration): Promise<void> {
  const wanted = args[0];
  if (!wanted) throw new Error('Name the event: show-event <position | event id>');
  const store = openEventStore(existingEventStoreConfig(configuration));
  try {
    const event = (await atPosition(store, wanted)) ?? (await byId(store, wanted));
    if (!event)
      throw new Error(
        `No event has the position or id '${wanted}' (positions are written as projectionStatus and the audit trail give them, e.g. ${await examplePosition(store)})`,
      );
    console.log(JSON.stringify(event, null, 2));
  } finally {
    await store.close();
  }
}

async function examplePosition(store: EventStore): Promise<string> {
  const head = await store.headPosition();
  return head === 'start' || head === 'end' ? 'none yet: the log is empty' : head;
}

/** Positions are read from the one before (reads start after a position). */
async function atPosition(store: EventStore, position: string): Promise<RecordedEvent | undefined> {
  if (!/^[0-9/]+$/.test(position)) return undefined;
  let before: Position | 'start' = 'start';
  for await (const e of store.readAll({
    fromPosition: position as Position,
    direction: 'backwards',
    maxCount: 1,
  }))
    before = e.position;
  for await (const e of store.readAll({ fromPosition: before, maxCount: 1 }))
    return e.position === position ? e : undefined;
  return undefined;
}

async function byId(store: EventStore, id: string): Promise<RecordedEvent | undefined> {
  for await (const e of store.readAll()) if (e.id === id.toLowerCase()) return e;
  return undefined;
}
