import { Logger } from '@nestjs/common';
import {
  comparePositions,
  isDiskFull,
  type EventStore,
  type LogStart,
  type Position,
  type RecordedEvent,
  type Subscription,
} from '@ml/event-store';

const MAX_BATCH = 1000;
/** Attempts at a batch that fails while it is applied, before the follower stops on it. */
const APPLY_ATTEMPTS = 3;

const nextTurn = () => new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined)));

/**
 * Where a follower stands: catching up or live (`running`), waiting to reconnect to the
 * store (`retrying`), stopped on an event it cannot apply (`failed`), shut down (`stopped`),
 * or never started (`off`).
 */
export type FollowerState = 'running' | 'retrying' | 'failed' | 'stopped' | 'off';

/** The event a follower could not apply, and why. */
export interface FollowerFailure {
  position: Position;
  eventId: string;
  eventType: string;
  streamId: string;
  message: string;
  at: Date;
}

export interface FollowerStatus {
  name: string;
  state: FollowerState;
  checkpoint: LogStart;
  head: LogStart;
  /** Events in the log after the checkpoint (counted up to `lagLimit`). */
  lagEvents: number;
  /** Age of the oldest event not yet handled; 0 when up to date. */
  lagSeconds: number;
  eventsApplied: number;
  failure: FollowerFailure | null;
  /** The last error while reaching the store, while `retrying`. */
  lastError: string | null;
}

/** Thrown by `handle` when one event cannot be applied: the follower stops on it. */
export class EventNotApplied extends Error {
  constructor(
    readonly event: RecordedEvent,
    override readonly cause: unknown,
    /** Set when the handler already tried again by itself: the follower stops at once. */
    readonly retried = false,
  ) {
    super(
      `${event.type} ${event.id} at position ${event.position} (stream '${event.streamId}') could not be applied: ${(cause as Error)?.message ?? String(cause)}`,
    );
    this.name = 'EventNotApplied';
  }
}

/** A follower that stopped on an event; `reached` rejects with it for positions beyond. */
export class FollowerFailed extends Error {
  constructor(
    readonly follower: string,
    readonly failure: FollowerFailure,
  ) {
    super(
      `The ${follower} stopped at position ${failure.position} on ${failure.eventType} ${failure.eventId}: ${failure.message}`,
    );
    this.name = 'FollowerFailed';
  }
}

/**
 * Follows the store's log from a saved checkpoint: catch-up, then live. Events arrive in
 * batches (whatever is ready at once, up to a limit), so catching up on a long log costs
 * one transaction per batch instead of one per event. `handle` must save the checkpoint.
 * Others can wait until the follower has passed a position (read-your-writes).
 *
 * Losing the store (a restarting EventStoreDB node, a locked file), or a full disk that keeps
 * the follower from storing what it applied, is retried with growing pauses, from the
 * checkpoint. An event that cannot be applied (it fails a few times in a row) stops the
 * follower where it is: its position and error show in the status, the failure is logged
 * once, and the follower does not move past it.
 */
export abstract class LogFollower {
  protected readonly logger: Logger;
  private subscription?: Subscription;
  private running?: Promise<void>;
  private stopping = false;
  private wakeFromPause?: () => void;
  private processedUpTo: LogStart = 'start';
  private waiters: Array<{ position: LogStart; resolve(): void; reject(error: Error): void }> = [];
  private handled = 0;
  private current: FollowerState = 'off';
  private failure: FollowerFailure | null = null;
  private lastError: string | null = null;
  /** Retrying because what it applied could not be stored: the disk is full. */
  private cannotStore = false;

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

  get state(): FollowerState {
    return this.current;
  }

  /** Why the follower stopped, when it did. */
  get failed(): FollowerFailure | null {
    return this.failure;
  }

  /** True while it waits for space: what it applies cannot be stored, the disk is full. */
  get diskFull(): boolean {
    return this.cannotStore;
  }

  start(): void {
    this.processedUpTo = this.checkpoint();
    this.current = 'running';
    this.running = this.follow();
  }

  /** Stops at once: a pause before a retry is cut short, an iteration in progress ends. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeFromPause?.();
    await this.subscription?.close();
    await this.running;
    if (this.current !== 'failed') this.current = 'stopped';
  }

  /**
   * Resolves once every event up to `position` has been handled; rejects with
   * FollowerFailed if the follower stopped on an event before it.
   */
  reached(position: LogStart): Promise<void> {
    if (comparePositions(this.processedUpTo, position) >= 0) return Promise.resolve();
    if (this.failure) return Promise.reject(new FollowerFailed(this.name, this.failure));
    return new Promise((resolve, reject) => this.waiters.push({ position, resolve, reject }));
  }

