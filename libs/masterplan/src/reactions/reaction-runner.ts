import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CommandBus, EventBus } from '@nestjs/cqrs';
import {
  EVENT_STORE,
  comparePositions,
  type EventStore,
  type LogStart,
  type Subscription,
} from '@ml/event-store';
import { ReadStore } from '../read-store/read-store.js';
import { DomainEventStored, toStoredEvent } from '../shared/stored-event.js';
import { REACTIONS, type Reaction } from './reaction.js';

const CHECKPOINT = 'reactions';

/**
 * Feeds reactions and Nest's EventBus from the store's log, never from command handlers:
 * an event takes effect only once it is stored, and the checkpoint saved after each event
 * makes a restart resume where the last run stopped. Set `MASTERPLAN_REACTIONS=off` to run
 * an instance without reactions (e.g. a read-only replica).
 */
@Injectable()
export class ReactionRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Reactions');
  private subscription?: Subscription;
  private running?: Promise<void>;
  private stopping = false;
  private processed: LogStart = 'start';
  private waiters: Array<{ position: LogStart; resolve(): void }> = [];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readStore: ReadStore,
    private readonly commands: CommandBus,
    private readonly events: EventBus,
    @Inject(REACTIONS) private readonly reactions: Reaction[],
  ) {}

  onApplicationBootstrap(): void {
    if (process.env.MASTERPLAN_REACTIONS === 'off') {
      this.logger.log('Reactions are off (MASTERPLAN_REACTIONS=off)');
      return;
    }
    this.running = this.run();
  }

  /** Before the event store and the read store close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.subscription?.close();
    await this.running;
  }

  /** Resolves once every event up to `position` has been reacted to. */
  reached(position: LogStart): Promise<void> {
    if (comparePositions(this.processed, position) >= 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ position, resolve }));
  }

  private async run(): Promise<void> {
    this.processed = this.readStore.checkpoint(CHECKPOINT);
    this.subscription = this.store.subscribeToAll({ fromPosition: this.processed });
    try {
      for await (const recorded of this.subscription) {
        const event = toStoredEvent(recorded);
        if (event) {
          for (const reaction of this.reactions) {
            if (reaction.handles.includes(event.type))
              await this.withRetries(reaction, () => reaction.react(event, this.commands));
          }
          this.events.publish(new DomainEventStored(event));
        }
        this.readStore.saveCheckpoint(CHECKPOINT, recorded.position);
        this.processed = recorded.position;
        this.wakeWaiters();
        if (this.stopping) break;
      }
    } catch (error) {
      if (!this.stopping)
        this.logger.error(`Reactions stopped: ${(error as Error).message}`, (error as Error).stack);
    }
  }

  /** A failing reaction is retried with growing pauses; the log does not move past it. */
  private async withRetries(reaction: Reaction, attempt: () => Promise<void>): Promise<void> {
    for (let pause = 100; ; pause = Math.min(pause * 2, 5000)) {
      try {
        return await attempt();
      } catch (error) {
        if (this.stopping) throw error;
        this.logger.error(
          `Reaction ${reaction.name} failed, retrying in ${pause} ms: ${(error as Error).message}`,
        );
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  private wakeWaiters(): void {
    const due = this.waiters.filter((w) => comparePositions(this.processed, w.position) >= 0);
    this.waiters = this.waiters.filter((w) => !due.includes(w));
    for (const waiter of due) waiter.resolve();
  }
}
