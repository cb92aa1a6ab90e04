import * as esdb from '@eventstore/db-client';
import * as kurrent from '@kurrent/kurrentdb-client';
import type { LogStart, RecordedEvent, Subscription, SubscriptionFilter } from '../contract.js';
import { SubscriptionDropped } from '../errors.js';
import { EventStoreDbEventStore } from './eventstoredb-event-store.js';
import { fromEsdbPosition, type ClientResolvedEvent } from './mapping.js';
import { DEFAULT_RESUBSCRIBE, resubscribingToAll, type AllStreamAttempt } from './resubscribing.js';

/**
 * The adapter's subscription to `$all` when the connection drops, driven at its seam: the
 * client's "subscribe to $all from a position" is replaced by attempts this test scripts
 * (deliver, confirm, fail, end), and the pauses between retries are recorded instead of
 * waited. No server is involved, and none is imitated: what the seam returns is the shape
 * of the client's subscription, nothing more.
 */
class ScriptedAttempt implements AllStreamAttempt {
  unsubscribed = false;
  private readonly items: Array<ClientResolvedEvent | Error | 'end'> = [];
  private wake?: () => void;
  private confirmed?: () => void;

  constructor(
    readonly from: LogStart,
    readonly filter: SubscriptionFilter | undefined,
  ) {}

  once(_event: 'confirmation', listener: () => void): this {
    this.confirmed = listener;
    return this;
  }
  confirm(): void {
    this.confirmed?.();
  }
  deliver(...events: ClientResolvedEvent[]): void {
    this.push(...events);
  }
  fail(error: Error): void {
    this.push(error);
  }
  end(): void {
    this.push('end');
  }
  async unsubscribe(): Promise<void> {
    this.unsubscribed = true;
  }

