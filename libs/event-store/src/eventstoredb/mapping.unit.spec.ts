import {
  ANY,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
} from '@eventstore/db-client';
import { comparePositions, type Position } from '../contract.js';
import { StreamNotFound, WrongExpectedVersion } from '../errors.js';
import {
  fromEsdbCurrentRevision,
  fromEsdbError,
  fromEsdbPosition,
  fromResolvedEvent,
  toEsdbEvent,
  toEsdbExpectedRevision,
  toEsdbFilter,
  toEsdbPosition,
  toReadPosition,
  toReadRevision,
} from './mapping.js';

describe('EventStoreDB mapping', () => {
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

    it('map start and end to the client constants', () => {
      expect(toReadPosition('start')).toBe(START);
      expect(toReadPosition('end')).toBe(END);
      expect(toReadRevision('start')).toBe(START);
      expect(toReadRevision(7)).toBe(7n);
    });
  });

  describe('revisions', () => {
    it('map each expected revision onto the client', () => {
      expect(toEsdbExpectedRevision('any')).toBe(ANY);
      expect(toEsdbExpectedRevision('no_stream')).toBe(NO_STREAM);
      expect(toEsdbExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
      expect(toEsdbExpectedRevision(0)).toBe(0n);
      expect(toEsdbExpectedRevision(41)).toBe(41n);
    });

    it('map the current revision back', () => {
      expect(fromEsdbCurrentRevision(NO_STREAM)).toBe('no_stream');
      expect(fromEsdbCurrentRevision(5n)).toBe(5);
    });
  });

  describe('errors', () => {
    it('turn a wrong expected version into ours, with expected and actual', () => {
      const error = new WrongExpectedVersionError(undefined, {
        streamName: 'm-1',
        expected: 3n,
        current: 7n,
      });
      const mapped = fromEsdbError(error, 'm-1', 3);
      expect(mapped).toBeInstanceOf(WrongExpectedVersion);
      expect(mapped).toMatchObject({
        stream: 'm-1',
        expected: 3,
        actual: 7,
        code: 'WRONG_EXPECTED_VERSION',
      });
    });

    it('turn a missing stream into StreamNotFound and leave other errors alone', () => {
      expect(fromEsdbError(new StreamNotFoundError(undefined, 'm-2'), 'm-2')).toBeInstanceOf(
        StreamNotFound,
      );
      const other = new Error('unavailable');
      expect(fromEsdbError(other, 'm-3')).toBe(other);
    });
  });

  describe('events', () => {
    const recorded = (overrides: Record<string, unknown> = {}): AllStreamResolvedEvent =>
      ({
        event: {
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
        },
      }) as AllStreamResolvedEvent;

    it('serialise data and metadata as JSON events', () => {
      const data = toEsdbEvent({
        id: 'a3c1a7b4-8f7e-4f5e-a1d2-1b2c3d4e5f60',
        type: 'T',
        data: { x: 'ä' },
        metadata: { correlationId: 'c' },
      });
      expect(data).toMatchObject({
        id: 'a3c1a7b4-8f7e-4f5e-a1d2-1b2c3d4e5f60',
        type: 'T',
        contentType: 'application/json',
        data: { x: 'ä' },
        metadata: { correlationId: 'c' },
      });
      expect(
        toEsdbEvent({ id: 'a3c1a7b4-8f7e-4f5e-a1d2-1b2c3d4e5f60', type: 'T', data: {} }).metadata,
      ).toEqual({});
    });

    it('read a recorded event into ours', () => {
      expect(fromResolvedEvent(recorded())).toEqual({
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
      expect(fromResolvedEvent(recorded({ type: '$metadata' }))).toBeUndefined();
      expect(fromResolvedEvent(recorded({ streamId: '$stats-127.0.0.1:2113' }))).toBeUndefined();
      expect(
        fromResolvedEvent(recorded({ isJson: false, data: new Uint8Array([1]) })),
      ).toBeUndefined();
      expect(fromResolvedEvent({} as AllStreamResolvedEvent)).toBeUndefined();
    });

    it('treat metadata that is not a JSON object as empty', () => {
      expect(fromResolvedEvent(recorded({ metadata: new Uint8Array([1, 2]) }))!.metadata).toEqual(
        {},
      );
      expect(fromResolvedEvent(recorded({ metadata: undefined }))!.metadata).toEqual({});
    });
  });

  describe('filters', () => {
    it('exclude system events when there is no filter', () => {
      expect(toEsdbFilter(undefined)).toMatchObject({ filterOn: 'eventType', regex: '^[^$].*' });
    });
    it('map stream and event-type prefixes', () => {
      expect(toEsdbFilter({ streamPrefixes: ['measure-'] })).toMatchObject({
        filterOn: 'streamName',
        prefixes: ['measure-'],
      });
      expect(toEsdbFilter({ eventTypePrefixes: ['Commitment'] })).toMatchObject({
        filterOn: 'eventType',
        prefixes: ['Commitment'],
      });
    });
  });
});
