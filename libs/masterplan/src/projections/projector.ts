import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { EVENT_STORE, type EventStore, type LogStart, type RecordedEvent } from '@ml/event-store';
import { ReadStore } from '../read-store/read-store.js';
import { LogFollower } from '../shared/log-follower.js';
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

  protected checkpoint(): LogStart {
    return this.readStore.checkpoint(READ_MODELS_CHECKPOINT);
  }

  protected handle(batch: RecordedEvent[]): void {
    const events: StoredEvent[] = [];
    this.readStore.transaction(() => {
      for (const recorded of batch) {
        const event = toStoredEvent(recorded);
        if (event) {
          project(this.readStore, event);
          events.push(event);
        }
      }
      this.readStore.saveCheckpoint(READ_MODELS_CHECKPOINT, batch[batch.length - 1]!.position);
    });
    if (events.length > 0) this.projected.emit('events', events);
  }
}