  private push(...items: Array<ClientResolvedEvent | Error | 'end'>): void {
    this.items.push(...items);
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ClientResolvedEvent> {
    for (;;) {
      while (this.items.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
      const item = this.items.shift()!;
      if (item === 'end') return;
      if (item instanceof Error) throw item;
      yield item;
    }
  }
}

const resolved = (n: number, overrides: Record<string, unknown> = {}): ClientResolvedEvent => ({
  event: {
    streamId: `measure-${n}`,
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    isJson: true,
    revision: 0n,
    type: 'MeasureDefined',
    created: new Date('2026-01-02T03:04:05Z'),
    data: { n },
    metadata: {},
    position: { commit: BigInt(n * 100), prepare: BigInt(n * 100) },
    ...overrides,
  } as esdb.AllStreamJSONRecordedEvent & { position: esdb.Position },
});
const positionOf = (n: number) =>
  fromEsdbPosition({ commit: BigInt(n * 100), prepare: BigInt(n * 100) });

function harness(resubscribe: { attempts?: number; pause?: (ms: number) => Promise<void> } = {}) {
  const attempts: ScriptedAttempt[] = [];
  const pauses: number[] = [];
  let attempted: () => void = () => undefined;
  const store = new EventStoreDbEventStore('esdb://localhost:2113?tls=false', {
    subscribeToAllFrom: (from, filter) => {
      const attempt = new ScriptedAttempt(from, filter);
      attempts.push(attempt);
      attempted();
      return attempt;
    },
    resubscribe: {
      ...(resubscribe.attempts ? { attempts: resubscribe.attempts } : {}),
      pause: async (ms) => {
        pauses.push(ms);
        await resubscribe.pause?.(ms);
      },
    },
  });
  /** The attempt numbered `n` (from 1), once the subscription has made it. */
  const attempt = async (n: number): Promise<ScriptedAttempt> => {
    while (attempts.length < n) await new Promise<void>((resolve) => (attempted = resolve));
    return attempts[n - 1]!;
  };
  return { store, attempts, pauses, attempt };
}

async function next(iterator: AsyncIterator<RecordedEvent>): Promise<RecordedEvent> {
  const result = await iterator.next();
  if (result.done) throw new Error('the subscription ended');
  return result.value;
}

describe.each([
  ['@eventstore/db-client', () => new esdb.UnavailableError()],
  ['@kurrent/kurrentdb-client', () => new kurrent.UnavailableError()],
])('subscribing to $all through a dropping connection (%s errors)', (_name, unavailable) => {
  let h: ReturnType<typeof harness>;
  let subscription: Subscription;
  afterEach(async () => {
    await subscription?.close();
    await h.store.close();
  });

  it('subscribes again from the last position it saw, so nothing is missed or repeated', async () => {
    h = harness();
    subscription = h.store.subscribeToAll({
      fromPosition: positionOf(1),
      filter: { streamPrefixes: ['measure-'] },
    });
    const events = subscription[Symbol.asyncIterator]();
    const delivered = next(events);
    const first = await h.attempt(1);
    expect(first.from).toBe(positionOf(1));
    first.deliver(resolved(2), resolved(3, { type: '$metadata' }));
    expect((await delivered).position).toBe(positionOf(2));
    const afterDrop = next(events);
    first.fail(unavailable());

    const second = await h.attempt(2);
    // After the system event too: it was seen, though not delivered.
    expect(second.from).toBe(positionOf(3));
    expect(second.filter).toEqual({ streamPrefixes: ['measure-'] });
    expect(first.unsubscribed).toBe(true);
    second.deliver(resolved(4));
    expect((await afterDrop).position).toBe(positionOf(4));
    expect(h.pauses).toEqual([100]);
  });

  it('pauses longer after each failure in a row, and gives up with a clear error after the bound', async () => {
    h = harness();
    subscription = h.store.subscribeToAll({ fromPosition: positionOf(5) });
    const events = subscription[Symbol.asyncIterator]();
    const pending = events.next();
    for (let n = 1; n <= 8; n++) (await h.attempt(n)).fail(unavailable());
    await expect(pending).rejects.toThrow(SubscriptionDropped);
    expect(h.pauses).toEqual([100, 200, 400, 800, 1600, 3200, 5000]);
    expect(h.attempts.map((a) => a.from)).toEqual(Array(8).fill(positionOf(5)));
  });

  it('names where it stopped and why when it gives up', async () => {
    h = harness({ attempts: 2 });
    subscription = h.store.subscribeToAll({ fromPosition: positionOf(1) });
    const events = subscription[Symbol.asyncIterator]();
    const delivered = next(events);
    const first = await h.attempt(1);
    first.deliver(resolved(2));
    await delivered;
    const pending = events.next().catch((e: unknown) => e);
    first.fail(unavailable());
    (await h.attempt(2)).fail(unavailable());
    const error = (await pending) as SubscriptionDropped;
    expect(error).toBeInstanceOf(SubscriptionDropped);
    expect(error.code).toBe('SUBSCRIPTION_DROPPED');
    expect(error.message).toBe(
      `The subscription to the log dropped after position ${positionOf(2)} and could not be resumed in 2 attempts: ${unavailable().message}`,
    );
  });

  it('starts counting again once the server confirms a subscription or delivers an event', async () => {
    h = harness();
    subscription = h.store.subscribeToAll();
    const events = subscription[Symbol.asyncIterator]();
    const pending = next(events);
    (await h.attempt(1)).fail(unavailable());
    (await h.attempt(2)).fail(unavailable());
    const third = await h.attempt(3);
    third.confirm();
    third.fail(unavailable());
    const fourth = await h.attempt(4);
    fourth.deliver(resolved(1));
    await pending;
    void events.next().catch(() => undefined);
    fourth.fail(unavailable());
    await h.attempt(5);
    expect(h.pauses).toEqual([100, 200, 100, 100]);
  });

  it('takes the server ending the subscription as a drop', async () => {
    h = harness();
    subscription = h.store.subscribeToAll();
    const events = subscription[Symbol.asyncIterator]();
    const delivered = next(events);
    const first = await h.attempt(1);
    first.deliver(resolved(1));
    await delivered;
    const afterEnd = next(events);
    first.end();
    const second = await h.attempt(2);
    expect(second.from).toBe(positionOf(1));
    second.deliver(resolved(2));
    expect((await afterEnd).position).toBe(positionOf(2));
  });
});

describe('subscribing to $all: what is not retried', () => {
  it('an error that does not pass ends the subscription at once', async () => {
    const h = harness();
    const subscription = h.store.subscribeToAll();
    const events = subscription[Symbol.asyncIterator]();
    const denied = new kurrent.AccessDeniedError();
    const pending = events.next();
    (await h.attempt(1)).fail(denied);
    await expect(pending).rejects.toBe(denied);
    expect(h.attempts).toHaveLength(1);
    expect(h.pauses).toEqual([]);
    await h.store.close();
  });

  it('closing ends a waiting iteration and unsubscribes, even if the client never ends its stream', async () => {
    const h = harness();
    const subscription = h.store.subscribeToAll();
    const events = subscription[Symbol.asyncIterator]();
    const pending = events.next();
    const attempt = await h.attempt(1);
    await subscription.close();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(attempt.unsubscribed).toBe(true);
    await h.store.close();
  });

  it('closing during a pause makes no further attempt', async () => {
    let paused: () => void = () => undefined;
    const inPause = new Promise<void>((resolve) => (paused = resolve));
    let resume: () => void = () => undefined;
    const h = harness({
      pause: () => {
        paused();
        return new Promise<void>((resolve) => (resume = resolve));
      },
    });
    const subscription = h.store.subscribeToAll();
    const pending = subscription[Symbol.asyncIterator]().next();
    (await h.attempt(1)).fail(new esdb.UnavailableError());
    await inPause;
    await subscription.close();
    resume();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(h.attempts).toHaveLength(1);
    await h.store.close();
  });

  it('the store closes its open subscriptions', async () => {
    const h = harness();
    const subscription = h.store.subscribeToAll();
    const pending = subscription[Symbol.asyncIterator]().next();
    const attempt = await h.attempt(1);
    await h.store.close();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(attempt.unsubscribed).toBe(true);
  });
});

describe('subscribing to $all from the end', () => {
  it('takes the end as the position the log ends at, so a drop before the first event misses nothing', async () => {
    const attempts: ScriptedAttempt[] = [];
    let made: () => void = () => undefined;
    const subscription = resubscribingToAll(
      {
        subscribeFrom: (from, filter) => {
          attempts.push(new ScriptedAttempt(from, filter));
          made();
          return attempts.at(-1)!;
        },
        head: async () => positionOf(7),
      },
      { fromPosition: 'end' },
      { ...DEFAULT_RESUBSCRIBE, pause: async () => undefined },
      () => undefined,
    );
    const attempt = async (n: number) => {
      while (attempts.length < n) await new Promise<void>((resolve) => (made = resolve));
      return attempts[n - 1]!;
    };
    const pending = next(subscription[Symbol.asyncIterator]());
    (await attempt(1)).fail(new esdb.UnavailableError());
    const second = await attempt(2);
    second.deliver(resolved(8));
    expect((await pending).position).toBe(positionOf(8));
    expect(attempts.map((a) => a.from)).toEqual([positionOf(7), positionOf(7)]);
    await subscription.close();
  });
});
