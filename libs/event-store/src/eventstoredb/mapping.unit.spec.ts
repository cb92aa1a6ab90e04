import { jest } from '@jest/globals';
import * as esdb from '@eventstore/db-client';
import * as kurrent from '@kurrent/kurrentdb-client';
import { comparePositions, type Position, type RecordedEvent } from '../contract.js';
import { StreamNotFound, WrongExpectedVersion } from '../errors.js';
import {
  connect,
  fromEsdbCurrentRevision,
  fromEsdbError,
  fromEsdbPosition,
  fromResolvedEvent,
  isPassingError,
  toAppendOptions,
  toClientConnectionString,
  toEsdbDirection,
  toEsdbEvent,
  toEsdbExpectedRevision,
  toEsdbFilter,
  toEsdbPosition,
  toReadPosition,
  toReadRevision,
} from './mapping.js';

/**
 * The mapping is written for @eventstore/db-client, and users may move to its successor
 * @kurrent/kurrentdb-client by changing mapping.ts alone. So each test below runs against
 * both packages: their constants, their error classes and their event shapes, each built
 * with that package's own constructors and types (a shape the mapping could not read would
 * not compile here).
 */
interface RecordedFields {
  streamId: string;
  id: string;
  isJson: boolean;
  revision: bigint;
  type: string;
  created: Date;
  data: unknown;
  metadata: unknown;
  position: { commit: bigint; prepare: bigint };
}

interface ClientPackage {
  constants: {
    START: 'start';
    END: 'end';
    ANY: 'any';
    NO_STREAM: 'no_stream';
    STREAM_EXISTS: 'stream_exists';
    FORWARDS: 'forwards';
    BACKWARDS: 'backwards';
  };
  wrongExpectedVersion(stream: string, expected: bigint, current: bigint | 'no_stream'): Error;
  streamNotFound(stream: string): Error;
  /** Errors of a connection that passes, and of a request that will not. */
  passing: Error[];
  lasting: Error[];
  jsonEvent(event: { id: string; type: string; data: object; metadata: object }): unknown;
  filters: {
    excludeSystemEvents(): unknown;
    streamNameFilter(options: { prefixes: string[] }): unknown;
    eventTypeFilter(options: { prefixes: string[] }): unknown;
  };
  /** The package's own resolved event around these fields, read by the mapping. */
  read(fields: RecordedFields): RecordedEvent | undefined;
  readUnresolvedLink(): RecordedEvent | undefined;
  /** What the package's appendToStream takes for an expected revision. */
  appendOptions(expected: bigint | 'any' | 'no_stream' | 'stream_exists'): object;
}

const eventStoreDbClient: ClientPackage = {
  constants: esdb,
  wrongExpectedVersion: (streamName, expected, current) =>
    new esdb.WrongExpectedVersionError(undefined, { streamName, expected, current }),
  streamNotFound: (stream) => new esdb.StreamNotFoundError(undefined, stream),
  passing: [
    new esdb.UnavailableError(),
    new esdb.DeadlineExceededError(),
    new esdb.TimeoutError(),
    new esdb.CancelledError(),
  ],
  lasting: [new esdb.AccessDeniedError(), new esdb.InvalidArgumentError('bad')],
  jsonEvent: (event) => esdb.jsonEvent(event as never),
  filters: esdb,
  read: (fields) => {
    const resolved: esdb.AllStreamResolvedEvent = { event: fields as esdb.AllStreamRecordedEvent };
    return fromResolvedEvent(resolved);
  },
  readUnresolvedLink: () => fromResolvedEvent({} satisfies esdb.ResolvedEvent),
  appendOptions: (expectedRevision) => ({ expectedRevision }) satisfies esdb.AppendToStreamOptions,
};

const kurrentDbClient: ClientPackage = {
  constants: kurrent,
  wrongExpectedVersion: (streamName, expected, current) =>
    new kurrent.WrongExpectedVersionError(undefined, { streamName, expected, current }),
  streamNotFound: (stream) => new kurrent.StreamNotFoundError(undefined, stream),
  passing: [
    new kurrent.UnavailableError(),
    new kurrent.DeadlineExceededError(),
    new kurrent.TimeoutError(),
    new kurrent.CancelledError(),
  ],
  lasting: [new kurrent.AccessDeniedError(), new kurrent.InvalidArgumentError('bad')],
  jsonEvent: (event) => kurrent.jsonEvent(event as never),
  filters: kurrent,
  read: (fields) => {
    const resolved: kurrent.AllStreamResolvedEvent = {
      event: fields as kurrent.AllStreamRecordedEvent,
    };
    return fromResolvedEvent(resolved);
  },
  readUnresolvedLink: () => fromResolvedEvent({} satisfies kurrent.ResolvedEvent),
  appendOptions: (streamState) => ({ streamState }) satisfies kurrent.AppendToStreamOptions,
};

