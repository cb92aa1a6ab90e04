// The client package. Moving to @kurrent/kurrentdb-client changes this file alone: this
// import, CLIENT_SCHEME and toAppendOptions (see "Switching to @kurrent/kurrentdb-client" in
// docs/event-store.md). The mapping's tests run against both packages.
import { splitIntegrity } from '../integrity/chain.js';
import {
  ANY,
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient as Client,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision as ClientExpectedRevision,
  type AppendToStreamOptions,
  type EventData,
  type Filter,
  type Position as ClientPosition,
  type ReadPosition,
  type ReadRevision,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type {
  CurrentRevision,
  Direction,
  EventMetadata,
  ExpectedRevision,
  JsonValue,
  LogStart,
  NewEvent,
  Position,
  RecordedEvent,
  SubscriptionFilter,
} from '../contract.js';
import { StreamNotFound, WrongExpectedVersion } from '../errors.js';

/**
 * Pure translations between our contract and the EventStoreDB/KurrentDB client. Everything
 * here is unit-tested without a server; the adapter only wires these to client calls, and
 * names the client package nowhere else.
 */

/** The client the adapter talks through, and its catch-up subscription to `$all`. */
export type StoreClient = Client;
export type ClientSubscription = AllStreamSubscription;
export type ClientResolvedEvent = AllStreamResolvedEvent;

/** The scheme this client package's connection strings start with. */
const CLIENT_SCHEME = 'esdb';

/** Whatever the connection string says, both packages accept these. */
const SCHEMES = /^(?:esdb|kurrentdb|kurrent|kdb)(\+discover)?:\/\//;

/**
 * A connection string in any scheme of either client package (`esdb://`, `kurrentdb://`,
 * `kurrent://`, `kdb://`, each also `+discover`) as this package spells it: the servers
 * and their options do not depend on the scheme.
 */
export function toClientConnectionString(connectionString: string): string {
  const trimmed = connectionString.trim();
  return trimmed.replace(SCHEMES, (_, discover?: string) => `${CLIENT_SCHEME}${discover ?? ''}://`);
}

/** A client for the connection string; it connects on its first call. Throws the parse error. */
export function connect(connectionString: string): StoreClient {
  return Client.connectionString(toClientConnectionString(connectionString));
}

export function toAppendOptions(expected: ExpectedRevision): AppendToStreamOptions {
  return { expectedRevision: toEsdbExpectedRevision(expected) };
}

export function toEsdbDirection(direction: Direction): typeof FORWARDS | typeof BACKWARDS {
  return direction === 'backwards' ? BACKWARDS : FORWARDS;
}

const DIGITS = 20;

/** `commit/prepare`, each zero-padded so that string order is log order. */
export function fromEsdbPosition(position: ClientPosition): Position {
  const pad = (n: bigint) => n.toString().padStart(DIGITS, '0');
  return `${pad(position.commit)}/${pad(position.prepare)}` as Position;
}

export function toEsdbPosition(position: Position): ClientPosition {
  const match = /^(\d{1,20})\/(\d{1,20})$/.exec(position);
  if (!match) throw new Error(`'${position}' is not a position of the EventStoreDB event store`);
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
}

export function toReadPosition(from: LogStart): ReadPosition {
  if (from === 'start') return START;
  if (from === 'end') return END;
  return toEsdbPosition(from);
}

export function toReadRevision(from: 'start' | 'end' | number): ReadRevision {
  if (from === 'start') return START;
  if (from === 'end') return END;
  return BigInt(from);
}

export function toEsdbExpectedRevision(expected: ExpectedRevision): ClientExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

export function fromEsdbCurrentRevision(current: typeof NO_STREAM | bigint): CurrentRevision {
  return current === NO_STREAM ? 'no_stream' : Number(current);
}

export function toEsdbEvent(event: NewEvent): EventData {
  return jsonEvent({
    id: event.id,
    type: event.type,
    // The client types JSON data as an object, array or string; scalars are valid JSON too.
    data: event.data as Record<string, unknown>,
    metadata: (event.metadata ?? {}) as Record<string, JsonValue>,
  });
}

/**
 * A resolved event as our recorded event, or `undefined` for what the contract never
 * delivers: system events, link events without a target, and non-JSON payloads.
 */
export function fromResolvedEvent(
  resolved: AllStreamResolvedEvent | ResolvedEvent,
): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event || !event.isJson || event.type.startsWith('$') || event.streamId.startsWith('$')) {
    return undefined;
  }
  if (!event.position) {
    throw new Error(`EventStoreDB returned event ${event.id} without a log position`);
  }
  const { metadata, integrity } = splitIntegrity(
    (isPlainObject(event.metadata) ? event.metadata : {}) as EventMetadata,
  );
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata,
    ...(integrity ? { integrity } : {}),
    streamId: event.streamId,
    revision: Number(event.revision),
    position: fromEsdbPosition(event.position),
    recordedAt: event.created,
  };
}

export function toEsdbFilter(filter: SubscriptionFilter | undefined): Filter {
  if (!filter) return excludeSystemEvents();
  if (filter.streamPrefixes) return streamNameFilter({ prefixes: filter.streamPrefixes });
  return eventTypeFilter({ prefixes: filter.eventTypePrefixes });
}

/**
 * The client's errors, known by their `type` rather than their class: both packages (and
 * two copies of one) tell them apart the same way, with the same values.
 */
interface ClientError {
  type: ErrorType;
  /** The stream's revision, on a wrong expected version: `actualVersion` in @eventstore/db-client, */
  actualVersion?: typeof NO_STREAM | bigint;
  /** `actualState` in @kurrent/kurrentdb-client. */
  actualState?: typeof NO_STREAM | bigint;
}

function isClientError(error: unknown): error is ClientError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { type?: unknown }).type === 'string' &&
    Object.values(ErrorType).includes((error as { type: ErrorType }).type)
  );
}

/** The client's errors as ours, so callers see one set of errors whatever the engine. */
export function fromEsdbError(
  error: unknown,
  stream: string,
  expected?: ExpectedRevision,
): unknown {
  if (!isClientError(error)) return error;
  if (error.type === ErrorType.WRONG_EXPECTED_VERSION) {
    const actual = error.actualVersion ?? error.actualState ?? NO_STREAM;
    return new WrongExpectedVersion(stream, expected ?? 'any', fromEsdbCurrentRevision(actual));
  }
  if (error.type === ErrorType.STREAM_NOT_FOUND) return new StreamNotFound(stream);
  return error;
}

/** Errors of a connection or a node that pass (a node restarting, a new leader elected). */
const PASSING: readonly ErrorType[] = [
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
  ErrorType.CANCELLED,
];

/** Whether trying the same call again later can succeed. */
export function isPassingError(error: unknown): boolean {
  return isClientError(error) && PASSING.includes(error.type);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}
