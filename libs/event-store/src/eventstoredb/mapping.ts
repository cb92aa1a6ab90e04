import {
  ANY,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type CurrentRevision as EsdbCurrentRevision,
  type EventData,
  type Filter,
  type Position as EsdbPosition,
  type ReadPosition,
  type ReadRevision,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type {
  CurrentRevision,
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
 * Pure translations between our contract and `@eventstore/db-client`. Everything here is
 * unit-tested without a server; the adapter only wires these to client calls.
 */

const DIGITS = 20;

/** `commit/prepare`, each zero-padded so that string order is log order. */
export function fromEsdbPosition(position: EsdbPosition): Position {
  const pad = (n: bigint) => n.toString().padStart(DIGITS, '0');
  return `${pad(position.commit)}/${pad(position.prepare)}` as Position;
}

export function toEsdbPosition(position: Position): EsdbPosition {
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

export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
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

export function fromEsdbCurrentRevision(current: EsdbCurrentRevision): CurrentRevision {
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
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: (isPlainObject(event.metadata) ? event.metadata : {}) as EventMetadata,
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

/** The client's errors as ours, so callers see one set of errors whatever the engine. */
export function fromEsdbError(
  error: unknown,
  stream: string,
  expected?: ExpectedRevision,
): unknown {
  if (error instanceof WrongExpectedVersionError) {
    return new WrongExpectedVersion(
      stream,
      expected ?? 'any',
      fromEsdbCurrentRevision(error.actualVersion),
    );
  }
  if (error instanceof StreamNotFoundError) return new StreamNotFound(stream);
  return error;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}
