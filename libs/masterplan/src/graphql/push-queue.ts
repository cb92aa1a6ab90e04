import { GraphQLError } from 'graphql';
import type { ReadView } from '../read-store/read-view.js';
import type { GqlContext } from './context.js';

/** The longest delay a Node timer takes (about 24.8 days); later ends are re-armed. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * An async iterator fed by pushes, for subscriptions. Bounded: a subscriber that falls more
 * than `limit` items behind is ended with an error instead of making the server buffer
 * without bound. An ended subscription's error reaches its client as that operation's
 * `error` message; the other operations on the same WebSocket go on.
 */
export class PushQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private readonly waiting: Array<{
    resolve: (result: IteratorResult<T>) => void;
    reject: (error: Error) => void;
  }> = [];
  private ended = false;
  private failure?: GraphQLError;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly onEnd: () => void,
    private readonly limit = 1000,
  ) {}

  push(item: T): void {
    if (this.ended) return;
    const waiter = this.waiting.shift();
    if (waiter) return waiter.resolve({ value: item, done: false });
    if (this.items.length >= this.limit)
      return this.fail(
        new GraphQLError(
          `The subscriber fell more than ${this.limit} changes behind and its subscription was ended; subscribe again`,
          { extensions: { code: 'LIMIT_EXCEEDED', limit: 'subscriberBacklog', max: this.limit } },
        ),
      );
    this.items.push(item);
  }

  /** Ends the subscription with an error, after the items already pushed. */
  fail(error: GraphQLError): void {
    if (this.ended) return;
    this.failure = error;
    this.finish();
  }

  /** Ends the subscription with `error()` at `epochMs` (when the subscriber's token expires). */
  failAt(epochMs: number, error: () => GraphQLError): void {
    clearTimeout(this.timer);
    const wait = epochMs - Date.now();
    if (wait <= 0) return this.fail(error());
    this.timer = setTimeout(() => this.failAt(epochMs, error), Math.min(wait, LONGEST_TIMER_MS));
    // An open subscription alone does not keep the process running.
    this.timer.unref();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    this.onEnd();
    for (const waiter of this.waiting.splice(0))
      if (this.failure) waiter.reject(this.failure);
      else waiter.resolve({ value: undefined, done: true });
  }
}

/**
 * The queue of one caller's subscription: it ends when the caller's token expires, since
 * nothing after that moment is theirs to hear (a public reader's never does).
 */
export function subscriptionQueue<T>(ctx: { expiresAt?: number }, onEnd: () => void): PushQueue<T> {
  const queue = new PushQueue<T>(onEnd);
  if (ctx.expiresAt !== undefined) {
    const expiresAt = ctx.expiresAt;
    queue.failAt(
      expiresAt,
      () =>
        new GraphQLError(
          `Your token expired at ${new Date(expiresAt).toISOString()}, which ended this subscription; connect again with a fresh token`,
          { extensions: { code: 'UNAUTHENTICATED' } },
        ),
    );
  }
  return queue;
}

/**
 * Each message of a subscription is a request's worth: it gets a fresh budget (objects,
 * text, time, as the subscription's operation was allowed) and reads the view of its
 * change, shared with the other subscribers. Returns the view this message reads.
 */
export function startMessage(ctx: GqlContext, view: ReadView): ReadView {
  ctx.objects = 0;
  ctx.bytes = 0;
  delete ctx.refusal;
  delete ctx.large;
  if (ctx.executionMs !== undefined) ctx.deadline = Date.now() + ctx.executionMs;
  ctx.view = view.within(ctx);
  return ctx.view;
}

/**
 * The event a subscription message is about: the feed's audit row, the same object for
 * every subscriber it is pushed to, so that a message can be made once for all who would
 * get the same one (the API's SubscriptionMessages). Undefined when there is none.
 */
export function sharedEventOf(pushed: unknown): object | undefined {
  const row = (pushed as { row?: unknown } | null | undefined)?.row;
  return typeof row === 'object' && row !== null ? row : undefined;
}
