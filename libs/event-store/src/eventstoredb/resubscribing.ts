import { setTimeout as sleep } from 'node:timers/promises';
import type {
  LogStart,
  RecordedEvent,
  SubscribeToAllOptions,
  Subscription,
  SubscriptionFilter,
} from '../contract.js';
import { SubscriptionDropped } from '../errors.js';
import {
  fromEsdbPosition,
  fromResolvedEvent,
  isPassingError,
  type ClientResolvedEvent,
  type ClientSubscription,
} from './mapping.js';

/** What the adapter uses of the client's catch-up subscription to `$all`. */
export type AllStreamAttempt = Pick<ClientSubscription, 'unsubscribe'> &
  AsyncIterable<ClientResolvedEvent> & {
    once(event: 'confirmation', listener: () => void): unknown;
  };

/**
 * Subscribing to `$all` from a position (exclusive): the client's call, and the seam where
 * tests drive the resubscribing below without a server.
 */
export type SubscribeToAllFrom = (
  from: LogStart,
  filter: SubscriptionFilter | undefined,
) => AllStreamAttempt;

export interface ResubscribePolicy {
  /** Attempts in a row that fail (no event, no confirmation) before the subscription gives up. */
  attempts: number;
  /** The pause after the first failure; it doubles after each further one, up to `maxPauseMs`. */
  firstPauseMs: number;
  maxPauseMs: number;
  /** Waits `ms`, or less when `signal` aborts (the subscription was closed). */
  pause(ms: number, signal: AbortSignal): Promise<void>;
}

/** Eight attempts with 11.3 s of pauses between them (0.1 + 0.2 + … + 3.2 + 5 s) before giving up. */
export const DEFAULT_RESUBSCRIBE: ResubscribePolicy = {
  attempts: 8,
  firstPauseMs: 100,
  maxPauseMs: 5_000,
  pause: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
};

/**
 * A catch-up subscription to `$all` that survives a dropped connection (a node restarting,
 * a new leader, a network blip): it subscribes again from the last position it saw, after a
 * pause that grows with each failure in a row, so the consumer sees neither a gap nor a
 * duplicate. Errors that do not pass (access denied, a malformed request) end it at once;
 * after `policy.attempts` failures in a row it ends with `SubscriptionDropped`. A
 * confirmation from the server or an event resets the count.
 */
export function resubscribingToAll(
  log: {
    subscribeFrom: SubscribeToAllFrom;
    /** The position of the newest event now (`start` when there is none). */
    head(): Promise<LogStart>;
  },
  options: SubscribeToAllOptions,
  policy: ResubscribePolicy,
  onClose: () => void,
): Subscription {
  const closing = new AbortController();
  const closed = new Promise<IteratorReturnResult<undefined>>((resolve) =>
    closing.signal.addEventListener('abort', () => resolve({ done: true, value: undefined }), {
      once: true,
    }),
  );
  let current: AllStreamAttempt | undefined;
  let after: LogStart = options.fromPosition ?? 'start';

  async function* follow(): AsyncGenerator<RecordedEvent> {
    let failures = 0;
    while (!closing.signal.aborted) {
      let reason: unknown = new Error('the server ended the subscription');
      let attempt: AllStreamAttempt | undefined;
      let resolvedEvents: AsyncIterator<ClientResolvedEvent> | undefined;
      try {
        // As a position, so that subscribing again after a drop misses nothing appended meanwhile.
        if (after === 'end') after = await log.head();
        attempt = current = log.subscribeFrom(after, options.filter);
        attempt.once('confirmation', () => (failures = 0));
        resolvedEvents = attempt[Symbol.asyncIterator]();
        for (;;) {
          const next = resolvedEvents.next();
          // Closing ends a waiting iteration whether or not the client ends its stream.
          const result = await Promise.race([next, closed]);
          if (result.done) {
            next.catch(() => undefined);
            break;
          }
          failures = 0;
          const position = result.value.event?.position;
          if (position) after = fromEsdbPosition(position);
          const event = fromResolvedEvent(result.value);
          if (event) yield event;
        }
      } catch (error) {
        if (closing.signal.aborted) return;
        if (!isPassingError(error)) throw error;
        reason = error;
      } finally {
        current = undefined;
        // Not awaited: with a read still pending, the stream's iterator returns only after it.
        resolvedEvents?.return?.().catch(() => undefined);
        await attempt?.unsubscribe().catch(() => undefined);
      }
      if (closing.signal.aborted) return;
      if (++failures >= policy.attempts) throw new SubscriptionDropped(after, failures, reason);
      await policy.pause(
        Math.min(policy.firstPauseMs * 2 ** (failures - 1), policy.maxPauseMs),
        closing.signal,
      );
    }
  }

  const events = follow();
  return {
    [Symbol.asyncIterator]: () => events,
    close: async () => {
      if (closing.signal.aborted) return;
      closing.abort();
      onClose();
      await current?.unsubscribe().catch(() => undefined);
    },
  };
}
