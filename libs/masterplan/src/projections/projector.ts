import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { EventEmitter } from 'node:events';
import {
  EVENT_STORE,
  comparePositions,
  type EventStore,
  type LogStart,
  type RecordedEvent,
} from '@ml/event-store';
import { ReadStore } from '../read-store/read-store.js';
import { EventNotApplied, LogFollower } from '../shared/log-follower.js';
import { toStoredEvent, type StoredEvent } from '../shared/stored-event.js';
import { prepareReadModels, project } from './projections.js';

export const READ_MODELS_CHECKPOINT = 'read-models';

/**
 * Keeps the read models up to date from the log. Each batch of events and the checkpoint
 * commit in one SQLite transaction, so every event takes effect exactly once, also across
 * crashes. Listeners of `projected` hear about events only after they are committed.
 */
@Injectable()
export class Projector
  extends LogFollower
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  readonly projected = new EventEmitter<{ events: [StoredEvent[]] }>();

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    private readonly readStore: ReadStore,
  ) {
    super(store, 'read-models');
    this.projected.setMaxListeners(0);
  }

  onApplicationBootstrap(): void {
    prepareReadModels(this.readStore);
    this.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  /**
   * Waits until the read models include `position`, at most `ms`: 'late' if they did not,
   * FollowerFailed (thrown) if they stopped on an event before it.
   */
  async waitFor(position: LogStart, ms: number): Promise<'reached' | 'late'> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
    const reached = this.reached(position).then(() => 'reached' as const);
    // Still observed when the wait ended first: a later failure must not go unhandled.
    reached.catch(() => undefined);
    return Promise.race([reached, late]).finally(() => clearTimeout(timer));
  }

  protected checkpoint(): LogStart {
    return this.readStore.checkpoint(READ_MODELS_CHECKPOINT);
  }

  protected handle(batch: RecordedEvent[]): void {
    const events: StoredEvent[] = [];
    this.readStore.transaction(() => {
      // Another process on the same DATA_DIR (a CLI verb next to the server) may have
      // applied some of these already: the checkpoint, read inside the transaction, says.
      const applied = this.readStore.checkpoint(READ_MODELS_CHECKPOINT);
      for (const recorded of batch) {
        if (comparePositions(recorded.position, applied) <= 0) continue;
        try {
          const event = toStoredEvent(recorded);
          if (event) {
            project(this.readStore, event);
            events.push(event);
          }
        } catch (error) {
          throw new EventNotApplied(recorded, error);
        }
      }
      const last = batch[batch.length - 1]!.position;
      if (comparePositions(last, applied) > 0)
        this.readStore.saveCheckpoint(READ_MODELS_CHECKPOINT, last);
    });
    if (events.length > 0) this.projected.emit('events', events);
  }
}
