import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@ml/event-store';
import { Projector, ReactionRunner } from '@ml/masterplan';
import type { Health } from './health.model.js';

@Injectable()
export class HealthService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projector: Projector,
    private readonly reactions: ReactionRunner,
  ) {}

  /**
   * Ready to serve: the event store answers and the read models and reactions follow the
   * log. A follower stopped on an event it cannot apply makes the server not ready (the
   * process stays up and answers from what it has), so a load balancer sends requests
   * elsewhere while an operator looks (docs/operations.md).
   */
  async check(): Promise<Health> {
    const engine = await this.store.health();
    const problems: string[] = [];
    if (engine.state !== 'up') problems.push(`event store ${engine.state}: ${engine.detail}`);
    for (const follower of [this.projector, this.reactions]) {
      const failure = follower.failed;
      if (failure)
        problems.push(
          `${follower.name} stopped at position ${failure.position} on ${failure.eventType} ${failure.eventId}: ${failure.message}`,
        );
      else if (follower.state === 'retrying')
        problems.push(
          follower.diskFull
            ? `${follower.name} cannot store what it applies: the disk is full; it resumes once space is freed`
            : `${follower.name} cannot read the event store and is retrying`,
        );
    }
    return { status: problems.length === 0 ? 'ok' : 'degraded', problems, ...engine };
  }
}
