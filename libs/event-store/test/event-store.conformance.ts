import { randomUUID } from 'node:crypto';
import {
  InvalidEvent,
  StreamNotFound,
  WrongExpectedVersion,
  comparePositions,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  type Subscription,
} from '../src/index.js';

/**
 * The contract every engine must pass, written once. Streams get a fresh prefix per test so
 * the suite also runs against a long-lived EventStoreDB that holds other data.
 */
export function describeEventStoreContract(
  engine: string,
  open: () => Promise<EventStore>,
  dispose: (store: EventStore) => Promise<void> = (store) => store.close(),
  /** A second instance on the same data, as another server process would open it. */
  openAnother: (store: EventStore) => Promise<EventStore> = open,
): void {
  describe(`event store contract: ${engine}`, () => {
    let store: EventStore;
    let prefix: string;
    const stream = (name: string) => `${prefix}${name}`;

    beforeEach(async () => {
      store = await open();
      prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}-`;
    });
    afterEach(async () => dispose(store));

    describe('appending and reading a stream', () => {
      it('records every field of an event and reads it back in order', async () => {
        const before = Date.now();
        const events = [
          event('Opened', { n: 1 }, { correlationId: 'c-1' }),
          event('Named', { n: 2 }),
        ];
        const result = await store.appendToStream(stream('a'), events, {
          expectedRevision: 'no_stream',
        });
        expect(result.nextExpectedRevision).toBe(1);

        const read = await collect(store.readStream(stream('a')));
        expect(read.map((e) => [e.id, e.type, e.data, e.streamId, e.revision])).toEqual([
          [events[0]!.id, 'Opened', { n: 1 }, stream('a'), 0],
          [events[1]!.id, 'Named', { n: 2 }, stream('a'), 1],
        ]);
        expect(read[0]!.metadata).toMatchObject({ correlationId: 'c-1' });
        expect(read[1]!.position).toBe(result.position);
        expect(comparePositions(read[0]!.position, read[1]!.position)).toBeLessThan(0);
        expect(read[0]!.recordedAt).toBeInstanceOf(Date);
        expect(read[0]!.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 60_000);
      });

      it('reads backwards, from a revision, and at most maxCount', async () => {
        await appendNumbered(store, stream('r'), 10);
        const revisions = async (options: Parameters<EventStore['readStream']>[1]) =>
          (await collect(store.readStream(stream('r'), options))).map((e) => e.revision);

        expect(await revisions({ direction: 'backwards' })).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
        expect(await revisions({ fromRevision: 7 })).toEqual([7, 8, 9]);
        expect(await revisions({ fromRevision: 3, direction: 'backwards', maxCount: 2 })).toEqual([
          3, 2,
        ]);
        expect(await revisions({ maxCount: 3 })).toEqual([0, 1, 2]);
        expect(
          await revisions({ fromRevision: 'end', direction: 'backwards', maxCount: 1 }),
        ).toEqual([9]);
        expect(await revisions({ fromRevision: 50 })).toEqual([]);
      });

      it('raises StreamNotFound for a stream that has no events', async () => {
        await expect(collect(store.readStream(stream('missing')))).rejects.toBeInstanceOf(
          StreamNotFound,
        );
      });

      it('keeps unicode in stream names, types, data and metadata', async () => {
        const data = {
          name: 'StädteRegion Aachen',
          note: 'Fachkräfte für Innovationen — 🏭',
          ja: '工業',
        };
        await store.appendToStream(stream('städte-ü'), [
          event('Geändert', data, { who: 'Jürgen Größe' }),
        ]);
        const [read] = await collect(store.readStream(stream('städte-ü')));
        expect(read!.data).toEqual(data);
        expect(read!.type).toBe('Geändert');
        expect(read!.metadata).toMatchObject({ who: 'Jürgen Größe' });
      });

      it('stores a large event (1 MB of data) intact', async () => {
        const text = 'x'.repeat(1024 * 1024 - 100);
        await store.appendToStream(stream('large'), [event('Large', { text })]);
        const [read] = await collect(store.readStream(stream('large')));
        expect((read!.data as { text: string }).text).toBe(text);
      });

      it('refuses malformed events and writes nothing', async () => {
        await expect(
          store.appendToStream(stream('bad'), [
            event('Ok', {}),
            { id: 'not-a-uuid', type: 'Bad', data: {} },
          ]),
        ).rejects.toBeInstanceOf(InvalidEvent);
        await expect(store.appendToStream(stream('bad'), [])).rejects.toBeInstanceOf(InvalidEvent);
        await expect(collect(store.readStream(stream('bad')))).rejects.toBeInstanceOf(
          StreamNotFound,
        );
      });
    });

    describe('optimistic concurrency', () => {
      const refusal = async (promise: Promise<unknown>) => {
        const error = await promise.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(WrongExpectedVersion);
        const { expected, actual } = error as WrongExpectedVersion;
        return { expected, actual };
      };

      it('no_stream: accepted for a new stream, refused once it exists', async () => {
        await store.appendToStream(stream('s'), [event('A')], { expectedRevision: 'no_stream' });
        expect(
          await refusal(
            store.appendToStream(stream('s'), [event('B')], { expectedRevision: 'no_stream' }),
          ),
        ).toEqual({ expected: 'no_stream', actual: 0 });
      });

      it('stream_exists: refused for a new stream, accepted once it exists', async () => {
        expect(
          await refusal(
            store.appendToStream(stream('s'), [event('A')], { expectedRevision: 'stream_exists' }),
          ),
        ).toEqual({ expected: 'stream_exists', actual: 'no_stream' });
        await store.appendToStream(stream('s'), [event('A')]);
        const result = await store.appendToStream(stream('s'), [event('B')], {
          expectedRevision: 'stream_exists',
        });
        expect(result.nextExpectedRevision).toBe(1);
      });

      it('an exact revision: accepted when it matches, refused with expected and actual otherwise', async () => {
        expect(
          await refusal(store.appendToStream(stream('s'), [event('A')], { expectedRevision: 0 })),
        ).toEqual({
          expected: 0,
          actual: 'no_stream',
        });
        await store.appendToStream(stream('s'), [event('A'), event('B')], {
          expectedRevision: 'no_stream',
        });
        expect(
          await refusal(store.appendToStream(stream('s'), [event('C')], { expectedRevision: 0 })),
        ).toEqual({
          expected: 0,
          actual: 1,
        });
        const result = await store.appendToStream(stream('s'), [event('C')], {
          expectedRevision: 1,
        });
        expect(result.nextExpectedRevision).toBe(2);
      });

      it('any: accepted whatever the revision', async () => {
        await store.appendToStream(stream('s'), [event('A')], { expectedRevision: 'any' });
        const result = await store.appendToStream(stream('s'), [event('B')], {
          expectedRevision: 'any',
        });
        expect(result.nextExpectedRevision).toBe(1);
      });

      it('of racing writers at the same revision, exactly one wins', async () => {
        await store.appendToStream(stream('race'), [event('Start')]);
        const outcomes = await Promise.allSettled(
          Array.from({ length: 12 }, (_, i) =>
            store.appendToStream(stream('race'), [event('Raced', { writer: i })], {
              expectedRevision: 0,
            }),
          ),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o) => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(11);
        for (const o of lost)
          expect((o as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersion);
        expect(await collect(store.readStream(stream('race')))).toHaveLength(2);
      });

      it('no_stream reserves a name: of two instances racing for it, exactly one wins', async () => {
        const other = await openAnother(store);
        try {
          for (let round = 0; round < 10; round++) {
            const name = stream(`reserved-${round}`);
            const outcomes = await Promise.allSettled(
              [store, other, store, other].map((s, writer) =>
                s.appendToStream(name, [event('IdReserved', { writer })], {
                  expectedRevision: 'no_stream',
                }),
              ),
            );
            expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
            for (const o of outcomes.filter((o) => o.status === 'rejected'))
              expect((o as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersion);
            expect(await collect(other.readStream(name))).toHaveLength(1);
          }
        } finally {
          await other.close();
        }
      });

      it('a refused append of several events writes none of them', async () => {
        await store.appendToStream(stream('atomic'), [event('A')]);
        await refusal(
          store.appendToStream(stream('atomic'), [event('B'), event('C'), event('D')], {
            expectedRevision: 5,
          }),
        );
        const read = await collect(store.readStream(stream('atomic')));
        expect(read.map((e) => e.type)).toEqual(['A']);
      });

      it('concurrent multi-event appends never interleave', async () => {
        await Promise.all(
          Array.from({ length: 8 }, (_, w) =>
            store.appendToStream(
              stream('batches'),
              Array.from({ length: 5 }, (_, i) => event('Part', { w, i })),
            ),
          ),
        );
        const read = await collect(store.readStream(stream('batches')));
        expect(read).toHaveLength(40);
        for (let b = 0; b < 8; b++) {
          const batch = read.slice(b * 5, b * 5 + 5).map((e) => e.data as { w: number; i: number });
          expect(new Set(batch.map((d) => d.w)).size).toBe(1);
          expect(batch.map((d) => d.i)).toEqual([0, 1, 2, 3, 4]);
        }
      });
    });

    describe('idempotency by event id', () => {
      it('repeating an append at the same expected revision returns the first result and writes nothing', async () => {
        await store.appendToStream(stream('i'), [event('A')]);
        const repeated = [event('B'), event('C')];
        const first = await store.appendToStream(stream('i'), repeated, { expectedRevision: 0 });
        const again = await store.appendToStream(stream('i'), repeated, { expectedRevision: 0 });
        expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
        expect(await collect(store.readStream(stream('i')))).toHaveLength(3);
      });

      it('repeating a stream-creating append is idempotent too', async () => {
        const created = [event('Created')];
        const first = await store.appendToStream(stream('i'), created, {
          expectedRevision: 'no_stream',
        });
        const again = await store.appendToStream(stream('i'), created, {
          expectedRevision: 'no_stream',
        });
        expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
        expect(await collect(store.readStream(stream('i')))).toHaveLength(1);
      });
    });

    describe('the global log', () => {
      it('orders all streams by position, forwards and backwards, exclusive of fromPosition', async () => {
        const positions = [];
        for (let i = 0; i < 6; i++) {
          const s = stream(i % 2 === 0 ? 'even' : 'odd');
          positions.push((await store.appendToStream(s, [event('Step', { i })])).position);
        }
        for (let i = 1; i < positions.length; i++) {
          expect(comparePositions(positions[i - 1]!, positions[i]!)).toBeLessThan(0);
        }
        const mine = (events: RecordedEvent[]) =>
          events
            .filter((e) => e.streamId.startsWith(prefix))
            .map((e) => (e.data as { i: number }).i);

        const fromFirst = await collect(store.readAll({ fromPosition: positions[0]! }));
        expect(mine(fromFirst)).toEqual([1, 2, 3, 4, 5]);
        const backwards = await collect(
          store.readAll({ fromPosition: positions[4]!, direction: 'backwards', maxCount: 3 }),
        );
        expect(mine(backwards)).toEqual([3, 2, 1]);
        const twoAfter = await collect(store.readAll({ fromPosition: positions[1]!, maxCount: 2 }));
        expect(mine(twoAfter)).toEqual([2, 3]);
        const newest = await collect(store.readAll({ direction: 'backwards', maxCount: 1 }));
        expect(newest[0]!.position).toBe(positions[5]);
        expect(await store.headPosition()).toBe(positions[5]);
      });
    });

    describe('catch-up subscriptions', () => {
      it('hands over from catch-up to live with no gap and no duplicate under concurrent appends', async () => {
        await appendNumbered(store, stream('live'), 60);
        const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
        const writer = (async () => {
          for (let i = 60; i < 160; i++) {
            await store.appendToStream(stream('live'), [event('Numbered', { i })]);
            if (i % 10 === 0) await new Promise((r) => setTimeout(r, 1));
          }
        })();
        const received = await take(subscription, 160);
        await writer;
        expect(received.map((e) => (e.data as { i: number }).i)).toEqual(
          Array.from({ length: 160 }, (_, i) => i),
        );
        expect(received.map((e) => e.revision)).toEqual(Array.from({ length: 160 }, (_, i) => i));
      });

      it('resumes after a checkpoint with the next event', async () => {
        await appendNumbered(store, stream('resume'), 10);
        const first = await take(store.subscribeToAll({ filter: { streamPrefixes: [prefix] } }), 4);
        const checkpoint = first[3]!.position;
        const resumed = await take(
          store.subscribeToAll({ fromPosition: checkpoint, filter: { streamPrefixes: [prefix] } }),
          6,
        );
        expect(resumed.map((e) => (e.data as { i: number }).i)).toEqual([4, 5, 6, 7, 8, 9]);
      });

      it('filters by stream prefix and by event-type prefix', async () => {
        await store.appendToStream(stream('measure-1'), [
          event('MeasureDefined'),
          event('MeasureAssigned'),
        ]);
        await store.appendToStream(stream('actor-1'), [event('ActorRegistered')]);
        await store.appendToStream(stream('measure-2'), [event('MeasureDefined')]);

        const byStream = await take(
          store.subscribeToAll({ filter: { streamPrefixes: [stream('measure-')] } }),
          3,
        );
        expect(byStream.map((e) => e.streamId)).toEqual([
          stream('measure-1'),
          stream('measure-1'),
          stream('measure-2'),
        ]);

        const typePrefix = `${prefix}Type`;
        await store.appendToStream(stream('typed'), [
          event(`${typePrefix}A`),
          event('Other'),
          event(`${typePrefix}B`),
        ]);
        const byType = await take(
          store.subscribeToAll({ filter: { eventTypePrefixes: [typePrefix] } }),
          2,
        );
        expect(byType.map((e) => e.type)).toEqual([`${typePrefix}A`, `${typePrefix}B`]);
      });

      it('starting at the end delivers only new events', async () => {
        await appendNumbered(store, stream('end'), 3);
        const subscription = store.subscribeToAll({
          fromPosition: 'end',
          filter: { streamPrefixes: [prefix] },
        });
        const next = take(subscription, 1);
        await new Promise((r) => setTimeout(r, 50));
        await store.appendToStream(stream('end'), [event('Numbered', { i: 3 })]);
        expect((await next).map((e) => (e.data as { i: number }).i)).toEqual([3]);
      });

      it('closing ends a waiting iteration cleanly', async () => {
        const subscription = store.subscribeToAll({
          fromPosition: 'end',
          filter: { streamPrefixes: [prefix] },
        });
        const iterator = subscription[Symbol.asyncIterator]();
        const pending = iterator.next();
        await new Promise((r) => setTimeout(r, 20));
        await subscription.close();
        await expect(pending).resolves.toMatchObject({ done: true });
      });
    });
  });
}

export function event(
  type: string,
  data: unknown = {},
  metadata: Record<string, unknown> = {},
): NewEvent {
  return { id: randomUUID(), type, data, metadata };
}

async function appendNumbered(store: EventStore, stream: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 20) {
    const batch = Array.from({ length: Math.min(20, count - i) }, (_, k) =>
      event('Numbered', { i: i + k }),
    );
    await store.appendToStream(stream, batch);
  }
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** The first `count` events of a subscription, which is then closed. */
export async function take(subscription: Subscription, count: number): Promise<RecordedEvent[]> {
  const received: RecordedEvent[] = [];
  try {
    for await (const e of subscription) {
      received.push(e);
      if (received.length === count) break;
    }
  } finally {
    await subscription.close();
  }
  return received;
}
