import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, comparePositions, type EventStore, type Position } from '@ml/event-store';
import { prepareReadModels, project } from '../projections/projections.js';
import { occurredAt } from '../projections/projection.js';
import { toStoredEvent } from '../shared/stored-event.js';
import { ReadStore } from './read-store.js';
import { ReadView } from './read-view.js';

export interface Moment {
  /** As the process stood then: events that occurred at or before this time. */
  time?: Date;
  /** As the log stood then: events at or before this position. */
  position?: Position;
}

const CACHED_VIEWS = 2;
/** How long an evicted view stays open for requests still reading it. */
const CLOSE_AFTER_MS = 60_000;

/**
 * The read models at a past moment, computed from the events: the same projections, folded
 * into an in-memory read store. It is right for any moment, including ones no projection
 * kept. Views are cached by moment and log head, since the past does not change; each
 * lives in a temporary file that is deleted when the view is evicted (and at shutdown).
 */
@Injectable()
export class TimeTravel {
  private readonly cache = new Map<string, Promise<ReadView>>();
  /** Evicted views, still open for requests that may be reading them. */
  private readonly retiring = new Set<ReadView>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly live: ReadStore,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    const views = await Promise.allSettled([...this.cache.values()]);
    for (const view of views) if (view.status === 'fulfilled') view.value.store.close();
    for (const view of this.retiring) view.store.close();
    this.cache.clear();
    this.retiring.clear();
  }

  async viewAt(moment: Moment): Promise<ReadView> {
    const head = await this.store.headPosition();
    const key = `${moment.time?.toISOString() ?? ''}|${moment.position ?? ''}|${head}`;
    let view = this.cache.get(key);
    if (!view) {
      view = this.fold(moment);
      this.cache.set(key, view);
      if (this.cache.size > CACHED_VIEWS) {
        const oldest = this.cache.keys().next().value!;
        const evicted = this.cache.get(oldest)!;
        this.cache.delete(oldest);
        // A past view is a whole in-memory read store: release it once no request can still use it.
        void evicted.then(
          (v) => setTimeout(() => v.store.close(), CLOSE_AFTER_MS).unref(),
          () => undefined,
        );
      }
      view.catch(() => this.cache.delete(key));
    }
    return view;
  }

  private async fold(moment: Moment): Promise<ReadView> {
    const readStore = ReadStore.scratch();
    prepareReadModels(readStore);
    const limit = moment.time?.toISOString();
    let last: string | undefined;
    let batch: Parameters<typeof project>[1][] = [];
    const flush = () => {
      readStore.transaction(() =>
        batch.forEach((event) => project(readStore, event, { withoutAudit: true })),
      );
      batch = [];
    };
    for await (const recorded of this.store.readAll()) {
      if (moment.position && comparePositions(recorded.position, moment.position) > 0) break;
      const event = toStoredEvent(recorded);
      if (!event || (limit !== undefined && occurredAt(event) > limit)) continue;
      batch.push(event);
      last = recorded.position;
      if (batch.length >= 1000) flush();
    }
    flush();
    return new ReadView(readStore, last ?? 'start', this.live);
  }
}
