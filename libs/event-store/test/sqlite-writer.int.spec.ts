import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DuplicateEventId,
  EventStoreClosed,
  EventStoreWriterFailed,
  InvalidEvent,
  SqliteEventStore,
  WrongExpectedVersion,
  type AppendResult,
} from '../src/index.js';
import { collect, event, take } from './event-store.conformance.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);

/** The outcome of each promise, without failing on the rejected ones. */
const outcomes = <T>(promises: Promise<T>[]) =>
  Promise.allSettled(promises).then((settled) =>
    settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error))),
  );

describe.each(['inline', 'thread'] as const)(
  'SQLite event store: appends committed %s',
  (writer) => {
    let dir: string;
    let file: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'ml-writer-'));
      file = join(dir, 'events.sqlite');
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    describe('errors come back as the contract defines them', () => {
      let store: SqliteEventStore;
      beforeEach(() => (store = new SqliteEventStore({ file, writer })));
      afterEach(() => store.close());

      it('WrongExpectedVersion and DuplicateEventId: the same classes, codes and fields', async () => {
        const reused = event('A');
        await store.appendToStream('s-1', [reused, event('B')]);
        const [wrong, duplicate, partlyDuplicate] = await outcomes([
          store.appendToStream('s-1', [event('C')], { expectedRevision: 'no_stream' }),
          store.appendToStream('s-2', [reused]),
          store.appendToStream('s-2', [event('X'), reused]),
        ]);
        expect(wrong).toBeInstanceOf(WrongExpectedVersion);
        expect(wrong).toMatchObject({
          code: 'WRONG_EXPECTED_VERSION',
          name: 'WrongExpectedVersion',
          stream: 's-1',
          expected: 'no_stream',
          actual: 1,
          message: "Stream 's-1' was expected at revision no_stream but is at 1",
        });
        expect(duplicate).toBeInstanceOf(DuplicateEventId);
        expect(duplicate).toMatchObject({
          code: 'DUPLICATE_EVENT_ID',
          eventId: reused.id,
          stream: 's-1',
        });
        expect(partlyDuplicate).toBeInstanceOf(DuplicateEventId);
        // The refused append of two events left nothing behind.
        await expect(collect(store.readStream('s-2'))).rejects.toThrow(/does not exist/);
      });

      it('an error SQLite raises for one append refuses that append alone, with its code and message', async () => {
        const other = new Database(file);
        other.exec(`CREATE TRIGGER refuse_boom BEFORE INSERT ON events WHEN NEW.stream_id = 'boom'
                  BEGIN SELECT RAISE(ABORT, 'no appends to boom'); END`);
        other.close();
        const [fine, boom, alsoFine] = await outcomes([
          store.appendToStream('fine', [event('A')]),
          store.appendToStream('boom', [event('B'), event('C')]),
          store.appendToStream('also-fine', [event('D')]),
        ]);
        expect(fine).toMatchObject({ nextExpectedRevision: 0 });
        expect(alsoFine).toMatchObject({ nextExpectedRevision: 0 });
        expect(boom).toBeInstanceOf(Error);
        expect(boom).toMatchObject({
          name: 'SqliteError',
          code: 'SQLITE_CONSTRAINT_TRIGGER',
          message: 'no appends to boom',
        });
      });

      it('data that is not JSON refuses its append alone', async () => {
        const circular: Record<string, unknown> = {};
        circular.self = circular;
        const [refused, written] = await outcomes([
          store.appendToStream('json', [event('Bad', circular)]),
          store.appendToStream('json', [event('Good')]),
        ]);
        expect(refused).toBeInstanceOf(TypeError);
        expect(written).toMatchObject({ nextExpectedRevision: 0 });
      });
    });

    it('an append is acknowledged, and subscribers woken, only once it is committed', async () => {
      const store = new SqliteEventStore({ file, writer });
      const outside = new Database(file, { readonly: true });
      const stored = outside.prepare('SELECT COUNT(*) AS n FROM events WHERE event_id = ?');
      const subscription = store.subscribeToAll({ fromPosition: 'end' });
      const heard = (async () => {
        const seen: boolean[] = [];
        for await (const e of subscription) {
          seen.push((stored.get(e.id) as { n: number }).n === 1);
          if (seen.length === 30) break;
        }
        return seen;
      })();
      const appends = Array.from({ length: 30 }, (_, i) => {
        const e = event('Committed', { i });
        return store.appendToStream(`c-${i % 3}`, [e]).then(() => stored.get(e.id));
      });
      expect(await Promise.all(appends)).toEqual(Array.from({ length: 30 }, () => ({ n: 1 })));
      expect(await heard).toEqual(Array.from({ length: 30 }, () => true));
      outside.close();
      await store.close();
    });

    it('close() writes every append already accepted, in flight or queued, then stops', async () => {
      const store = new SqliteEventStore({ file, writer, maxGroupSize: 4 });
      await store.appendToStream('warm', [event('Warm')]);
      const pending = Array.from({ length: 50 }, (_, i) =>
        store.appendToStream(`p-${i % 5}`, [event('Pending', { i })]),
      );
      await store.close();
      expect(await outcomes(pending)).toEqual(
        pending.map(() => expect.objectContaining({ nextExpectedRevision: expect.any(Number) })),
      );
      await expect(store.appendToStream('late', [event('Late')])).rejects.toBeInstanceOf(
        EventStoreClosed,
      );
      expect(await store.health()).toMatchObject({ state: 'down', detail: 'closed' });
      const reopened = new SqliteEventStore({ file, writer });
      expect(await collect(reopened.readAll())).toHaveLength(51);
      await reopened.close();
    });

    it('maxGroupSize bounds a group; appends beyond it form the next ones', async () => {
      const store = new SqliteEventStore({ file, writer, maxGroupSize: 1 });
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          store.appendToStream('one-by-one', [event('N', { i })]),
        ),
      );
      expect(results.map((r) => r.nextExpectedRevision)).toEqual(
        Array.from({ length: 12 }, (_, i) => i),
      );
      await store.close();
    });

    describe('an append after another one (`after`)', () => {
      let store: SqliteEventStore;
      let other: SqliteEventStore;
      beforeEach(async () => {
        store = new SqliteEventStore({ file, writer });
        other = new SqliteEventStore({ file, writer });
        await store.appendToStream('chain', [event('Start')]);
      });
      afterEach(async () => {
        await other.close();
        await store.close();
      });

      it('is written right behind it, without waiting for its commit', async () => {
        const first = store.appendToStream('chain', [event('A'), event('B')], {
          expectedRevision: 0,
        });
        const second = store.appendToStream('chain', [event('C')], {
          expectedRevision: 2,
          after: first,
        });
        const third = store.appendToStream('chain', [event('D')], {
          expectedRevision: 3,
          after: second,
        });
        expect(
          (await Promise.all([first, second, third])).map((r) => r.nextExpectedRevision),
        ).toEqual([2, 3, 4]);
      });

      it('is refused when the one before is, even where its revision would match', async () => {
        // Another process appends one event; ours, expecting revision 0, is refused. The next,
        // expecting 1 behind it, would find the stream at 1, but not behind its predecessor.
        await other.appendToStream('chain', [event('Foreign')], { expectedRevision: 0 });
        const first = store.appendToStream('chain', [event('A')], { expectedRevision: 0 });
        const second = store.appendToStream('chain', [event('B')], {
          expectedRevision: 1,
          after: first,
        });
        const [refused, alsoRefused] = await outcomes([first, second]);
        expect(refused).toBeInstanceOf(WrongExpectedVersion);
        expect(alsoRefused).toBeInstanceOf(WrongExpectedVersion);
        expect(alsoRefused).toMatchObject({ expected: 1, actual: 1 });
        // Behind one already refused, and behind one of another store object (which it awaits).
        await expect(
          store.appendToStream('chain', [event('C')], { expectedRevision: 1, after: first }),
        ).rejects.toBeInstanceOf(WrongExpectedVersion);
        const foreign = other.appendToStream('chain', [event('F2')], { expectedRevision: 1 });
        await expect(
          store.appendToStream('chain', [event('D')], { expectedRevision: 2, after: foreign }),
        ).resolves.toMatchObject({ nextExpectedRevision: 3 });
        expect((await collect(store.readStream('chain'))).map((e) => e.type)).toEqual([
          'Start',
          'Foreign',
          'F2',
          'D',
        ]);
      });

      it('works across groups, and only within one stream', async () => {
        const small = new SqliteEventStore({ file, writer, maxGroupSize: 1 });
        const first = small.appendToStream('chain', [event('A')], { expectedRevision: 0 });
        const second = small.appendToStream('chain', [event('B')], {
          expectedRevision: 1,
          after: first,
        });
        const refused = small.appendToStream('chain', [event('C')], { expectedRevision: 9 });
        const behindRefused = small.appendToStream('chain', [event('D')], {
          expectedRevision: 2,
          after: refused,
        });
        const results = await outcomes<AppendResult>([first, second, refused, behindRefused]);
        expect(results.slice(0, 2)).toMatchObject([
          { nextExpectedRevision: 1 },
          { nextExpectedRevision: 2 },
        ]);
        expect(results[2]).toBeInstanceOf(WrongExpectedVersion);
        expect(results[3]).toBeInstanceOf(WrongExpectedVersion);
        await expect(
          small.appendToStream('elsewhere', [event('E')], { after: second }),
        ).rejects.toBeInstanceOf(InvalidEvent);
        await small.close();
      });
    });

    it('a live subscription on another store object hears of the commits', async () => {
      const appending = new SqliteEventStore({ file, writer });
      const reader = new SqliteEventStore({ file, writer, pollIntervalMs: 10 });
      const received = take(reader.subscribeToAll({ filter: { streamPrefixes: ['far-'] } }), 3);
      for (let i = 0; i < 3; i++) await appending.appendToStream('far-1', [event('Far', { i })]);
      expect((await received).map((e) => e.data)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
      await reader.close();
      await appending.close();
    });
  },
);

