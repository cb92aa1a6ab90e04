import type { CurrentRevision, ExpectedRevision } from './contract.js';

/** Base of the errors the contract defines; `code` is stable and safe to branch on. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

export class WrongExpectedVersion extends EventStoreError {
  readonly code = 'WRONG_EXPECTED_VERSION';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: CurrentRevision,
  ) {
    super(
      `Stream '${stream}' was expected at revision ${String(expected)} but is at ${String(actual)}`,
    );
    this.name = 'WrongExpectedVersion';
  }
}

export class StreamNotFound extends EventStoreError {
  readonly code = 'STREAM_NOT_FOUND';
  constructor(readonly stream: string) {
    super(`Stream '${stream}' does not exist`);
    this.name = 'StreamNotFound';
  }
}

/** An event id already stored elsewhere than where this append would repeat it. */
export class DuplicateEventId extends EventStoreError {
  readonly code = 'DUPLICATE_EVENT_ID';
  constructor(
    readonly eventId: string,
    readonly stream: string,
  ) {
    super(`Event id ${eventId} is already stored in stream '${stream}' and cannot be reused`);
    this.name = 'DuplicateEventId';
  }
}

export class InvalidEvent extends EventStoreError {
  readonly code = 'INVALID_EVENT';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEvent';
  }
}

export class EventStoreClosed extends EventStoreError {
  readonly code = 'EVENT_STORE_CLOSED';
  constructor() {
    super('The event store is closed');
    this.name = 'EventStoreClosed';
  }
}

/**
 * The embedded engine's writer thread stopped unexpectedly. Appends that were being written
 * may or may not be stored (read the stream to know); later appends are refused until the
 * store is opened again, and health reports the engine down.
 */
export class EventStoreWriterFailed extends EventStoreError {
  readonly code = 'EVENT_STORE_WRITER_FAILED';
  constructor(readonly reason: string) {
    super(
      `The event store's writer thread stopped (${reason}); appends in flight may or may not ` +
        'have been written, and no more can be accepted until the store is reopened',
    );
    this.name = 'EventStoreWriterFailed';
  }
}

/** A file that is not an event store this version can use: another program's, or a newer layout. */
export class NotAnEventStore extends EventStoreError {
  readonly code = 'NOT_AN_EVENT_STORE';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file} is not an event store this version can use: ${reason}`);
    this.name = 'NotAnEventStore';
  }
}

/** A store file another process has open (a running server): it must be stopped first. */
export class StoreInUse extends EventStoreError {
  readonly code = 'STORE_IN_USE';
  constructor(readonly file: string) {
    super(`${file} is in use by another process (a running server?); stop it first`);
    this.name = 'StoreInUse';
  }
}

/**
 * A subscription whose connection dropped and could not be made again within its bound of
 * attempts (with pauses between them). Whoever follows the log resumes from its checkpoint.
 */
export class SubscriptionDropped extends EventStoreError {
  readonly code = 'SUBSCRIPTION_DROPPED';
  constructor(
    readonly after: string,
    readonly attempts: number,
    readonly reason: unknown,
  ) {
    super(
      `The subscription to the log dropped after position ${after} and could not be resumed in ${attempts} attempts: ${(reason as Error)?.message ?? String(reason)}`,
    );
    this.name = 'SubscriptionDropped';
  }
}

/**
 * The disk the embedded engine writes to is full: nothing of this append was stored (SQLite
 * rolled its group back). Appends succeed again, without a restart, once space is freed.
 */
export class EventStoreFull extends EventStoreError {
  readonly code = 'EVENT_STORE_FULL';
  constructor(readonly reason: string) {
    super(
      `The event store's disk is full (${reason}): the append was not stored; appends succeed again once space is freed`,
    );
    this.name = 'EventStoreFull';
  }
}

/**
 * Whether `error` says a disk is full: the event store's own error, SQLite's (the read
 * models' file; SHMSIZE is its shared-memory file that could not grow), or the file
 * system's. Duck-typed: errors may come from another realm.
 */
export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return (
    code === 'EVENT_STORE_FULL' ||
    code === 'SQLITE_FULL' ||
    code === 'SQLITE_IOERR_SHMSIZE' ||
    code === 'ENOSPC'
  );
}

/** A stored event whose data or metadata cannot be read back (not JSON): written around the store. */
export class UnreadableEvent extends EventStoreError {
  readonly code = 'UNREADABLE_EVENT';
  constructor(
    readonly position: string,
    readonly eventId: string,
    readonly streamId: string,
    readonly revision: number,
    readonly eventType: string,
    readonly reason: string,
  ) {
    super(`The event at position ${position} (${eventId}) cannot be read: ${reason}`);
    this.name = 'UnreadableEvent';
  }
}
