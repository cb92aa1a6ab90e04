import { Logger } from '@nestjs/common';
import {
  comparePositions,
  type EventStore,
  type LogStart,
  type RecordedEvent,
  type Subscription,
} from '@ml/event-store';

const MAX_BATCH = 1000;

const nextTurn = () => new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined)));

export interface FollowerStatus {
  name: string;
  checkpoint: LogStart;
  head: LogStart;
  /** Events in the log after the checkpoint (counted up to `lagLimit`). */
  lagEvents: number;
  /** Age of the oldest event not yet handled; 0 when up to date. */
  lagSeconds: number;
  eventsApplied: number;
}

/**
 * Follows the store's log from a saved checkpoint: catch-up, then live. Events arrive in
 * batches (whatever is ready at once, up to a limit), so catching up on a long log costs
 * one transaction per batch instead of one per event. `handle` must save the checkpoint.
 * Others can wait until the follower has passed a position (read-your-writes).
 */
export abstract class LogFollower {
  protected readonly logger: Logger;
  private subscription?: Subscription;
  private running?: Promise<void>;
  private stopping = false;
  private processedUpTo: LogStart = 'start';
  private waiters: Array<{ position: LogStart; resolve(): void }> = [];
  private handled = 0;

  protected constructor(
    protected readonly store: EventStore,
    readonly name: string,
  ) {
    this.logger = new Logger(name);
  }

  protected abstract checkpoint(): LogStart;
  protected abstract handle(batch: RecordedEvent[]): Promise<void> | void;

  get processed(): LogStart {
    return this.processedUpTo;
  }

  start(): void {
    this.processedUpTo = this.checkpoint();
    this.running = this.follow();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription?.close();
    await this.running;
  }

  /** Resolves once every event up to `position` has been handled. */
  reached(position: LogStart): Promise<void> {
    if (comparePositions(this.processedUpTo, position) >= 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ position, resolve }));
  }

  private async follow(): Promise<void> {
    for (let pause = 100; !this.stopping; pause = Math.min(pause * 2, 10_000)) {
      try {
        await this.followOnce();
        return;
      } catch (error) {
        if (this.stopping) return;
        // Resume from the saved checkpoint after a pause: the failure may be passing (a
        // locked file, a restarting EventStoreDB node); a lasting one is logged each time.
        this.logger.error(
          `${this.name} failed at ${this.processedUpTo}, retrying in ${pause} ms: ${(error as Error).message}`,
          (error as Error).stack,
        );
        await this.subscription?.close();
        await new Promise((resolve) => setTimeout(resolve, pause).unref());
        this.processedUpTo = this.checkpoint();
      }
    }
  }

  private async followOnce(): Promise<void> {
    this.subscription = this.store.subscribeToAll({ fromPosition: this.processedUpTo });
    const iterator = this.subscription[Symbol.asyncIterator]();
    let next = iterator.next();
    while (!this.stopping) {
      const first = await next;
      if (first.done) break;
      const batch = [first.value];
      // Take what is ready without waiting: a read still pending when the event loop comes
      // round again (one turn per batch) ends the batch.
      const turn = nextTurn();
      while (batch.length < MAX_BATCH) {
        next = iterator.next();
        const ready = await Promise.race([next, turn]);
        if (!ready || ready.done) break;
        batch.push(ready.value);
      }
      if (batch.length >= MAX_BATCH) next = iterator.next();
      await this.handle(batch);
      this.handled += batch.length;
      this.advance(batch[batch.length - 1]!.position);
      // A store that answers without I/O (SQLite) would otherwise keep the loop busy for the
      // whole catch-up: requests wait, and what each turn leaves for later piles up.
      await turn;
    }
  }

  async status(lagLimit = 10_000): Promise<FollowerStatus> {
    const checkpoint = this.processedUpTo;
    const head = await this.store.headPosition();
    let lagEvents = 0;
    let oldest: Date | undefined;
    for await (const event of this.store.readAll({
      fromPosition: checkpoint,
      maxCount: lagLimit,
    })) {
      oldest ??= event.recordedAt;
      lagEvents++;
    }
    return {
      name: this.name,
      checkpoint,
      head,
      lagEvents,
      lagSeconds: oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0,
      eventsApplied: this.handled,
    };
  }

  private advance(position: LogStart): void {
    this.processedUpTo = position;
    const due = this.waiters.filter((w) => comparePositions(position, w.position) >= 0);
    this.waiters = this.waiters.filter((w) => !due.includes(w));
    for (const waiter of due) waiter.resolve();
  }
}