const fields = (overrides: Partial<RecordedFields> = {}): RecordedFields => ({
  streamId: 'measure-1',
  id: '3f1c8a2e-3c43-4a5e-9d53-2f0f7c1b9e10',
  isJson: true,
  revision: 4n,
  type: 'MeasureAssigned',
  created: new Date('2026-01-02T03:04:05Z'),
  data: { actorId: 'ihk' },
  metadata: { correlationId: 'c-1', actor: { userId: 'u', roles: [] } },
  position: { commit: 100n, prepare: 99n },
  ...overrides,
});

describe.each([
  ['@eventstore/db-client', eventStoreDbClient],
  ['@kurrent/kurrentdb-client', kurrentDbClient],
])('EventStoreDB mapping, with %s', (_name, client) => {
  describe('positions and revisions', () => {
    it('map start, end and directions to the client constants', () => {
      expect(toReadPosition('start')).toBe(client.constants.START);
      expect(toReadPosition('end')).toBe(client.constants.END);
      expect(toReadRevision('start')).toBe(client.constants.START);
      expect(toReadRevision('end')).toBe(client.constants.END);
      expect(toReadRevision(7)).toBe(7n);
      expect(toEsdbDirection('forwards')).toBe(client.constants.FORWARDS);
      expect(toEsdbDirection('backwards')).toBe(client.constants.BACKWARDS);
    });

    it('map each expected revision onto the client, and the current revision back', () => {
      expect(toEsdbExpectedRevision('any')).toBe(client.constants.ANY);
      expect(toEsdbExpectedRevision('no_stream')).toBe(client.constants.NO_STREAM);
      expect(toEsdbExpectedRevision('stream_exists')).toBe(client.constants.STREAM_EXISTS);
      expect(toEsdbExpectedRevision(0)).toBe(0n);
      expect(toEsdbExpectedRevision(41)).toBe(41n);
      expect(fromEsdbCurrentRevision(client.constants.NO_STREAM)).toBe('no_stream');
      expect(fromEsdbCurrentRevision(5n)).toBe(5);
    });
  });

  describe('errors', () => {
    it('turn a wrong expected version into ours, with expected and actual', () => {
      const mapped = fromEsdbError(client.wrongExpectedVersion('m-1', 3n, 7n), 'm-1', 3);
      expect(mapped).toBeInstanceOf(WrongExpectedVersion);
      expect(mapped).toMatchObject({
        stream: 'm-1',
        expected: 3,
        actual: 7,
        code: 'WRONG_EXPECTED_VERSION',
      });
      expect(
        fromEsdbError(client.wrongExpectedVersion('m-1', 0n, 'no_stream'), 'm-1', 0),
      ).toMatchObject({ actual: 'no_stream' });
    });

    it('turn a missing stream into StreamNotFound and leave other errors alone', () => {
      expect(fromEsdbError(client.streamNotFound('m-2'), 'm-2')).toBeInstanceOf(StreamNotFound);
      for (const other of [...client.passing, ...client.lasting, new Error('unavailable')])
        expect(fromEsdbError(other, 'm-3')).toBe(other);
    });

    it('tell errors that pass (a node restarting, a new leader) from those that do not', () => {
      for (const error of client.passing) expect(isPassingError(error)).toBe(true);
      for (const error of client.lasting) expect(isPassingError(error)).toBe(false);
      expect(isPassingError(new Error('14 UNAVAILABLE'))).toBe(false);
      expect(isPassingError(client.wrongExpectedVersion('s', 1n, 2n))).toBe(false);
    });
  });

  describe('events', () => {
    it('serialise data and metadata as the package makes JSON events', () => {
      const event = {
        id: 'a3c1a7b4-8f7e-4f5e-a1d2-1b2c3d4e5f60',
        type: 'T',
        data: { x: 'ä' },
        metadata: { correlationId: 'c' },
      };
      expect(toEsdbEvent(event)).toEqual(client.jsonEvent(event));
      expect(
        toEsdbEvent({ id: 'a3c1a7b4-8f7e-4f5e-a1d2-1b2c3d4e5f60', type: 'T', data: {} }),
      ).toEqual(client.jsonEvent({ ...event, data: {}, metadata: {} }));
    });

    it('read a recorded event into ours', () => {
      expect(client.read(fields())).toEqual({
        id: '3f1c8a2e-3c43-4a5e-9d53-2f0f7c1b9e10',
        type: 'MeasureAssigned',
        data: { actorId: 'ihk' },
        metadata: { correlationId: 'c-1', actor: { userId: 'u', roles: [] } },
        streamId: 'measure-1',
        revision: 4,
        position: fromEsdbPosition({ commit: 100n, prepare: 99n }),
        recordedAt: new Date('2026-01-02T03:04:05Z'),
      });
    });

    it('drop system events, system streams, binary events and unresolved links', () => {
      expect(client.read(fields({ type: '$metadata' }))).toBeUndefined();
      expect(client.read(fields({ streamId: '$stats-127.0.0.1:2113' }))).toBeUndefined();
      expect(client.read(fields({ isJson: false, data: new Uint8Array([1]) }))).toBeUndefined();
      expect(client.readUnresolvedLink()).toBeUndefined();
    });

    it('treat metadata that is not a JSON object as empty', () => {
      expect(client.read(fields({ metadata: new Uint8Array([1, 2]) }))!.metadata).toEqual({});
      expect(client.read(fields({ metadata: undefined }))!.metadata).toEqual({});
    });
  });

  it('build filters as the package does, excluding system events when there is none', () => {
    expect(toEsdbFilter(undefined)).toEqual(client.filters.excludeSystemEvents());
    expect(toEsdbFilter({ streamPrefixes: ['measure-'] })).toEqual(
      client.filters.streamNameFilter({ prefixes: ['measure-'] }),
    );
    expect(toEsdbFilter({ eventTypePrefixes: ['Commitment'] })).toEqual(
      client.filters.eventTypeFilter({ prefixes: ['Commitment'] }),
    );
  });

  it("takes the expected revision as the adapter's append options say (the line that changes when switching)", () => {
    const ours = toAppendOptions(3);
    const theirs = client.appendOptions(3n);
    expect(Object.values(ours)).toEqual(Object.values(theirs));
  });
});