  /** A pause that `stop()` cuts short; true when it ran its full length. */
  protected pause(ms: number): Promise<boolean> {
    if (this.stopping) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeFromPause = undefined;
        resolve(true);
      }, ms);
      this.wakeFromPause = () => {
        clearTimeout(timer);
        this.wakeFromPause = undefined;
        resolve(false);
      };
    });
  }

  protected get isStopping(): boolean {
    return this.stopping;
  }

  private async follow(): Promise<void> {
    for (let pause = 100; !this.stopping; pause = Math.min(pause * 2, 10_000)) {
      try {
        await this.followOnce();
        return;
      } catch (error) {
        await this.subscription?.close();
        if (this.stopping) return;
        if (error instanceof FollowerFailed) return;
        // The store could not be read, or the disk is full: passing, most likely. Resume
        // from the checkpoint.
        const message = (error as Error).message;
        const full = isDiskFull(error);
        if (this.current !== 'retrying') {
          if (full)
            this.logger.error(
              `${this.name} cannot store what it applies, the disk is full (${message}); it tries again from its checkpoint until space is freed`,
            );
          else this.logger.warn(`${this.name} lost the event store, retrying: ${message}`);
        }
        this.cannotStore = full;
        this.current = 'retrying';
        this.lastError = message;
        // Freed space is noticed within a second: mutations meanwhile answer that it is late.
        if (!(await this.pause(full ? Math.min(pause, 1000) : pause))) return;
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
      if (this.current === 'retrying' && !this.cannotStore) {
        this.logger.log(`${this.name} reached the event store again`);
        this.current = 'running';
        this.lastError = null;
      }
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
      await this.apply(batch);
      if (this.cannotStore) {
        this.logger.log(`${this.name} stores again: space was freed`);
        this.current = 'running';
        this.lastError = null;
        this.cannotStore = false;
      }
      this.handled += batch.length;
      this.advance(batch[batch.length - 1]!.position);
      // A store that answers without I/O (SQLite) would otherwise keep the loop busy for the
      // whole catch-up: requests wait, and what each turn leaves for later piles up.
      await turn;
    }
  }

  /** Applies a batch, trying again briefly; a batch that keeps failing stops the follower. */
  private async apply(batch: RecordedEvent[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.handle(batch);
      } catch (error) {
        // Not the event's fault: the follower waits for space (see follow).
        const cause = error instanceof EventNotApplied ? error.cause : error;
        if (isDiskFull(cause)) throw cause;
        const retried = error instanceof EventNotApplied && error.retried;
        if (
          !retried &&
          attempt < APPLY_ATTEMPTS &&
          !this.stopping &&
          (await this.pause(100 * 2 ** attempt))
        )
          continue;
        if (this.stopping) throw error;
        throw this.fail(batch, error);
      }
    }
  }

  private fail(batch: RecordedEvent[], error: unknown): FollowerFailed {
    const event = error instanceof EventNotApplied ? error.event : batch[0]!;
    const cause = error instanceof EventNotApplied ? error.cause : error;
    this.failure = {
      position: event.position,
      eventId: event.id,
      eventType: event.type,
      streamId: event.streamId,
      message: (cause as Error)?.message ?? String(cause),
      at: new Date(),
    };
    this.current = 'failed';
    const failed = new FollowerFailed(this.name, this.failure);
    // Once, on one line, with what an operator needs to find the event (docs/operations.md).
    this.logger.error(`${this.name} stopped: it cannot apply an event and will not move past it`, {
      follower: this.name,
      position: event.position,
      eventId: event.id,
      eventType: event.type,
      streamId: event.streamId,
      error: this.failure.message,
      appliedUpTo: this.processedUpTo,
    });
    for (const waiter of this.waiters.splice(0)) waiter.reject(failed);
    return failed;
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
      state: this.current,
      checkpoint,
      head,
      lagEvents,
      lagSeconds: oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0,
      eventsApplied: this.handled,
      failure: this.failure,
      lastError: this.lastError,
    };
  }

  private advance(position: LogStart): void {
    this.processedUpTo = position;
    const due = this.waiters.filter((w) => comparePositions(position, w.position) >= 0);
    this.waiters = this.waiters.filter((w) => !due.includes(w));
    for (const waiter of due) waiter.resolve();
    this.advanced();
  }

  /** Called after each handled batch, once `processed` includes it. */
  protected advanced(): void {}
}
