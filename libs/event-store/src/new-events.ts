import { INTEGRITY_KEY } from './integrity/chain.js';
import type { AppendResult, CurrentRevision, ExpectedRevision, NewEvent } from './contract.js';
import { InvalidEvent } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The checks both engines make before they touch storage, so both refuse the same input. */
export function assertAppendable(stream: string, events: NewEvent[]): void {
  if (typeof stream !== 'string' || stream.length === 0) {
    throw new InvalidEvent('A stream name must be a non-empty string');
  }
  if (stream.startsWith('$')) {
    throw new InvalidEvent(
      `Stream names starting with '$' are reserved for the engine: '${stream}'`,
    );
  }
  if (events.length === 0) throw new InvalidEvent('An append needs at least one event');
  const seen = new Set<string>();
  for (const event of events) {
    if (!UUID.test(event.id)) throw new InvalidEvent(`Event id '${event.id}' is not a UUID`);
    if (seen.has(event.id.toLowerCase())) {
      throw new InvalidEvent(`Event id ${event.id} appears twice in one append`);
    }
    seen.add(event.id.toLowerCase());
    if (typeof event.type !== 'string' || event.type.length === 0 || event.type.startsWith('$')) {
      throw new InvalidEvent(
        `Event type '${String(event.type)}' must be non-empty and not start with '$'`,
      );
    }
    if (event.data === undefined) throw new InvalidEvent(`Event ${event.id} has no data`);
    if (event.metadata && INTEGRITY_KEY in event.metadata)
      throw new InvalidEvent(
        `Event ${event.id}: the metadata key '${INTEGRITY_KEY}' is the store's own (its hash-chain links)`,
      );
  }
}

/** Whether an append was written, once it is answered (engines that cannot chain appends wait). */
export function wasWritten(append: Promise<AppendResult>): Promise<boolean> {
  return append.then(
    () => true,
    () => false,
  );
}

/** Whether a stream at revision `current` meets the expected revision of an append. */
export function revisionMatches(expected: ExpectedRevision, current: CurrentRevision): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === 'no_stream';
    case 'stream_exists':
      return current !== 'no_stream';
    default:
      return current === expected;
  }
}
