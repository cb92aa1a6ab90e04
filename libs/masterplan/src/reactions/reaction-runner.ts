import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CommandBus, EventBus } from '@nestjs/cqrs';
import {
  EVENT_STORE,
  comparePositions,
  isDiskFull,
  type EventStore,
  type LogStart,
  type Position,
  type RecordedEvent,
} from '@ml/event-store';
import { CONFIGURATION, type Configuration } from '@ml/config';
import { ReadStore } from '../read-store/read-store.js';
import { EventNotApplied, LogFollower } from '../shared/log-follower.js';
import { DomainEventStored, toStoredEvent } from '../shared/stored-event.js';
import { REACTIONS, type Reaction } from './reaction.js';

const CHECKPOINT = 'reactions';
/** Tries of a reaction that throws, over about three seconds, before the reactions stop on it. */
const REACTION_ATTEMPTS = 6;

/**
 * Feeds reactions and Nest's EventBus from the store's log, never from command handlers:
 * an event takes effect only once it is stored, and the checkpoint saved after each event
 * makes a restart resume where the last run stopped. Set `MASTERPLAN_REACTIONS=off` to run
 * an instance without reactions (e.g. a read-only replica).
 */
@Injectable()
export class ReactionRunner
  extends LogFollower
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    private readonly readStore: ReadStore,
    private readonly commands: CommandBus,
    private readonly events: EventBus,
    @Inject(REACTIONS) private readonly reactions: Reaction[],
    @Inject(CONFIGURATION) private readonly configuration: Configuration,
  ) {
    super(store, 'reactions');
  }

  onApplicationBootstrap(): void {
    if (this.configuration.MASTERPLAN_REACTIONS === 'off') {
      this.logger.log('Reactions are off (MASTERPLAN_REACTIONS=off)');
      return;
    }
    this.start();
  }

  /** Before the event store and the read store close. */
  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  protected checkpoint(): LogStart {
    return this.readStore.checkpoint(CHECKPOINT);
  }

  protected async handle(batch: RecordedEvent[]): Promise<void> {
    for (const recorded of batch) {
      const event = toStoredEvent(recorded);
      const reactions = event
        ? this.reactions.filter((reaction) => reaction.handles.includes(event.type))
        : [];
      // Reactions are idempotent, so another process on the same DATA_DIR (a CLI verb next
      // to the server) may run them too; the checkpoint only ever moves forwards. It is
      // saved after each event a reaction handled, and otherwise once per batch.
      if (reactions.length > 0 && !this.passed(recorded.position)) {
        for (const reaction of reactions)
          await this.withRetries(reaction, recorded, () => reaction.react(event!, this.commands));
        this.moveCheckpoint(recorded.position);
      }
      if (event) this.events.publish(new DomainEventStored(event));
    }
    this.moveCheckpoint(batch[batch.length - 1]!.position);
  }

  private passed(position: Position): boolean {
    return comparePositions(position, this.readStore.checkpoint(CHECKPOINT)) <= 0;
  }

  private moveCheckpoint(position: Position): void {
    if (!this.passed(position)) this.readStore.saveCheckpoint(CHECKPOINT, position);
  }

  /**
   * A failing reaction is retried with growing pauses (a refusal is not a failure: the
   * reaction logs it); one that keeps failing stops the reactions at its event, visibly.
   */
  private async withRetries(
    reaction: Reaction,
    recorded: RecordedEvent,
    attempt: () => Promise<void>,
  ): Promise<void> {
    for (let tries = 1, pause = 100; ; tries++, pause *= 2) {
      try {
        return await attempt();
      } catch (error) {
        // The reactions wait for space as a whole, from their checkpoint (LogFollower).
        if (isDiskFull(error)) throw error;
        if (tries >= REACTION_ATTEMPTS || this.isStopping)
          throw new EventNotApplied(recorded, error, true);
        this.logger.warn(
          `Reaction ${reaction.name} failed on ${recorded.type} ${recorded.id}, retrying in ${pause} ms: ${(error as Error).message}`,
          { correlationId: recorded.metadata.correlationId },
        );
        if (!(await this.pause(pause))) throw new EventNotApplied(recorded, error, true);
      }
    }
  }
}
