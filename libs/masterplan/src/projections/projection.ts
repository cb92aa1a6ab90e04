import type { ReadStore } from '../read-store/read-store.js';
import type { StoredEvent } from '../shared/stored-event.js';

/**
 * A read model: its tables and how each stored event changes them. `apply` is synchronous
 * and runs inside the transaction that also saves the checkpoint, so an event takes effect
 * exactly once.
 */
export interface Projection {
  readonly name: string;
  readonly schema: string;
  apply(event: StoredEvent, store: ReadStore): void;
}

/** When the change happened in the domain (falls back to when it was recorded). */
export const occurredAt = (event: StoredEvent): string =>
  typeof event.metadata.occurredAt === 'string'
    ? event.metadata.occurredAt
    : event.recordedAt.toISOString();
