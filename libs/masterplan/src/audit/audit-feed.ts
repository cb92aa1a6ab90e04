import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Projector } from '../projections/projector.js';
import { ReadStore } from '../read-store/read-store.js';
import { ReadView } from '../read-store/read-view.js';
import type { AuditRow } from './audit.projection.js';
import type { StoredEvent } from '../shared/stored-event.js';
import { entitiesOf, type EntityRef } from './entities.js';
import { withSummaries } from './summary.js';

export interface LiveAuditEntry {
  row: AuditRow;
  entities: EntityRef[];
  /**
   * The read models right after the entry, one view shared by every subscriber: what they
   * read of it is read once, batched, however many follow.
   */
  view: ReadView;
}

/**
 * New audit entries, live, for subscriptions: taken from the read store right after the
 * projector committed them, so a subscriber never hears of a change a query cannot see.
 */
@Injectable()
export class AuditFeed implements OnModuleDestroy {
  private readonly listeners = new Set<(entry: LiveAuditEntry) => void>();
  private readonly onEvents = (events: StoredEvent[]) => this.publish(events);

  constructor(
    private readonly projector: Projector,
    private readonly readStore: ReadStore,
  ) {
    projector.projected.on('events', this.onEvents);
  }

  subscribe(listener: (entry: LiveAuditEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onModuleDestroy(): void {
    this.projector.projected.off('events', this.onEvents);
  }

  private publish(events: StoredEvent[]): void {
    if (this.listeners.size === 0) return;
    const rows = withSummaries(
      this.readStore.all<AuditRow>(
        'SELECT * FROM audit_entries WHERE position IN (SELECT value FROM json_each(?)) ORDER BY position',
        JSON.stringify(events.map((e) => e.position)),
      ),
      this.readStore,
    );
    const byPosition = new Map(events.map((e) => [e.position as string, e]));
    const view = new ReadView(this.readStore);
    for (const row of rows) {
      // The same entities the audit stored for it: a live subscriber hears what a query finds.
      const entry = {
        row,
        entities: entitiesOf(byPosition.get(row.position)!, row.masterplan_id),
        view,
      };
      for (const listener of this.listeners) listener(entry);
    }
  }
}