describe('SQLite event store: a writer thread that dies', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ml-writer-'));
    file = join(dir, 'events.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['throws', 'writer-that-throws.worker.ts', /the disk caught fire/],
    ['exits', 'writer-that-exits.worker.ts', /exited with code 3/],
  ])(
    'when it %s, the appends waiting for it and every later one fail with EventStoreWriterFailed',
    async (_how, worker, reason) => {
      const store = new SqliteEventStore({ file, writer: 'thread', writerUrl: fixture(worker) });
      const waiting = await outcomes(
        Array.from({ length: 5 }, (_, i) => store.appendToStream(`d-${i}`, [event('Lost')])),
      );
      for (const error of waiting) {
        expect(error).toBeInstanceOf(EventStoreWriterFailed);
        expect(error).toMatchObject({
          code: 'EVENT_STORE_WRITER_FAILED',
          message: expect.stringMatching(reason),
        });
      }
      await expect(store.appendToStream('later', [event('Later')])).rejects.toBeInstanceOf(
        EventStoreWriterFailed,
      );
      expect(await store.health()).toMatchObject({
        state: 'down',
        detail: expect.stringMatching(reason),
      });
      // Reads still work, and close() does not wait for the dead thread.
      await expect(collect(store.readAll())).resolves.toEqual([]);
      await store.close();
    },
  );

  it('one that cannot start fails the same way', async () => {
    const store = new SqliteEventStore({
      file,
      writer: 'thread',
      writerUrl: fixture('no-such.worker.ts'),
    });
    await expect(store.appendToStream('s', [event('A')])).rejects.toBeInstanceOf(
      EventStoreWriterFailed,
    );
    await store.close();
  });
});
