import {
  DuplicateEventId,
  EventStoreError,
  EventStoreFull,
  WrongExpectedVersion,
} from '../errors.js';
import { SqliteWriteError, fromWireError, toWireError } from './writer-protocol.js';

/** What crosses between the threads is what structured clone keeps: plain data. */
const acrossThreads = (error: unknown) => fromWireError(structuredClone(toWireError(error)));

describe('errors between the writer thread and the main thread', () => {
  it.each([
    new WrongExpectedVersion('measure-1', 4, 6),
    new WrongExpectedVersion('measure-1', 'no_stream', 0),
    new WrongExpectedVersion('measure-1', 'stream_exists', 'no_stream'),
  ])('WrongExpectedVersion arrives as itself: %s', (error) => {
    const arrived = acrossThreads(error);
    expect(arrived).toBeInstanceOf(WrongExpectedVersion);
    expect(arrived).toBeInstanceOf(EventStoreError);
    expect({ ...arrived, message: arrived.message, name: arrived.name }).toEqual({
      ...error,
      message: error.message,
      name: error.name,
    });
  });

  it('DuplicateEventId arrives as itself', () => {
    const error = new DuplicateEventId('0b0e8a5e-6a0d-4e43-8f6b-0f3c7d9b1a11', 'actor-ihk');
    const arrived = acrossThreads(error);
    expect(arrived).toBeInstanceOf(DuplicateEventId);
    expect(arrived).toMatchObject({
      code: 'DUPLICATE_EVENT_ID',
      eventId: error.eventId,
      stream: 'actor-ihk',
      message: error.message,
    });
  });

  it.each(['SQLITE_FULL', 'SQLITE_IOERR_SHMSIZE'])(
    'a full disk (%s) arrives as EventStoreFull, with what SQLite said',
    (code) => {
      const sqlite = Object.assign(new Error('database or disk is full'), {
        name: 'SqliteError',
        code,
      });
      const arrived = acrossThreads(sqlite);
      expect(arrived).toBeInstanceOf(EventStoreFull);
      expect(arrived).toMatchObject({
        code: 'EVENT_STORE_FULL',
        reason: 'database or disk is full',
      });
    },
  );

  it("any other error keeps its name, message and SQLite's code", () => {
    const sqlite = Object.assign(new Error('database disk image is malformed'), {
      name: 'SqliteError',
      code: 'SQLITE_CORRUPT',
    });
    const arrived = acrossThreads(sqlite);
    expect(arrived).toBeInstanceOf(SqliteWriteError);
    expect(arrived).toMatchObject({
      name: 'SqliteError',
      message: 'database disk image is malformed',
      code: 'SQLITE_CORRUPT',
    });
    expect(acrossThreads('a string thrown')).toMatchObject({
      name: 'Error',
      message: 'a string thrown',
    });
  });
});
