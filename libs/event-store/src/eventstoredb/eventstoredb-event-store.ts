import type {
  WriteObserver,
  AppendOptions,
  AppendResult,
  CurrentRevision,
  EventStore,
  EventStoreHealth,
  ExpectedRevision,
  LogStart,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  Subscription,
} from '../contract.js';
import { EventStoreClosed, StreamNotFound, WrongExpectedVersion } from '../errors.js';
import { assertAppendable, revisionMatches, wasWritten } from '../new-events.js';
import { CHAIN_START, withStreamLinks } from '../integrity/chain.js';
import {
  connect,
  fromEsdbError,
  fromEsdbPosition,
  fromResolvedEvent,
  toAppendOptions,
  toEsdbDirection,
  toEsdbEvent,
  toEsdbFilter,
  toReadPosition,
  toReadRevision,
  type StoreClient,
} from './mapping.js';
import {
  DEFAULT_RESUBSCRIBE,
  resubscribingToAll,
  type ResubscribePolicy,
  type SubscribeToAllFrom,
} from './resubscribing.js';

/** Where tests replace the client's subscription to `$all` and the pauses between retries. */
export interface EventStoreDbSeams {
  subscribeToAllFrom?: SubscribeToAllFrom;
  resubscribe?: Partial<ResubscribePolicy>;
}

/**
 * EventStoreDB or KurrentDB, through the client package that mapping.ts names (the mapping
 * lives there too). Subscriptions to `$all` resubscribe by themselves when the connection
 * drops (resubscribing.ts).
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: StoreClient;
  private inFlight = new Set<Promise<unknown>>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly subscribeToAllFrom: SubscribeToAllFrom;
  private readonly resubscribe: ResubscribePolicy;
  private closed = false;

  /** Throws the client's parse error for a malformed connection string. */
  constructor(
    readonly connectionString: string,
    seams: EventStoreDbSeams = {},
    /** Told of each append, a group of one (metrics). */
    private readonly observer?: WriteObserver,
  ) {
    this.client = connect(connectionString);
    this.subscribeToAllFrom =
      seams.subscribeToAllFrom ??
      ((from, filter) =>
        this.client.subscribeToAll({
          fromPosition: toReadPosition(from),
          filter: toEsdbFilter(filter),
        }));
    this.resubscribe = { ...DEFAULT_RESUBSCRIBE, ...seams.resubscribe };
  }

  async appendToStream(
    stream: string,
    events: NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    try {
      const result = await this.appendChained(stream, events, options);
      this.observer?.committed({ written: 1, events: events.length, refused: 0 });
      return result;
    } catch (error) {
      if (error instanceof WrongExpectedVersion)
        this.observer?.committed({ written: 0, events: 0, refused: 1 });
      throw error;
    }
  }

  private async appendChained(
    stream: string,
    events: NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    if (this.closed) throw new EventStoreClosed();
    assertAppendable(stream, events);
    const expected = options.expectedRevision ?? 'any';
    // The server has no such condition: the append waits for the one it must follow.
    if (options.after && !(await wasWritten(options.after))) {
      throw new WrongExpectedVersion(stream, expected, await this.currentRevision(stream));
    }
    // The chain needs the stream's last link: an append that expects "any" revision is
    // pinned to the one read, so that two cannot chain to the same event (it tries again).
    for (let attempt = 1; ; attempt++) {
      const last = await this.lastOfStream(stream);
      const current: CurrentRevision = last?.revision ?? 'no_stream';
      if (!revisionMatches(expected, current))
        throw new WrongExpectedVersion(stream, expected, current);
      const pinned: ExpectedRevision = current;
      const linked = withStreamLinks(
        stream,
        events,
        current === 'no_stream' ? 0 : current + 1,
        last?.integrity?.stream ?? CHAIN_START,
      );
      try {
        return await this.appendPinned(stream, linked, pinned);
      } catch (error) {
        const pinnedOnly = expected === 'any' || expected === 'stream_exists';
        if (!(error instanceof WrongExpectedVersion) || !pinnedOnly || attempt >= 5) throw error;
      }
    }
  }

  private async appendPinned(
    stream: string,
    events: NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const append = this.client.appendToStream(
      stream,
      events.map(toEsdbEvent),
      toAppendOptions(expected),
    );
    this.inFlight.add(append);
    try {
      const result = await append;
      if (!result.position)
        throw new Error(`EventStoreDB acknowledged an append to '${stream}' without a position`);
      return {
        nextExpectedRevision: Number(result.nextExpectedRevision),
        position: fromEsdbPosition(result.position),
      };
    } catch (error) {
      throw fromEsdbError(error, stream, expected);
    } finally {
      this.inFlight.delete(append);
    }
  }

  private async lastOfStream(stream: string): Promise<RecordedEvent | undefined> {
    try {
      for await (const last of this.readStream(stream, { direction: 'backwards', maxCount: 1 }))
        return last;
    } catch (error) {
      if (!(error instanceof StreamNotFound)) throw error;
    }
    return undefined;
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
    const direction = options.direction ?? 'forwards';
    const read = this.client.readStream(stream, {
      fromRevision: toReadRevision(
        options.fromRevision ?? (direction === 'backwards' ? 'end' : 'start'),
      ),
      direction: toEsdbDirection(direction),
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
    const direction = options.direction ?? 'forwards';
    const from = options.fromPosition ?? (direction === 'backwards' ? 'end' : 'start');
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
          direction: toEsdbDirection(direction),
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
    const subscription = resubscribingToAll(
      { subscribeFrom: this.subscribeToAllFrom, head: () => this.headPosition() },
      options,
      this.resubscribe,
      () => this.subscriptions.delete(subscription),
    );
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
