import type { ReadStore } from '../read-store/read-store.js';
import type { MasterplanDomainEventType } from '../shared/event-catalogue.js';
import type { StoredEvent } from '../shared/stored-event.js';

/**
 * A read model: its tables, the event types it reads and how each changes the tables.
 * `apply` is synchronous and runs inside the transaction that also saves this projection's
 * checkpoint, so an event takes effect exactly once. Each projection has its own version
 * and checkpoint: changing one rebuilds that one alone, while the others keep serving.
 */
export interface Projection {
  readonly name: string;
  /** Bumped whenever its tables or what it writes change: a mismatch rebuilds it from zero. */
  readonly version: number;
  readonly schema: string;
  /** The event types it reads; it is never given others. */
  readonly canHandle: readonly MasterplanDomainEventType[];
  apply(event: StoredEvent, store: ReadStore): void;
}

/** A projection as written: `apply` is typed for the events `canHandle` names. */
export interface ProjectionDefinition<Type extends MasterplanDomainEventType> extends Omit<
  Projection,
  'canHandle' | 'apply'
> {
  readonly canHandle: readonly Type[];
  apply(event: Extract<StoredEvent, { type: Type }>, store: ReadStore): void;
}

/**
 * Declares a projection. Sound because projections are only ever given the event types
 * their `canHandle` names (see `project`).
 */
export const projection = <Type extends MasterplanDomainEventType>(
  definition: ProjectionDefinition<Type>,
): Projection => definition as unknown as Projection;

/** When the change happened in the domain (falls back to when it was recorded). */
export const occurredAt = (event: StoredEvent): string =>
  typeof event.metadata.occurredAt === 'string'
    ? event.metadata.occurredAt
    : event.recordedAt.toISOString();
