import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { EventMetadata, Position } from '@ml/event-store';
import { GraphQLError } from 'graphql';
import { Projector } from '../projections/projector.js';
import { prepareReadModels, project } from '../projections/projections.js';
import type { MasterplanDomainEvent } from '../shared/event-catalogue.js';
import type { StoredEvent } from '../shared/stored-event.js';
import { ReadStore } from './read-store.js';
import { ReadView } from './read-view.js';
import type { AuditRow } from './rows.js';

export interface Moment {
  /** The masterplan whose past is asked for. */
  masterplanId: string;
  /** As the process stood then: events that occurred at or before this time. */
  time?: Date;
  /** As the log stood then: events at or before this position. */
  position?: Position;
}

const CACHED_VIEWS = 2;
/** How long an evicted view stays open for requests still reading it. */
const CLOSE_AFTER_MS = 60_000;
const CATCH_UP_MS = 5_000;

/**
 * A masterplan at a past moment, computed from its events: the same projections, folded
 * into a scratch read store. The events come from the audit trail, which holds every
 * stored event in its current shape, indexed by masterplan: so the cost follows the
 * history of that masterplan (and the actors), not of the whole log, and no event-store
 * round trip is needed. Views are cached by moment, since the past does not change; each
 * lives in a temporary file deleted when the view is evicted (and at shutdown).
 */
@Injectable()
export class TimeTravel implements OnApplicationShutdown {
  private readonly cache = new Map<string, Promise<ReadView>>();
  /** Evicted views, still open for requests that may be reading them. */
  private readonly retiring = new Set<ReadView>();

  constructor(
    private readonly live: ReadStore,
    private readonly projector: Projector,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    const views = await Promise.allSettled([...this.cache.values()]);
    for (const view of views) if (view.status === 'fulfilled') view.value.store.close();
    for (const view of this.retiring) view.store.close();
    this.cache.clear();
    this.retiring.clear();
  }

  async viewAt(moment: Moment): Promise<ReadView> {
    // The past is read from the audit trail, so it must have reached the moment asked for.
    const upTo = moment.position ?? (this.projector.processed as Position);
    await this.caughtUp(upTo);
    const key = `${moment.masterplanId}|${moment.time?.toISOString() ?? ''}|${upTo}`;
    let view = this.cache.get(key);
    if (!view) {
      view = this.fold(moment, upTo);
      this.cache.set(key, view);
      view.catch(() => this.cache.delete(key));
      if (this.cache.size > CACHED_VIEWS) this.retire(this.cache.keys().next().value!);
    }
    return view;
  }

  private retire(key: string): void {
    const evicted = this.cache.get(key)!;
    this.cache.delete(key);
    void evicted.then(
      (view) => {
        this.retiring.add(view);
        setTimeout(() => {
          this.retiring.delete(view);
          view.store.close();
        }, CLOSE_AFTER_MS).unref();
      },
      () => undefined,
    );
  }

  private async caughtUp(position: Position): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>(
      (resolve) => (timer = setTimeout(() => resolve('late'), CATCH_UP_MS)),
    );
    const outcome = await Promise.race([this.projector.reached(position), late]).finally(() =>
      clearTimeout(timer),
    );
    if (outcome === 'late') {
      throw new GraphQLError(
        `The read models have not reached position ${position} yet; try again shortly`,
        {
          extensions: { code: 'READ_MODEL_LAGGING', position },
        },
      );
    }
  }

  private async fold(moment: Moment, upTo: Position): Promise<ReadView> {
    const readStore = ReadStore.scratch();
    prepareReadModels(readStore);
    const time = moment.time?.toISOString();
    // The masterplan's own events, and those of the actors (which belong to no masterplan).
    const rows = this.live.db
      .prepare(
        `SELECT * FROM audit_entries WHERE masterplan_id = ? AND position <= ?
         UNION ALL SELECT * FROM audit_entries WHERE masterplan_id IS NULL AND position <= ?
         ORDER BY position`,
      )
      .iterate(moment.masterplanId, upTo, upTo) as IterableIterator<AuditRow>;
    let last: string | undefined;
    let batch: StoredEvent[] = [];
    const flush = () => {
      readStore.transaction(() =>
        batch.forEach((event) => project(readStore, event, { withoutAudit: true })),
      );
      batch = [];
    };
    for (const row of rows) {
      if (time !== undefined && row.occurred_at > time) continue;
      batch.push(storedEventOf(row));
      last = row.position;
      if (batch.length >= 1000) flush();
    }
    flush();
    return new ReadView(readStore, last ?? 'start', this.live);
  }
}

/** An audit entry back as the stored event it records (data already in its current shape). */
function storedEventOf(row: AuditRow): StoredEvent {
  const metadata: EventMetadata = {
    occurredAt: row.occurred_at,
    ...(row.correlation_id ? { correlationId: row.correlation_id } : {}),
    ...(row.causation_id ? { causationId: row.causation_id } : {}),
    ...(row.user_id
      ? {
          actor: {
            userId: row.user_id,
            roles: JSON.parse(row.roles) as string[],
            ...(row.organisation_id ? { organisationId: row.organisation_id } : {}),
          },
        }
      : {}),
  };
  return {
    type: row.event_type,
    data: JSON.parse(row.data),
    id: row.event_id,
    streamId: row.stream_id,
    revision: row.revision,
    position: row.position as Position,
    recordedAt: new Date(row.recorded_at),
    metadata,
  } as MasterplanDomainEvent as StoredEvent;
}
