import { StreamNotFound, type EventStore, type RecordedEvent } from '@ml/event-store';

/** The last event of a stream, or undefined when the stream has none. */
export async function lastEventOf(
  store: EventStore,
  stream: string,
): Promise<RecordedEvent | undefined> {
  try {
    for await (const event of store.readStream(stream, { direction: 'backwards', maxCount: 1 }))
      return event;
  } catch (error) {
    if (!(error instanceof StreamNotFound)) throw error;
  }
  return undefined;
}
