import type { EventMetadata, Position, RecordedEvent } from '@ml/event-store';
import { isDomainEventType, type MasterplanDomainEvent } from './event-catalogue.js';
import { upcast } from './upcasters.js';

/** A domain event as read back from the log: current shape, with its place and metadata. */
export type StoredEvent = MasterplanDomainEvent & {
  id: string;
  streamId: string;
  revision: number;
  position: Position;
  recordedAt: Date;
  metadata: EventMetadata;
};

/** The recorded event in the current shape, or undefined for events that are not ours. */
export function toStoredEvent(recorded: RecordedEvent): StoredEvent | undefined {
  if (!isDomainEventType(recorded.type)) return undefined;
  const event = upcast(recorded.type, recorded.data, recorded.metadata.schemaVersion);
  return {
    ...event,
    id: recorded.id,
    streamId: recorded.streamId,
    revision: recorded.revision,
    position: recorded.position,
    recordedAt: recorded.recordedAt,
    metadata: recorded.metadata,
  } as StoredEvent;
}

/** Published on Nest's EventBus once an event is stored and its reactions have run. */
export class DomainEventStored {
  constructor(readonly event: StoredEvent) {}
}
