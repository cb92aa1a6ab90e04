import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@ml/event-store';
import type { Health } from './health.model.js';

@Injectable()
export class HealthService {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async check(): Promise<Health> {
    const engine = await this.store.health();
    return { status: engine.state === 'up' ? 'ok' : 'degraded', ...engine };
  }
}
