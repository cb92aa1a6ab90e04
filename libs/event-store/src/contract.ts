import type { EventIntegrity } from './integrity/chain.js';

/**
 * The one event-store contract both engines implement. EventStoreDB's semantics are the
 * reference: optimistic concurrency by expected revision, idempotency by event id, one
 * global order over all streams, catch-up subscriptions that turn live without a gap.
 */

/**
 * A checkpoint in the global log. Opaque outside the adapters, but every engine encodes
 * it so that comparing two positions as strings gives their order in the log; it can be
 * stored, compared and sent to clients as it is.
 */
export type Position = string & { readonly __brand: 'Position' };

/** Where a read or subscription over the global log begins. */
export type LogStart = 'start' | 'end' | Position;

/** The revision a stream must be at for an append to be accepted. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

/** What a stream's revision was when an append was refused: a number, or `no_stream`. */
export type CurrentRevision = 'no_stream' | number;

export type Direction = 'forwards' | 'backwards';

/** Who caused an event: the user, the organisation they acted for and their roles. */
export interface ActingUser {
  userId: string;
  organisationId?: string;
  roles: string[];
}

/**
 * Metadata is free-form JSON; these keys are the ones the rest of the system relies on.
 * `occurredAt` is when the change happened in the domain (ISO 8601), distinct from the
 * engine's `recordedAt`.
 */
export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  actor?: ActingUser;
  occurredAt?: string;
  schemaVersion?: number;
  [key: string]: unknown;
}

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue | undefined };

/** An event to append. `id` is a UUID chosen by the caller, which makes retries idempotent. */
export interface NewEvent<Data = unknown> {
  id: string;
  type: string;
  data: Data;
  metadata?: EventMetadata;
}

export interface RecordedEvent<Data = unknown> {
  id: string;
  type: string;
  data: Data;
  /** As appended: the store's own `integrity` key is taken out into `integrity`. */
  metadata: EventMetadata;
  /** The event's hash-chain links (integrity/chain.ts); absent on events written before. */
  integrity?: EventIntegrity;
  streamId: string;
  /** Zero-based revision of the event within its stream. */
  revision: number;
  position: Position;
  recordedAt: Date;
}

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
  /**
   * An earlier append to the same stream, as this store object returned it, perhaps not yet
   * answered: this append is written only if that one is, and is refused with
   * `WrongExpectedVersion` otherwise. It lets a writer append behind its own pending append
   * (the expected revision counting its events) without waiting for its commit.
   */
  after?: Promise<AppendResult>;
}

export interface AppendResult {
  /** The stream's revision after the append: pass it as the next expected revision. */
  nextExpectedRevision: number;
  /** Position of the last event written. */
  position: Position;
}

export interface ReadStreamOptions {
  /** Inclusive. Defaults to `start` forwards and `end` backwards. */
  fromRevision?: 'start' | 'end' | number;
  direction?: Direction;
  maxCount?: number;
}

export interface ReadAllOptions {
  /**
   * Exclusive, like a checkpoint: forwards reads return events after it, backwards reads
   * events before it. Defaults to `start` forwards and `end` backwards.
   */
  fromPosition?: LogStart;
  direction?: Direction;
  maxCount?: number;
}

/**
 * EventStoreDB filters on one property at a time, so the contract does too. System
 * events (types starting with `$`) are never delivered.
 */
export type SubscriptionFilter =
  | { streamPrefixes: string[]; eventTypePrefixes?: never }
  | { eventTypePrefixes: string[]; streamPrefixes?: never };

export interface SubscribeToAllOptions {
  /** Exclusive: the subscription delivers events after this checkpoint. Default `start`. */
  fromPosition?: LogStart;
  filter?: SubscriptionFilter;
}

/**
 * A catch-up subscription: first the events already stored after `fromPosition`, then new
 * ones as they are committed, in log order, with no gap and no duplicate between the two.
 * It is pulled: events are read from the engine only as fast as the consumer iterates.
 */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  /** Stops the subscription; a pending iteration ends. Safe to call more than once. */
  close(): Promise<void>;
}

export interface EventStoreHealth {
  engine: 'sqlite' | 'eventstoredb';
  state: 'up' | 'down';
  detail: string;
}

/**
 * Told of every commit, for metrics: how many appends one transaction wrote (the embedded
 * engine commits the appends made together as one group; EventStoreDB, each on its own),
 * how many events they held, and how many appends of it were refused (a revision check).
 */
export interface WriteObserver {
  committed(group: { written: number; events: number; refused: number }): void;
}

export interface EventStore {
  appendToStream(
    stream: string,
    events: NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult>;
  /** Rejects with `StreamNotFound` (on first iteration) when the stream has no events. */
  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribeToAll(options?: SubscribeToAllOptions): Subscription;
  /** The position of the newest event, or `start` when the log is empty. */
  headPosition(): Promise<LogStart>;
  health(): Promise<EventStoreHealth>;
  /** Waits for in-flight appends, then releases the engine. */
  close(): Promise<void>;
}

/** True when `event` passes `filter`. Engines that cannot filter server-side use this. */
export function matchesFilter(
  event: { streamId: string; type: string },
  filter: SubscriptionFilter | undefined,
): boolean {
  if (event.type.startsWith('$')) return false;
  if (!filter) return true;
  if (filter.streamPrefixes) return filter.streamPrefixes.some((p) => event.streamId.startsWith(p));
  return filter.eventTypePrefixes.some((p) => event.type.startsWith(p));
}

/** Order of two positions in the log (negative: `a` comes first). */
export function comparePositions(a: LogStart, b: LogStart): number {
  const rank = (p: LogStart) => (p === 'start' ? 0 : p === 'end' ? 2 : 1);
  const byRank = rank(a) - rank(b);
  if (byRank !== 0 || rank(a) !== 1) return byRank;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Whether `candidate` has the shape of the positions of the store `known` comes from (its
 * digits and separators in the same places). A string of another shape would still compare,
 * as another moment, so positions from clients are checked with this first.
 */
export function hasPositionShape(candidate: string, known: Position): boolean {
  return (
    /^[0-9]/.test(candidate) && candidate.replace(/[0-9]/g, '0') === known.replace(/[0-9]/g, '0')
  );
}
