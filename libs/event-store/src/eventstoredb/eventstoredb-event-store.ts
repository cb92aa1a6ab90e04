import { BACKWARDS, EventStoreDBClient, FORWARDS } from '@eventstore/db-client';
import type {
  WriteObserver,
  AppendOptions,
  AppendResult,
  CurrentRevision,
  EventStore,
  EventStoreHealth,
  LogStart,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  Subscription,
} from '../contract.js';
import { EventStoreClosed, StreamNotFound, WrongExpectedVersion } from '../errors.js';
import { assertAppendable, wasWritten } from '../new-events.js';
import {
  fromEsdbError,
  fromEsdbPosition,
  fromResolvedEvent,
  toEsdbEvent,
  toEsdbExpectedRevision,
  toEsdbFilter,
  toReadPosition,
  toReadRevision,
} from './mapping.js';

/** EventStoreDB (or KurrentDB) through `@eventstore/db-client`; the mapping lives in mapping.ts. */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private inFlight = new Set<Promise<unknown>>();
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  /** Throws the client's parse error for a malformed connection string. */
  constructor(
    readonly connectionString: string,
    /** Told of each append, a group of one (metrics). */
    private readonly observer?: WriteObserver,
  ) {
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  async appendToStream(
    stream: string,
    events: NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (this.closed) throw new EventStoreClosed();
    assertAppendable(stream, events);
    const expected = options.expectedRevision ?? 'any';
    // The server has no such condition: the append waits for the one it must follow.
    if (options.after && !(await wasWritten(options.after))) {
      throw new WrongExpectedVersion(stream, expected, await this.currentRevision(stream));
    }
    const append = this.client.appendToStream(stream, events.map(toEsdbEvent), {
      expectedRevision: toEsdbExpectedRevision(expected),
    });
    this.inFlight.add(append);
    try {
      const result = await append;
      if (!result.position)
        throw new Error(`EventStoreDB acknowledged an append to '${stream}' without a position`);
      this.observer?.committed({ written: 1, events: events.length, refused: 0 });
      return {
        nextExpectedRevision: Number(result.nextExpectedRevision),
        position: fromEsdbPosition(result.position),
      };
    } catch (error) {
      const refused = fromEsdbError(error, stream, expected);
      if (refused instanceof WrongExpectedVersion)
        this.observer?.committed({ written: 0, events: 0, refused: 1 });
      throw refused;
    } finally {
      this.inFlight.delete(append);
    }
  }

  private async currentRevision(stream: string): Promise<CurrentRevision> {
    try {
      for await (const last of this.readStream(stream, { direction: 'backwards', maxCount: 1 }))
        return last.revision;
    } catch (error) {
      if (!(error instanceof StreamNotFound)) throw error;
    }
    return 'no_stream';
  }

  readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    const read = this.client.readStream(stream, {
      fromRevision: toReadRevision(options.fromRevision ?? (backwards ? 'end' : 'start')),
      direction: backwards ? BACKWARDS : FORWARDS,
      ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
    });
    return (async function* () {
      try {
        for await (const resolved of read) {
          const event = fromResolvedEvent(resolved);
          if (event) yield event;
        }
      } catch (error) {
        throw fromEsdbError(error, stream);
      }
    })();
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    const from = options.fromPosition ?? (backwards ? 'end' : 'start');
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
    const client = this.client;
    return (async function* () {
      // EventStoreDB reads $all from a position inclusively and counts system events in
      // maxCount; the contract is exclusive and counts only what it delivers, so page.
      let cursor: LogStart = from;
      let delivered = 0;
      while (delivered < maxCount) {
        let seen = 0;
        const read = client.readAll({
          fromPosition: toReadPosition(cursor),
          direction: backwards ? BACKWARDS : FORWARDS,
          maxCount: 512,
        });
        for await (const resolved of read) {
          seen++;
          const position = resolved.event?.position && fromEsdbPosition(resolved.event.position);
          if (!position || position === cursor) continue;
          cursor = position;
          const event = fromResolvedEvent(resolved);
          if (!event) continue;
          yield event;
          if (++delivered >= maxCount) return;
        }
        if (seen < 512) return;
      }
    })();
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    if (this.closed) throw new EventStoreClosed();
    const esdb = this.client.subscribeToAll({
      fromPosition: toReadPosition(options.fromPosition ?? 'start'),
      filter: toEsdbFilter(options.filter),
    });
    const events = (async function* () {
      for await (const resolved of esdb) {
        const event = fromResolvedEvent(resolved);
        if (event) yield event;
      }
    })();
    const subscription: Subscription = {
      [Symbol.asyncIterator]: () => events,
      close: async () => {
        this.subscriptions.delete(subscription);
        await esdb.unsubscribe();
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<LogStart> {
    for await (const event of this.readAll({ direction: 'backwards', maxCount: 1 }))
      return event.position;
    return 'start';
  }

  async health(): Promise<EventStoreHealth> {
    try {
      const head = await this.headPosition();
      return { engine: 'eventstoredb', state: 'up', detail: `connected, head ${head}` };
    } catch (error) {
      return { engine: 'eventstoredb', state: 'down', detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.client.dispose();
  }
}
