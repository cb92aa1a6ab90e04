/**
 * The messages between the SQLite event store on the main thread and its writer thread.
 * Everything crossing is plain data (structured clone keeps no classes), so the contract's
 * errors travel as their fields and are rebuilt as the same classes on arrival.
 */
import type { CurrentRevision, ExpectedRevision } from '../contract.js';
import { DuplicateEventId, EventStoreFull, WrongExpectedVersion, isDiskFull } from '../errors.js';
import type { SqliteDurability } from './sqlite-schema.js';

/** An event as the writer inserts it: data and metadata already serialised. */
export interface WireEvent {
  id: string;
  type: string;
  data: string;
  metadata: string;
}

export interface WireAppend {
  /** Numbers the appends of one store in the order they were made. */
  seq: number;
  stream: string;
  expected: ExpectedRevision;
  events: WireEvent[];
  /**
   * The append (its `seq`, in this group or one sent before) this one is written only after;
   * -1 when that one was already refused.
   */
  after?: number;
}

export type WireError =
  | {
      kind: 'WrongExpectedVersion';
      stream: string;
      expected: ExpectedRevision;
      actual: CurrentRevision;
    }
  | { kind: 'DuplicateEventId'; eventId: string; stream: string }
  | { kind: 'other'; name: string; message: string; code?: string };

export type WireOutcome =
  { ok: true; nextExpectedRevision: number; position: number } | { ok: false; error: WireError };

export interface WriterSettings {
  file: string;
  durability: SqliteDurability;
}

export type ToWriter = { type: 'group'; id: number; appends: WireAppend[] } | { type: 'close' };

export type FromWriter =
  /** The group's COMMIT returned: one outcome per append, in order. */
  | { type: 'committed'; id: number; outcomes: WireOutcome[] }
  /** The group's transaction could not be begun or committed: nothing of it is stored. */
  | { type: 'failed'; id: number; error: WireError }
  | { type: 'closed' };

export function toWireError(error: unknown): WireError {
  if (error instanceof WrongExpectedVersion) {
    const { stream, expected, actual } = error;
    return { kind: 'WrongExpectedVersion', stream, expected, actual };
  }
  if (error instanceof DuplicateEventId) {
    return { kind: 'DuplicateEventId', eventId: error.eventId, stream: error.stream };
  }
  const { name, message, code } = (error ?? {}) as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
  };
  return {
    kind: 'other',
    name: typeof name === 'string' ? name : 'Error',
    message: typeof message === 'string' ? message : String(error),
    ...(typeof code === 'string' ? { code } : {}),
  };
}

/** An error of the writer thread as the main thread raises it. */
export class SqliteWriteError extends Error {
  constructor(
    name: string,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = name;
  }
}

export function fromWireError(wire: WireError): Error {
  switch (wire.kind) {
    case 'WrongExpectedVersion':
      return new WrongExpectedVersion(wire.stream, wire.expected, wire.actual);
    case 'DuplicateEventId':
      return new DuplicateEventId(wire.eventId, wire.stream);
    case 'other':
      return isDiskFull(wire)
        ? new EventStoreFull(wire.message)
        : new SqliteWriteError(wire.name, wire.message, wire.code);
  }
}
