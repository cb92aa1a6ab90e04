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
 * A masterplan at a past moment. The read models keep every row version with the log
 * positions it was valid between, so the past at a log position is an indexed query on the
 * live read store: its cost follows the size of the answer, not the length of the history.
 *
 * A moment in time (`occurredAt`) is the log position up to which every event occurred by
 * then, when no later event of this masterplan (or of the actors) occurred by then too. Such
 * an out-of-order event (a reaction dated like its cause, a backdated import) makes that time
 * no prefix of the log: then the masterplan's own events (and the actors') that occurred by
 * then are folded through the same projections into a scratch read store. Those events come
 * from the audit trail, which holds every stored event in its current shape, indexed by
 * masterplan. Folded views are cached by moment, since the past does not change; each lives
 * in a temporary file deleted when the view is evicted (and at shutdown).
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

  /**
   * Whether `position` has the shape of this log's positions: they compare as strings, so
   * a position of another width (`42` for `0000000000000042`) would silently mean another
   * moment.
   */
  isPositionOfThisLog(position: string): boolean {
    const known = this.projector.processed;
    return known === 'start' || position.length === known.length;
  }

  async viewAt(moment: Moment): Promise<ReadView> {
    const upTo = moment.position ?? (this.projector.processed as Position);
    // The live read models must have reached the moment asked for.
    await this.caughtUp(upTo);
    // Nothing processed yet ('start'): a bound before every position.
    const bound = upTo === 'start' ? '' : upTo;
    if (!moment.time) return new ReadView(this.live, bound);
    const time = moment.time.toISOString();
    const at = this.positionAt(time, bound);
    if (!this.outOfOrderAfter(at, time, bound, moment.masterplanId))
      return new ReadView(this.live, at);
    const key = `${moment.masterplanId}|${time}|${bound}`;
    let view = this.cache.get(key);
    if (!view) {
      view = this.fold(moment.masterplanId, time, bound);
      this.cache.set(key, view);
      view.catch(() => this.cache.delete(key));
      if (this.cache.size > CACHED_VIEWS) this.retire(this.cache.keys().next().value!);
    }
    return view;
  }

  /**
   * The last log position (up to `upTo`) before which every event occurred by `time`: the
   * audit's `occurred_high` (the latest occurredAt so far) never decreases along the log, so
   * a binary search over its sequence finds it. '' when nothing had occurred by then.
   */
  private positionAt(time: string, upTo: string): string {
    const last = this.live.get<{ seq: number }>(
      'SELECT seq FROM audit_entries WHERE position <= ? ORDER BY position DESC LIMIT 1',
      upTo,
    );
    let [low, high] = [0, last?.seq ?? 0];
    const highAt = (seq: number) =>
      this.live.get<{ occurred_high: string; position: string }>(
        'SELECT occurred_high, position FROM audit_entries WHERE seq <= ? ORDER BY seq DESC LIMIT 1',
        seq,
      );
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (highAt(middle)!.occurred_high <= time) low = middle;
      else high = middle - 1;
    }
    return low === 0 ? '' : highAt(low)!.position;
  }

  /** Whether an event of this masterplan (or an actor) after `at` occurred by `time` too. */
  private outOfOrderAfter(at: string, time: string, upTo: string, masterplanId: string): boolean {
    return (
      this.live.get(
        `SELECT 1 FROM audit_entries WHERE occurred_at < occurred_high AND occurred_at <= ?
           AND position > ? AND position <= ? AND (masterplan_id = ? OR masterplan_id IS NULL) LIMIT 1`,
        time,
        at,
        upTo,
        masterplanId,
      ) !== undefined
    );
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

  private async fold(masterplanId: string, time: string, upTo: string): Promise<ReadView> {
    const readStore = ReadStore.scratch();
    prepareReadModels(readStore);
    // The masterplan's own events, and those of the actors (which belong to no masterplan).
    const rows = this.live.db
      .prepare(
        `SELECT * FROM audit_entries WHERE masterplan_id = ? AND position <= ?
         UNION ALL SELECT * FROM audit_entries WHERE masterplan_id IS NULL AND position <= ?
         ORDER BY position`,
      )
      .iterate(masterplanId, upTo, upTo) as IterableIterator<AuditRow>;
    let last = '';
    let batch: StoredEvent[] = [];
    const flush = () => {
      readStore.transaction(() =>
        batch.forEach((event) => project(readStore, event, { withoutAudit: true })),
      );
      batch = [];
    };
    for (const row of rows) {
      if (row.occurred_at > time) continue;
      batch.push(storedEventOf(row));
      last = row.position;
      if (batch.length >= 1000) flush();
    }
    flush();
    return new ReadView(readStore, last, this.live);
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