const SCHEMES = [
  'esdb',
  'esdb+discover',
  'kurrentdb',
  'kurrentdb+discover',
  'kurrent',
  'kurrent+discover',
  'kdb',
  'kdb+discover',
];

describe('connection strings', () => {
  it('of every scheme of both client packages become one the client package reads, keeping hosts and options', () => {
    const made = (scheme: string) =>
      toClientConnectionString(` ${scheme}://admin:changeit@n1:2113,n2:2113?tls=true `);
    for (const scheme of SCHEMES) {
      const discover = scheme.endsWith('+discover');
      expect(made(scheme)).toBe(made(discover ? 'esdb+discover' : 'esdb'));
      expect(made(scheme)).toMatch(
        new RegExp(
          `^[a-z]+${discover ? '\\+discover' : ''}://admin:changeit@n1:2113,n2:2113\\?tls=true$`,
        ),
      );
      void connect(`${scheme}://localhost:2113?tls=false`).dispose();
    }
  });

  it('the successor reads what the mapping makes of them too', async () => {
    // It reads esdb:// as well, warning that it is deprecated.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      for (const scheme of SCHEMES)
        await kurrent.KurrentDBClient.connectionString(
          toClientConnectionString(`${scheme}://localhost:2113?tls=false`),
        ).dispose();
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses other schemes with the client’s own message', () => {
    expect(() => connect('http://localhost:2113')).toThrow(/Unexpected "http:\/\/" at position 0/);
    expect(() => connect('localhost:2113')).toThrow();
  });
});

describe('positions', () => {
  it('round-trip through our checkpoint string, including 64-bit values', () => {
    const position = { commit: 18446744073709551615n, prepare: 18446744073709551000n };
    expect(toEsdbPosition(fromEsdbPosition(position))).toEqual(position);
  });

  it('compare as strings in log order', () => {
    const positions = [
      { commit: 9n, prepare: 9n },
      { commit: 10n, prepare: 2n },
      { commit: 10n, prepare: 11n },
      { commit: 123456789n, prepare: 0n },
    ].map(fromEsdbPosition);
    const sorted = [...positions].sort(comparePositions);
    expect(sorted).toEqual(positions);
    expect([...positions].reverse().sort()).toEqual(positions);
  });

  it('refuse a checkpoint of another engine', () => {
    expect(() => toEsdbPosition('0000000000000042' as Position)).toThrow(
      /not a position of the EventStoreDB/,
    );
  });
});
